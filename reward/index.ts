export * from './weighted-reward.js';
