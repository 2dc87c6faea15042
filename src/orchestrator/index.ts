export * from './budget.js';
export * from './episode.js';
export * from './journal.js';
export * from './run.js';
export * from './verification-pipeline.js';
