export * from './bindings.js';
export * from './functions.js';
export * from './metrics.js';
export * from './nodes.js';
export * from './parser.js';
export * from './syntax-errors.js';
