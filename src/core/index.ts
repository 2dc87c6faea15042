export * from './env.js';
export * from './errors.js';
export * from './ids.js';
export * from './package-root.js';
export * from './ports.js';
export * from './retrieval.js';
export * from './task-schema.js';
export * from './types.js';
