export * from './parser.js';
export * from './syntax-errors.js';
