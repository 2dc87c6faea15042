export * from './neural-agent.js';
