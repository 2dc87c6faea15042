/**
 * The StaticQuality score: how much of a clean bill of health the candidate keeps.
 *
 *   penalty(rule) = min(ruleCap, Σ over the rule's findings of severityPenalty[severity])
 *   score         = max(0, 1 − Σ over rules of penalty(rule))
 *
 * with severity penalties error 0.25, warning 0.1, info 0.02 and a rule cap of 0.5.
 *
 * Why this shape:
 * - Severity, not count alone: an error (a type error, a function past twice a limit)
 *   costs as much as two and a half warnings; style notes (info) barely move the score.
 * - The per-rule cap keeps one noisy rule from zeroing the score by itself (ten naming
 *   notes or five unused variables cost at most 0.5), while problems across several rules
 *   still add up to 0.
 * - Monotone and deterministic: a penalty is never negative, an error never costs less
 *   than a warning nor a warning less than an info (the options are checked), so another
 *   finding, or a finding of worse severity, never raises the score. Nothing depends on
 *   order or time; the result is rounded to 6 decimals.
 */
import { type Diagnostic, NsgenError, type Severity } from '../../src/core/index.js';

export type SeverityPenalties = Record<Severity, number>;

export const DEFAULT_SEVERITY_PENALTIES = {
  error: 0.25,
  warning: 0.1,
  info: 0.02,
} as const satisfies SeverityPenalties;

export const DEFAULT_RULE_CAP = 0.5;

export interface ScoreOptions {
  penalties: SeverityPenalties;
  ruleCap: number;
}

export interface QualityScore {
  score: number;
  /** The capped penalty of every rule with findings. */
  penalties: Record<string, number>;
}

export function qualityScore(findings: Diagnostic[], { penalties, ruleCap }: ScoreOptions): QualityScore {
  const byRule: Record<string, number> = {};
  for (const finding of findings) {
    const rule = finding.rule ?? 'unknown';
    byRule[rule] = (byRule[rule] ?? 0) + penalties[finding.severity];
  }
  let total = 0;
  for (const rule of Object.keys(byRule).sort()) {
    byRule[rule] = round6(Math.min(ruleCap, byRule[rule]!));
    total += byRule[rule]!;
  }
  return { score: round6(Math.max(0, 1 - total)), penalties: byRule };
}

/** Checks that the penalties keep the score monotone; throws INVALID_ARGUMENT otherwise. */
export function validateScoreOptions({ penalties, ruleCap }: ScoreOptions): void {
  const where = 'quality verifier options';
  for (const [severity, value] of Object.entries(penalties)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new NsgenError('INVALID_ARGUMENT', `penalties.${severity} must be a number >= 0, got ${value}`, {
        where,
      });
    }
  }
  if (!(penalties.error >= penalties.warning && penalties.warning >= penalties.info)) {
    throw new NsgenError(
      'INVALID_ARGUMENT',
      `penalties must not decrease with severity (error ${penalties.error} >= warning ${penalties.warning} >= info ${penalties.info})`,
      { where },
    );
  }
  if (!Number.isFinite(ruleCap) || ruleCap < 0 || ruleCap > 1) {
    throw new NsgenError('INVALID_ARGUMENT', `ruleCap must be in [0, 1], got ${ruleCap}`, { where });
  }
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
