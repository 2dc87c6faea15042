export * from './render-value.js';
export * from './task-messages.js';
