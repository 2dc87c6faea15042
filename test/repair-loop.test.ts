/**
 * End to end through the real runtime: an OpenAI-compatible server (a stub standing in for
 * the external model service) answers wrongly first and correctly once the repair prompt
 * shows it the failing test; the episode records both rounds and selects the repair.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntime, evaluate, type Runtime, solve, type Task } from '../src/index.js';
import { type StubServer, startStubServer } from '../src/lm/openai/test-support/stub-server.js';

const WRONG = '```python\ndef clamp(x, lo, hi):\n    return min(x, hi)\n```';
const RIGHT =
  'The lower bound was ignored.\n```python\ndef clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n```';

const task: Task = {
  id: 'clamp',
  language: 'python',
  prompt: 'Return x limited to the closed range [lo, hi].',
  entryPoint: 'clamp',
  tests: 'assert clamp(5, 0, 3) == 3\nassert clamp(-1, 0, 3) == 0\nassert clamp(2, 0, 3) == 2',
};

/** The scripted model: right only when the prompt carries the failing assert's actual value. */
function scripted(): Promise<StubServer> {
  return startStubServer({
    answer: (request) => {
      const text = JSON.stringify(request.body?.messages ?? request.body?.prompt ?? '');
      return text.includes('clamp(-1, 0, 3)') && text.includes('-1') ? RIGHT : WRONG;
    },
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the repair loop against an OpenAI-compatible server', () => {
  it('repairs from the failing test and selects the repaired candidate', async () => {
    await using server = await scripted();
    const runtime: Runtime = createRuntime({
      model: `openai:stub@${server.baseURL}`,
      verifiers: ['syntax', 'quality', 'security', 'tests'],
    });
    try {
      const episode = await solve(task, { runtime, repairRounds: 2 });
      expect(episode.status).toBe('solved');
      expect(episode.repairRounds).toBe(1);
      const [first, repaired] = episode.candidates;
      expect(first?.passed).toBe(false);
      expect(first?.verdicts.find((v) => v.verifier === 'tests')?.status).toBe('fail');
      expect(repaired?.candidate.origin).toMatchObject({
        agent: 'repair',
        repairRound: 1,
        parentId: first?.candidate.id,
      });
      expect(repaired?.passed).toBe(true);
      expect(episode.selectedId).toBe(repaired?.candidate.id);
      expect(repaired!.reward.total).toBeGreaterThan(first!.reward.total);
      // The second request is the repair prompt; it quotes the failing case.
      expect(JSON.stringify(server.requests[1]?.body)).toContain('clamp(-1, 0, 3)');
    } finally {
      await runtime.close();
    }
  });

  it('puts rewards, verdicts and repair rounds of every candidate in report.json', async () => {
    await using server = await scripted();
    const out = mkdtempSync(join(tmpdir(), 'nsgen-repair-'));
    dirs.push(out);
    const taskFile = join(out, 'tasks.jsonl');
    writeFileSync(taskFile, `${JSON.stringify(task)}\n`);
    const { report, files } = await evaluate({
      dataset: 'tasks',
      dataFile: taskFile,
      model: `openai:stub@${server.baseURL}`,
      repairRounds: 2,
      out: join(out, 'run'),
      verifiers: ['syntax', 'quality', 'tests'],
    });
    expect(report.solved).toBe(1);
    const perTask = report.perTask[0]!;
    expect(perTask.repairRounds).toBe(1);
    expect(perTask.samples.map((s) => s.repairRound)).toEqual([0, 1]);
    for (const sample of perTask.samples) {
      expect(sample.reward.weights).toEqual({ tests: 0.6, security: 0.15, quality: 0.15, license: 0.1 });
      expect(sample.verdicts.map((v) => v.verifier)).toEqual(['syntax', 'quality', 'tests']);
    }
    const html = readFileSync(files.reportHtml!, 'utf8');
    expect(html).toContain('Repair rounds');
    const journal = readFileSync(files.journal!, 'utf8').trim().split('\n');
    expect(journal.map((line) => JSON.parse(line).type)).toContain('candidate.repaired');
  });
});
