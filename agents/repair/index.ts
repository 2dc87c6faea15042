export * from './attempt-memory.js';
export * from './describe-failures.js';
export * from './repair-agent.js';
