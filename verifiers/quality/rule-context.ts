/**
 * What every quality rule receives and returns: one parse of the candidate shared by all
 * rules, and findings as plain `Diagnostic`s with a stable `rule` id.
 */
import type { FunctionSite, Node, SourceRange, StructureMetrics, Tree } from '../../src/ast/index.js';
import { rangeOf } from '../../src/ast/index.js';
import type { Diagnostic, Language, Severity } from '../../src/core/index.js';
import type { NameTable } from './name-table.js';

/** Every rule id the quality verifier reports, in the order they run. */
export const QUALITY_RULE_IDS = [
  'cyclomatic-complexity',
  'nesting-depth',
  'function-length',
  'parameter-count',
  'unused-variable',
  'unused-import',
  'shadowed-builtin',
  'unreachable-code',
  'duplicate-block',
  'naming-convention',
  'type-error',
] as const;

export type QualityRuleId = (typeof QUALITY_RULE_IDS)[number];

/**
 * Limits for the metric rules. A value above the limit is a warning; above twice the
 * limit, an error.
 */
export interface QualityThresholds {
  /** McCabe's own suggested ceiling. @default 10 */
  cyclomaticComplexity: number;
  /** Control-flow blocks nested deeper than this are hard to follow. @default 4 */
  nestingDepth: number;
  /** Non-blank, non-comment lines per function (docstrings excluded). @default 50 */
  functionLength: number;
  /** Declared parameters (without `self`/`cls`); pylint's default. @default 5 */
  parameterCount: number;
}

export const DEFAULT_QUALITY_THRESHOLDS = {
  cyclomaticComplexity: 10,
  nestingDepth: 4,
  functionLength: 50,
  parameterCount: 5,
} as const satisfies QualityThresholds;

export interface RuleContext {
  language: Language;
  tree: Tree;
  sites: FunctionSite[];
  metrics: StructureMetrics;
  names: NameTable;
  thresholds: QualityThresholds;
  /** Names the task dictates (entry point, signature parameters): the candidate did not choose them. */
  dictatedNames: ReadonlySet<string>;
  /** Smallest number of tokens a repeated statement sequence needs to count as duplicated. */
  duplicateMinTokens: number;
}

export interface FindingInput {
  rule: QualityRuleId;
  severity: Severity;
  message: string;
  at: Node | SourceRange;
}

export function finding({ rule, severity, message, at }: FindingInput): Diagnostic {
  return { message, severity, rule, location: 'line' in at ? at : rangeOf(at) };
}
