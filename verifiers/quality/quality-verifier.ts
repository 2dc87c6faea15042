/**
 * The static-quality verifier: structure metrics, lint-style rules and (for TypeScript)
 * compiler type errors, folded into the StaticQuality score the reward weighs.
 *
 * It is never hard: a poor score lowers the reward but never blocks a candidate. Its
 * status is `fail` when any finding has error severity, `pass` otherwise. Findings that
 * lie wholly inside the task's prompt (when the candidate continues it, as in HumanEval)
 * are the task's, not the candidate's, and are left out; so are naming and
 * shadowing findings on names the task dictates. See `score.ts` and README.md for the
 * score formula.
 */
import {
  type FunctionSite,
  functionSitesOf,
  metricsOf,
  parse,
  type StructureMetrics,
  type Tree,
} from '../../src/ast/index.js';
import {
  type CallOptions,
  type Candidate,
  type Diagnostic,
  errorInfo,
  NsgenError,
  type Task,
  throwIfAborted,
  type Verdict,
  type Verifier,
} from '../../src/core/index.js';
import { nameTableOf } from './name-table.js';
import {
  DEFAULT_QUALITY_THRESHOLDS,
  QUALITY_RULE_IDS,
  type QualityRuleId,
  type QualityThresholds,
  type RuleContext,
} from './rule-context.js';
import { checkDuplicateBlocks } from './rules/duplicate-blocks.js';
import { checkMetricThresholds } from './rules/metric-thresholds.js';
import { checkNaming } from './rules/naming.js';
import { checkShadowedBuiltins } from './rules/shadowed-builtins.js';
import { checkUnreachableCode } from './rules/unreachable-code.js';
import { checkUnusedImports, checkUnusedVariables } from './rules/unused-names.js';
import {
  DEFAULT_RULE_CAP,
  DEFAULT_SEVERITY_PENALTIES,
  qualityScore,
  type SeverityPenalties,
  validateScoreOptions,
} from './score.js';
import { TypeScriptChecker } from './typescript-checker.js';

export interface QualityVerifierOptions {
  /** Limits for the metric rules; missing ones keep their default. @default DEFAULT_QUALITY_THRESHOLDS */
  thresholds?: Partial<QualityThresholds>;
  /** What one finding of each severity costs. @default DEFAULT_SEVERITY_PENALTIES */
  penalties?: Partial<SeverityPenalties>;
  /** The most one rule can take off the score. @default DEFAULT_RULE_CAP (0.5) */
  ruleCap?: number;
  /**
   * Rules to leave out, e.g. `['type-error']` to skip the TypeScript compiler.
   * @default []
   */
  disabledRules?: QualityRuleId[];
  /** Smallest repeated statement run, in tokens, that counts as a duplicate. @default 25 */
  duplicateMinTokens?: number;
  /** A checker to share between verifiers; by default each verifier makes its own on first use. */
  typeScriptChecker?: TypeScriptChecker;
}

/** What the quality verdict's `details` hold. */
export interface QualityDetails {
  metrics: StructureMetrics;
  thresholds: QualityThresholds;
  /** Number of findings per rule (after exemptions). */
  findings: Partial<Record<QualityRuleId, number>>;
  /** The capped penalty each rule took off the score. */
  penalties: Record<string, number>;
  /** Findings left out because they lie inside the task's prompt. */
  exemptFindings: number;
  /** Milliseconds spent in the TypeScript compiler; absent when it did not run. */
  typeCheckMs?: number;
  /** Why the TypeScript compiler could not check the candidate (no type-error findings then). */
  typeCheckError?: string;
}

interface TreeRule {
  ids: QualityRuleId[];
  check: (context: RuleContext) => Diagnostic[];
}

const TREE_RULES: TreeRule[] = [
  {
    ids: ['cyclomatic-complexity', 'nesting-depth', 'function-length', 'parameter-count'],
    check: checkMetricThresholds,
  },
  { ids: ['unused-variable'], check: checkUnusedVariables },
  { ids: ['unused-import'], check: checkUnusedImports },
  { ids: ['shadowed-builtin'], check: checkShadowedBuiltins },
  { ids: ['unreachable-code'], check: checkUnreachableCode },
  { ids: ['duplicate-block'], check: checkDuplicateBlocks },
  { ids: ['naming-convention'], check: checkNaming },
];

export class QualityVerifier implements Verifier {
  readonly name = 'quality';
  readonly cost = 10;
  readonly hard = false;
  readonly thresholds: QualityThresholds;
  readonly #penalties: SeverityPenalties;
  readonly #ruleCap: number;
  readonly #disabled: ReadonlySet<QualityRuleId>;
  readonly #duplicateMinTokens: number;
  #typeScriptChecker: TypeScriptChecker | undefined;

  constructor(options: QualityVerifierOptions = {}) {
    this.thresholds = { ...DEFAULT_QUALITY_THRESHOLDS, ...options.thresholds };
    this.#penalties = { ...DEFAULT_SEVERITY_PENALTIES, ...options.penalties };
    this.#ruleCap = options.ruleCap ?? DEFAULT_RULE_CAP;
    validateScoreOptions({ penalties: this.#penalties, ruleCap: this.#ruleCap });
    for (const [key, value] of Object.entries(this.thresholds)) {
      if (!Number.isFinite(value) || value < 0) {
        throw new NsgenError('INVALID_ARGUMENT', `thresholds.${key} must be a number >= 0, got ${value}`, {
          where: 'quality verifier options',
        });
      }
    }
    for (const rule of options.disabledRules ?? []) {
      if (!QUALITY_RULE_IDS.includes(rule)) {
        throw new NsgenError(
          'INVALID_ARGUMENT',
          `unknown rule "${rule}" (known: ${QUALITY_RULE_IDS.join(', ')})`,
          {
            where: 'quality verifier options: disabledRules',
          },
        );
      }
    }
    this.#disabled = new Set(options.disabledRules);
    this.#duplicateMinTokens = options.duplicateMinTokens ?? 25;
    this.#typeScriptChecker = options.typeScriptChecker;
  }

  appliesTo(_task: Task): boolean {
    return true;
  }

  async verify(candidate: Candidate, task: Task, options: CallOptions = {}): Promise<Verdict> {
    throwIfAborted(options.signal);
    const started = performance.now();
    let tree: Tree;
    try {
      tree = await parse(candidate.code, task.language);
    } catch (error) {
      return errorVerdict(error, started);
    }
    let findings: Diagnostic[];
    let metrics: StructureMetrics;
    try {
      const sites: FunctionSite[] = functionSitesOf(tree, task.language);
      metrics = metricsOf(tree, task.language, sites);
      const context: RuleContext = {
        language: task.language,
        tree,
        sites,
        metrics,
        names: nameTableOf(tree, task.language),
        thresholds: this.thresholds,
        dictatedNames: dictatedNames(task),
        duplicateMinTokens: this.#duplicateMinTokens,
      };
      findings = TREE_RULES.filter((rule) => rule.ids.some((id) => !this.#disabled.has(id))).flatMap((rule) =>
        rule.check(context),
      );
    } catch (error) {
      return errorVerdict(error, started);
    } finally {
      tree.delete();
    }

    let typeCheckMs: number | undefined;
    let typeCheckError: string | undefined;
    if (task.language === 'typescript' && !this.#disabled.has('type-error')) {
      throwIfAborted(options.signal);
      const typeCheckStarted = performance.now();
      this.#typeScriptChecker ??= new TypeScriptChecker();
      try {
        findings.push(...this.#typeScriptChecker.check(candidate.code));
      } catch (error) {
        // The compiler failing is our problem, not the candidate's: the other rules still stand.
        typeCheckError = errorInfo(error).message;
      }
      typeCheckMs = round3(performance.now() - typeCheckStarted);
    }

    const enabled = findings.filter((f) => !this.#disabled.has(f.rule as QualityRuleId));
    const promptEnd = promptEndOf(candidate.code, task.prompt);
    const kept = enabled.filter((f) => !promptEnd || !insidePrompt(f, promptEnd)).sort(byLocation);
    const { score, penalties } = qualityScore(kept, { penalties: this.#penalties, ruleCap: this.#ruleCap });
    const counts: Partial<Record<QualityRuleId, number>> = {};
    for (const f of kept) counts[f.rule as QualityRuleId] = (counts[f.rule as QualityRuleId] ?? 0) + 1;
    const details: QualityDetails = {
      metrics,
      thresholds: { ...this.thresholds },
      findings: counts,
      penalties,
      exemptFindings: enabled.length - kept.length,
      ...(typeCheckMs !== undefined && { typeCheckMs }),
      ...(typeCheckError !== undefined && { typeCheckError }),
    };
    return {
      verifier: this.name,
      status: kept.some((f) => f.severity === 'error') ? 'fail' : 'pass',
      score,
      diagnostics: kept,
      counterexamples: [],
      durationMs: round3(performance.now() - started),
      details: { ...details },
    };
  }
}

export function createQualityVerifier(options?: QualityVerifierOptions): QualityVerifier {
  return new QualityVerifier(options);
}

function dictatedNames(task: Task): Set<string> {
  return new Set([task.entryPoint, ...(task.signature?.params.map((param) => param.name) ?? [])]);
}

interface Position {
  line: number;
  column: number;
}

/** Where the prompt ends inside the code, when the code continues the prompt. */
function promptEndOf(code: string, prompt: string): Position | undefined {
  if (prompt.trim() === '' || !code.startsWith(prompt)) return undefined;
  const lines = prompt.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

function insidePrompt(finding: Diagnostic, promptEnd: Position): boolean {
  const location = finding.location;
  if (!location) return false;
  const line = location.endLine ?? location.line;
  const column = location.endColumn ?? location.column;
  return line < promptEnd.line || (line === promptEnd.line && column <= promptEnd.column);
}

function byLocation(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    (a.rule ?? '').localeCompare(b.rule ?? '')
  );
}

function errorVerdict(error: unknown, started: number): Verdict {
  const info = errorInfo(error);
  if (info.code === 'ABORTED') throw error;
  return {
    verifier: 'quality',
    status: 'error',
    score: 0,
    diagnostics: [
      {
        message: `the quality check could not run: ${info.message}`,
        severity: 'error',
        rule: 'verifier-error',
      },
    ],
    counterexamples: [],
    durationMs: round3(performance.now() - started),
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
