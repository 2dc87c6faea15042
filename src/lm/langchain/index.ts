export * from './from-langchain.js';
export * from './solve-tool.js';
