export * from './datasets/index.js';
