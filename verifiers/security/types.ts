import type { Node } from '../../src/ast/index.js';
import type { Language } from '../../src/core/index.js';
import type { ScanContext } from './scan-context.js';

/** How bad a finding is, in the Bandit/Semgrep sense. Ordered from least to most severe. */
export type RiskSeverity = 'low' | 'medium' | 'high' | 'critical';
export const RISK_SEVERITIES: readonly RiskSeverity[] = ['low', 'medium', 'high', 'critical'];

/**
 * The grammar family a rule is written for: `python`, or `script` for JavaScript and
 * TypeScript (both grammars share the JavaScript node names the rules use).
 */
export type RuleLanguage = 'python' | 'script';

export function ruleLanguageOf(language: Language): RuleLanguage {
  return language === 'python' ? 'python' : 'script';
}

/** One tree-sitter match handed to a rule's check, with the file's scan context. */
export interface RuleMatch {
  /** Captures by name (without the `@`); `node` is the one the finding points at. */
  captures: Record<string, Node>;
  node: Node;
  context: ScanContext;
}

/** What a check may change for one match: a more (or less) severe case, an extra detail. */
export interface FindingRefinement {
  severity?: RiskSeverity;
  /** Appended to the rule's message (e.g. which call, which key). */
  detail?: string;
}

/**
 * A security rule: a tree-sitter query plus a small check on each match. The query's
 * capture `@finding` marks the node reported (the first capture when there is none).
 */
export interface SecurityRule {
  /** Stable id, `py-` or `js-` prefixed (`py-shell-injection`). */
  readonly id: string;
  /** The weakness, as `CWE-<n>`. */
  readonly cwe: string;
  readonly severity: RiskSeverity;
  readonly language: RuleLanguage;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it, in one sentence a repair prompt can use. */
  readonly fix: string;
  /** A tree-sitter query in the rule language's grammar. */
  readonly query: string;
  /** Keeps, drops or refines a match; every match is a finding when absent. */
  readonly check?: (match: RuleMatch) => boolean | FindingRefinement;
  /** Bandit test ids covering the same weakness (for the side-by-side benchmark). */
  readonly bandit?: readonly string[];
}

/** A rule that fired, with a 1-based location. Plain data: serialisable as is. */
export interface SecurityFinding {
  rule: string;
  cwe: string;
  severity: RiskSeverity;
  message: string;
  fix: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The first line of the offending code, trimmed to 120 characters. */
  snippet: string;
}
