export * from './syntax-verifier.js';
