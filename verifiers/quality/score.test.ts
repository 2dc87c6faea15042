import { describe, expect, it } from 'vitest';
import type { Diagnostic, Severity } from '../../src/core/index.js';
import { DEFAULT_RULE_CAP, DEFAULT_SEVERITY_PENALTIES, qualityScore, validateScoreOptions } from './score.js';

const options = { penalties: DEFAULT_SEVERITY_PENALTIES, ruleCap: DEFAULT_RULE_CAP };

function findings(...specs: Array<[string, Severity]>): Diagnostic[] {
  return specs.map(([rule, severity]) => ({ rule, severity, message: rule }));
}

describe('qualityScore', () => {
  it('is 1 without findings and subtracts by severity', () => {
    expect(qualityScore([], options)).toEqual({ score: 1, penalties: {} });
    expect(qualityScore(findings(['a', 'error'], ['b', 'warning'], ['c', 'info']), options)).toEqual({
      score: 0.63,
      penalties: { a: 0.25, b: 0.1, c: 0.02 },
    });
  });

  it('caps each rule and floors the total at 0', () => {
    const noisy = findings(...Array.from({ length: 10 }, (): [string, Severity] => ['naming', 'warning']));
    expect(qualityScore(noisy, options)).toEqual({ score: 0.5, penalties: { naming: 0.5 } });
    const everywhere = findings(
      ['a', 'error'],
      ['a', 'error'],
      ['b', 'error'],
      ['b', 'error'],
      ['c', 'error'],
    );
    expect(qualityScore(everywhere, options).score).toBe(0);
  });

  it('never rises with another finding or a worse severity', () => {
    const severities: Severity[] = ['info', 'warning', 'error'];
    const rules = ['a', 'b', 'c'];
    let current: Diagnostic[] = [];
    let previous = 1;
    // A fixed walk through many combinations: add findings one by one, then worsen them.
    for (let step = 0; step < 30; step++) {
      current = [...current, ...findings([rules[step % 3]!, severities[step % 3]!])];
      const score = qualityScore(current, options).score;
      expect(score).toBeLessThanOrEqual(previous);
      previous = score;
    }
    for (let i = 0; i < current.length; i++) {
      current = current.map((f, index) => (index === i ? { ...f, severity: 'error' } : f));
      const score = qualityScore(current, options).score;
      expect(score).toBeLessThanOrEqual(previous);
      previous = score;
    }
  });

  it('does not depend on the order of findings', () => {
    const list = findings(['a', 'warning'], ['b', 'info'], ['a', 'error'], ['c', 'warning']);
    expect(qualityScore(list, options)).toEqual(qualityScore([...list].reverse(), options));
  });
});

describe('validateScoreOptions', () => {
  it('rejects penalties that would break monotonicity', () => {
    expect(() =>
      validateScoreOptions({ penalties: { error: 0.1, warning: 0.2, info: 0 }, ruleCap: 0.5 }),
    ).toThrow(/must not decrease with severity/);
    expect(() =>
      validateScoreOptions({ penalties: { error: 0.3, warning: -0.1, info: 0 }, ruleCap: 0.5 }),
    ).toThrow(/penalties.warning must be a number >= 0/);
    expect(() => validateScoreOptions({ penalties: DEFAULT_SEVERITY_PENALTIES, ruleCap: 2 })).toThrow(
      /ruleCap must be in \[0, 1\]/,
    );
    expect(() => validateScoreOptions(options)).not.toThrow();
  });
});
