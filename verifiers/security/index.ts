export { shannonEntropy } from './entropy.js';
export { SEVERITY_WEIGHTS, securityRisk } from './risk.js';
export { type CallMatch, type CallRuleSpec, callRule } from './rule-builders.js';
export { looksLikeSecret, SECURITY_RULES } from './rules/index.js';
export { createScanContext, type ScanContext } from './scan-context.js';
export { type ScanOptions, scanSource } from './scanner.js';
export {
  createSecurityVerifier,
  type SecurityVerdictDetails,
  SecurityVerifier,
  type SecurityVerifierOptions,
  toDiagnostic,
} from './security-verifier.js';
export * from './types.js';
