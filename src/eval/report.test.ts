import { describe, expect, it } from 'vitest';
import type { Episode, ScoredCandidate, Verdict } from '../core/index.js';
import { buildReport, compareTaskIds, durationStats, type ReportInput } from './report.js';
import { renderReportHtml } from './report-html.js';

const weights = { tests: 0.6, security: 0.15, quality: 0.15, license: 0.1 };

function verdict(
  verifier: string,
  status: Verdict['status'],
  durationMs: number,
  messages: string[] = [],
): Verdict {
  return {
    verifier,
    status,
    score: status === 'pass' ? 1 : 0,
    diagnostics: messages.map((message) => ({ message, severity: 'error', rule: 'test-failed' })),
    counterexamples: [],
    durationMs,
  };
}

function candidate(input: {
  taskId: string;
  index: number;
  passed: boolean;
  reward: number;
  round?: number;
  parentId?: string;
  ms?: number;
  messages?: string[];
}): ScoredCandidate {
  const round = input.round ?? 0;
  return {
    candidate: {
      id: `${input.taskId}#${round}.${input.index}`,
      taskId: input.taskId,
      code: 'pass',
      origin: {
        agent: 'replay',
        mode: 'neural',
        repairRound: round,
        sampleIndex: input.index,
        ...(input.parentId ? { parentId: input.parentId } : {}),
      },
    },
    verdicts: [
      verdict('syntax', 'pass', input.ms ?? 1),
      verdict('tests', input.passed ? 'pass' : 'fail', (input.ms ?? 1) * 40, input.messages),
    ],
    // Keys deliberately out of the formula's order: the report must not depend on it.
    reward: {
      total: input.reward,
      components: { quality: 1, tests: input.passed ? 1 : 0 },
      weights,
      appliedWeights: { quality: 0.2, tests: 0.8 },
      notApplicable: ['license', 'security'],
    },
    passed: input.passed,
  };
}

function episode(taskId: string, candidates: ScoredCandidate[], extra: Partial<Episode> = {}): Episode {
  const passed = candidates.some((scored) => scored.passed);
  return {
    taskId,
    mode: 'neural',
    status: passed ? 'solved' : 'unsolved',
    candidates,
    repairRounds: Math.max(0, ...candidates.map((scored) => scored.candidate.origin.repairRound)),
    tokens: { promptTokens: 0, completionTokens: 0 },
    timings: { startedAt: '2025-01-01T00:00:00.000Z', durationMs: 100 },
    ...extra,
  };
}

function episodes(): Episode[] {
  return [
    episode('HumanEval/10', [
      candidate({
        taskId: 'HumanEval/10',
        index: 0,
        passed: false,
        reward: 0.2,
        messages: ['a', 'b', 'c', 'd'],
      }),
      candidate({ taskId: 'HumanEval/10', index: 1, passed: false, reward: 0.3 }),
      candidate({
        taskId: 'HumanEval/10',
        index: 0,
        round: 1,
        passed: true,
        reward: 1,
        parentId: 'HumanEval/10#0.1',
      }),
    ]),
    episode('HumanEval/2', [
      candidate({ taskId: 'HumanEval/2', index: 0, passed: true, reward: 1 }),
      candidate({ taskId: 'HumanEval/2', index: 1, passed: false, reward: 0.4 }),
    ]),
    episode('HumanEval/3', [], {
      status: 'error',
      error: { code: 'MODEL_ERROR', message: 'the server said 500' },
    }),
  ];
}

function input(list: Episode[], overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    episodes: list,
    dataset: 'humaneval',
    mode: 'neural',
    model: 'replay:canonical',
    k: [1, 2],
    startedAt: '2025-01-01T00:00:00.000Z',
    wallMs: 1234,
    config: { samples: 2, repair: 1 },
    ...overrides,
  };
}

describe('buildReport', () => {
  it('has the documented shape', () => {
    const report = buildReport(input(episodes()));
    expect(Object.keys(report)).toEqual([
      'schemaVersion',
      'dataset',
      'mode',
      'model',
      'tasks',
      'solved',
      'statusCounts',
      'passAtK',
      'passAtKCoverage',
      'meanBestReward',
      'tokens',
      'config',
      'perTask',
      'timings',
    ]);
    expect(report.tasks).toBe(3);
    expect(report.solved).toBe(2);
    expect(report.statusCounts).toEqual({ solved: 2, unsolved: 0, 'budget-exhausted': 0, error: 1 });
    expect(report.perTask.map((task) => task.taskId)).toEqual(['HumanEval/2', 'HumanEval/3', 'HumanEval/10']);
    const [two, three, ten] = report.perTask;
    expect(two).toMatchObject({ status: 'solved', passed: 1, candidates: 2, bestReward: 1, repairRounds: 0 });
    expect(three).toMatchObject({ status: 'error', passed: 0, candidates: 0, bestReward: null, samples: [] });
    expect(three?.error).toEqual({ code: 'MODEL_ERROR', message: 'the server said 500' });
    expect(ten).toMatchObject({ passed: 1, candidates: 3, bestReward: 1, repairRounds: 1 });
    const repaired = ten!.samples[2]!;
    expect(repaired).toMatchObject({
      sampleIndex: 0,
      repairRound: 1,
      parentId: 'HumanEval/10#0.1',
      passed: true,
    });
    expect(Object.keys(repaired.reward.components)).toEqual(['tests', 'quality']);
    expect(repaired.reward.notApplicable).toEqual(['security', 'license']);
    const failing = ten!.samples[0]!.verdicts[1]!;
    expect(failing).toMatchObject({ verifier: 'tests', status: 'fail', score: 0, diagnosticCount: 4 });
    expect(failing.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(['a', 'b', 'c']);
    expect(report.meanBestReward).toBe(1);
  });

  it('scores pass@k on repair round 0 only, counting a task without candidates as failed', () => {
    const report = buildReport(input(episodes()));
    // Round 0: HumanEval/2 n=2 c=1, HumanEval/10 n=2 c=0, HumanEval/3 n=0.
    expect(report.passAtK).toEqual({ '1': 0.5 / 3, '2': 1 / 3 });
    expect(report.passAtKCoverage).toEqual({
      '1': { counted: 3, excluded: 0 },
      '2': { counted: 3, excluded: 0 },
    });
    const partial = buildReport(input(episodes(), { k: [10, 1, 1] }));
    expect(Object.keys(partial.passAtKCoverage)).toEqual(['1', '10']);
    expect(partial.passAtK['10']).toBe(0);
    expect(partial.passAtKCoverage['10']).toEqual({ counted: 1, excluded: 2 });
  });

  it('depends only on the episodes outside timings: order, key order and clocks do not matter', () => {
    const first = buildReport(input(episodes()));
    const shuffled = episodes()
      .reverse()
      .map((item) => ({
        ...item,
        candidates: [...item.candidates].reverse(),
        timings: { startedAt: '2030-06-01T00:00:00.000Z', durationMs: 999 },
      }));
    const second = buildReport(
      input(JSON.parse(JSON.stringify(shuffled)), {
        startedAt: '2030-06-01T00:00:00.000Z',
        wallMs: 5,
        config: { repair: 1, samples: 2 },
      }),
    );
    const { timings: firstTimings, ...firstRest } = first;
    const { timings: secondTimings, ...secondRest } = second;
    expect(JSON.stringify(secondRest)).toBe(JSON.stringify(firstRest));
    expect(firstTimings.wallMs).toBe(1234);
    expect(secondTimings.episodes.p50Ms).toBe(999);
  });

  it('aggregates verifier and episode timings', () => {
    const report = buildReport(input(episodes()));
    expect(report.timings.verifiers.syntax).toEqual({ count: 5, totalMs: 5, p50Ms: 1, p95Ms: 1, maxMs: 1 });
    expect(report.timings.verifiers.tests?.totalMs).toBe(200);
    expect(report.timings.episodes).toEqual({ count: 3, totalMs: 300, p50Ms: 100, p95Ms: 100, maxMs: 100 });
    expect(report.timings.perTask[0]?.samples[0]?.verdicts).toEqual([
      { verifier: 'syntax', durationMs: 1 },
      { verifier: 'tests', durationMs: 40 },
    ]);
  });

  it('refuses two episodes for one task', () => {
    const list = episodes();
    expect(() => buildReport(input([...list, list[0]!]))).toThrow(/two episodes for task "HumanEval\/10"/);
  });
});

describe('helpers', () => {
  it('orders task ids by their numbers', () => {
    const ids = ['Mbpp/10', 'HumanEval/10', 'HumanEval/2', 'Mbpp/9', 'HumanEval/02', 'a', 'HumanEval/1a'];
    expect([...ids].sort(compareTaskIds)).toEqual([
      'HumanEval/1a',
      'HumanEval/02',
      'HumanEval/2',
      'HumanEval/10',
      'Mbpp/9',
      'Mbpp/10',
      'a',
    ]);
  });

  it('takes nearest-rank percentiles', () => {
    expect(durationStats([5, 1, 4, 2, 3])).toEqual({ count: 5, totalMs: 15, p50Ms: 3, p95Ms: 5, maxMs: 5 });
    expect(durationStats([])).toEqual({ count: 0, totalMs: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 });
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(durationStats(hundred)).toMatchObject({ p50Ms: 50, p95Ms: 95 });
  });
});

describe('renderReportHtml', () => {
  it('is one self-contained document with the plots and the task table', () => {
    const html = renderReportHtml(buildReport(input(episodes())));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i);
    expect(new Set(html.match(/https?:\/\/[^"]*/g))).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html.match(/<svg /g)).toHaveLength(4);
    for (const caption of ['pass@k', 'Reward distribution', 'Verifier timings', 'Repair rounds per task']) {
      expect(html).toContain(caption);
    }
    expect(html).toContain('<td class="num">1 / 3</td>');
    expect(html).toContain('MODEL_ERROR: the server said 500');
  });

  it('escapes everything that comes from the data', () => {
    const hostile = '<script>alert("x")</script>';
    const list = [
      episode(hostile, [
        candidate({
          taskId: hostile,
          index: 0,
          passed: false,
          reward: 0.1,
          messages: [`<img src=x onerror='1'>`],
        }),
      ]),
    ];
    const html = renderReportHtml(
      buildReport(
        input(list, { model: 'replay:"a&b".jsonl', dataset: '<b>tasks</b>', config: { note: '</table>' } }),
      ),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>tasks');
    expect(html).not.toContain('"</table>"');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('replay:&quot;a&amp;b&quot;.jsonl');
    expect(html).toContain('&lt;img src=x onerror=&#39;1&#39;&gt;');
  });

  it('renders an empty run', () => {
    const html = renderReportHtml(buildReport(input([])));
    expect(html).toContain('no data');
    expect(html).toContain('</html>');
  });
});
