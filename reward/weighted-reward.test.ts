import { describe, expect, it } from 'vitest';
import type { Candidate, Task, Verdict } from '../src/core/index.js';
import { DEFAULT_REWARD_WEIGHTS, WeightedReward } from './weighted-reward.js';

const task: Task = { id: 't', language: 'python', prompt: '', entryPoint: 'f', tests: 'assert f() == 1' };
const candidate: Candidate = {
  id: 't/r0/0',
  taskId: 't',
  code: 'def f(): return 1',
  origin: { agent: 'replay', mode: 'neural', repairRound: 0 },
};

function verdict(verifier: string, score: number, status: Verdict['status'] = 'pass'): Verdict {
  return { verifier, status, score, diagnostics: [], counterexamples: [], durationMs: 1 };
}

describe('WeightedReward', () => {
  it('applies the DESIGN.md weights when every component is present', () => {
    const reward = new WeightedReward().score({
      task,
      candidate,
      verdicts: [
        verdict('tests', 1),
        verdict('security', 0.8),
        verdict('quality', 0.5),
        verdict('license', 1),
      ],
    });
    expect(reward.total).toBeCloseTo(0.6 + 0.15 * 0.8 + 0.15 * 0.5 + 0.1, 6);
    expect(reward.notApplicable).toEqual([]);
    expect(reward.weights).toEqual(DEFAULT_REWARD_WEIGHTS);
  });

  it('renormalises over applicable components and lists the rest', () => {
    const reward = new WeightedReward().score({
      task,
      candidate,
      verdicts: [verdict('syntax', 1), verdict('tests', 1), verdict('quality', 0.5)],
    });
    expect(reward.notApplicable).toEqual(['security', 'license']);
    expect(reward.appliedWeights.tests).toBeCloseTo(0.6 / 0.75, 6);
    expect(reward.appliedWeights.quality).toBeCloseTo(0.15 / 0.75, 6);
    expect(reward.total).toBeCloseTo((0.6 + 0.15 * 0.5) / 0.75, 6);
  });

  it('scores tests as 0 when a syntax failure stopped them', () => {
    const reward = new WeightedReward().score({
      task,
      candidate,
      verdicts: [verdict('syntax', 0, 'fail'), verdict('quality', 1)],
    });
    expect(reward.components.tests).toBe(0);
    expect(reward.total).toBeCloseTo(0.15 / 0.75, 6);
  });

  it('treats a skipped verdict as not applicable', () => {
    const reward = new WeightedReward().score({
      task,
      candidate,
      verdicts: [verdict('tests', 1), verdict('security', 0, 'skipped')],
    });
    expect(reward.notApplicable).toContain('security');
    expect(reward.total).toBe(1);
  });

  it('accepts custom weights and rejects bad ones with the field named', () => {
    const reward = new WeightedReward({ weights: { tests: 1, security: 0, quality: 0, license: 0 } }).score({
      task,
      candidate,
      verdicts: [verdict('tests', 0.5), verdict('quality', 1)],
    });
    expect(reward.total).toBe(0.5);
    expect(() => new WeightedReward({ weights: { tests: -1 } })).toThrow(/weights\.tests/);
    expect(() => new WeightedReward({ weights: { tests: 0, security: 0, quality: 0, license: 0 } })).toThrow(
      /at least one/,
    );
  });
});
