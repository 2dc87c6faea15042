export * from './datasets/index.js';
export { type PassAtKResult, parseKList, passAtK, passAtKEstimate, type SampleCounts } from './pass-at-k.js';
