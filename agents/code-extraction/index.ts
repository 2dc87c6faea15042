export * from './assemble-program.js';
export * from './definitions.js';
export * from './extract-code.js';
export * from './fenced-blocks.js';
export * from './languages.js';
export * from './signature.js';
