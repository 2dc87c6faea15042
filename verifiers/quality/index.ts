export { type Binding, type BindingKind, type NameTable, nameTableOf } from './name-table.js';
export * from './quality-verifier.js';
export {
  DEFAULT_QUALITY_THRESHOLDS,
  QUALITY_RULE_IDS,
  type QualityRuleId,
  type QualityThresholds,
} from './rule-context.js';
export * from './score.js';
export * from './typescript-checker.js';
