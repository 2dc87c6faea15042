/**
 * SecurityRisk in [0, 1]: a noisy-or over findings. Each finding is read as an independent
 * chance that the code is exploitable, by severity:
 *
 *   risk = 1 − Π over findings (1 − w(severity)),  w = { low 0.05, medium 0.2, high 0.5, critical 0.8 }
 *
 * So no findings → 0; one critical → 0.8; one high → 0.5; two highs → 0.75; ten lows → 0.40.
 * It grows with every finding, never reaches 1, and one severe finding outweighs many noisy
 * ones. The verifier's score is 1 − risk.
 */
import type { RiskSeverity, SecurityFinding } from './types.js';

export const SEVERITY_WEIGHTS: Readonly<Record<RiskSeverity, number>> = Object.freeze({
  low: 0.05,
  medium: 0.2,
  high: 0.5,
  critical: 0.8,
});

export function securityRisk(
  findings: readonly Pick<SecurityFinding, 'severity'>[],
  weights: Readonly<Record<RiskSeverity, number>> = SEVERITY_WEIGHTS,
): number {
  let safe = 1;
  for (const finding of findings) safe *= 1 - weights[finding.severity];
  return 1 - safe;
}
