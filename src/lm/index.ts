export * from './langchain/index.js';
export * from './openai/index.js';
export * from './registry.js';
export * from './replay.js';
