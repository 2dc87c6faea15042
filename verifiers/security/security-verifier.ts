import type {
  CallOptions,
  Candidate,
  Diagnostic,
  Severity,
  Task,
  Verdict,
  Verifier,
} from '../../src/core/index.js';
import { isNsgenError, NsgenError, throwIfAborted } from '../../src/core/index.js';
import { SEVERITY_WEIGHTS, securityRisk } from './risk.js';
import { SECURITY_RULES } from './rules/index.js';
import { scanSource } from './scanner.js';
import type { RiskSeverity, SecurityFinding, SecurityRule } from './types.js';

export interface SecurityVerifierOptions {
  /** The rules to run. @default SECURITY_RULES */
  rules?: readonly SecurityRule[];
  /** Rule ids to leave out (for a task where, say, `random` is fine). */
  disabledRules?: readonly string[];
  /** Per-severity weights of the noisy-or risk. @default SEVERITY_WEIGHTS */
  severityWeights?: Readonly<Record<RiskSeverity, number>>;
  /** Severities that make the verdict fail. @default ['high', 'critical'] */
  failOn?: readonly RiskSeverity[];
}

/** What `details` of a security verdict holds. */
export interface SecurityVerdictDetails {
  risk: number;
  findings: { rule: string; cwe: string; severity: RiskSeverity; line: number }[];
  [key: string]: unknown;
}

const DIAGNOSTIC_SEVERITY: Record<RiskSeverity, Severity> = {
  low: 'info',
  medium: 'warning',
  high: 'error',
  critical: 'error',
};

/**
 * Static security rules (Bandit/Semgrep style, tree-sitter queries plus checks) over the
 * candidate. Score = 1 − SecurityRisk (see risk.ts); fails on a high or critical finding.
 * Soft: a risky candidate is scored down and repaired, not discarded.
 */
export class SecurityVerifier implements Verifier {
  readonly name = 'security';
  readonly cost = 10;
  readonly hard = false;
  readonly rules: readonly SecurityRule[];
  private readonly weights: Readonly<Record<RiskSeverity, number>>;
  private readonly failOn: ReadonlySet<RiskSeverity>;

  constructor(options: SecurityVerifierOptions = {}) {
    const disabled = new Set(options.disabledRules ?? []);
    const rules = options.rules ?? SECURITY_RULES;
    const known = new Set(rules.map((rule) => rule.id));
    for (const id of disabled) {
      if (!known.has(id)) {
        throw new NsgenError('INVALID_ARGUMENT', `unknown security rule "${id}" in disabledRules`, {
          where: 'SecurityVerifier options',
        });
      }
    }
    this.rules = disabled.size > 0 ? rules.filter((rule) => !disabled.has(rule.id)) : rules;
    this.weights = options.severityWeights ?? SEVERITY_WEIGHTS;
    this.failOn = new Set(options.failOn ?? ['high', 'critical']);
  }

  appliesTo(_task: Task): boolean {
    return true;
  }

  /** The findings alone, for callers that want them without a verdict. */
  scan(code: string, language: Task['language']): Promise<SecurityFinding[]> {
    return scanSource(code, language, { rules: this.rules });
  }

  async verify(candidate: Candidate, task: Task, options: CallOptions = {}): Promise<Verdict> {
    const started = performance.now();
    throwIfAborted(options.signal);
    let findings: SecurityFinding[];
    try {
      findings = await this.scan(candidate.code, task.language);
    } catch (cause) {
      if (isNsgenError(cause)) throw cause;
      throw new NsgenError('VERIFIER_ERROR', `security scan failed: ${(cause as Error).message}`, {
        where: `candidate ${candidate.id}`,
        cause,
      });
    }
    const risk = securityRisk(findings, this.weights);
    const details: SecurityVerdictDetails = {
      risk,
      findings: findings.map(({ rule, cwe, severity, line }) => ({ rule, cwe, severity, line })),
    };
    return {
      verifier: this.name,
      status: findings.some((finding) => this.failOn.has(finding.severity)) ? 'fail' : 'pass',
      score: 1 - risk,
      diagnostics: findings.map(toDiagnostic),
      counterexamples: [],
      durationMs: performance.now() - started,
      details,
    };
  }
}

/** `[rule, CWE, severity] message. Fix: hint` — the fix travels in the message for repair prompts. */
export function toDiagnostic(finding: SecurityFinding): Diagnostic {
  return {
    message: `[${finding.rule}, ${finding.cwe}, ${finding.severity}] ${finding.message}. Fix: ${finding.fix}`,
    severity: DIAGNOSTIC_SEVERITY[finding.severity],
    rule: finding.rule,
    location: {
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
    },
  };
}

export function createSecurityVerifier(options: SecurityVerifierOptions = {}): SecurityVerifier {
  return new SecurityVerifier(options);
}
