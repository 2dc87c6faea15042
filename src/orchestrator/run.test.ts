import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WeightedReward } from '../../reward/index.js';
import type { Agent, Candidate, ProposeInput, RunEvent, Task, Verdict, Verifier } from '../core/index.js';
import { readJournal } from './journal.js';
import { episodesOf, type RunOptions, runTasks } from './run.js';
import { VerificationPipeline } from './verification-pipeline.js';

/** Stands in for the agents (outside the orchestrator): answers from a script per task. */
class ScriptedAgent implements Agent {
  readonly calls: ProposeInput[] = [];
  constructor(
    readonly name: string,
    private readonly answers: (input: ProposeInput) => string[],
  ) {}
  async propose(input: ProposeInput): Promise<Candidate[]> {
    this.calls.push(input);
    return this.answers(input).map((code, index) => ({
      id: `x${index}`,
      taskId: input.task.id,
      code,
      origin: {
        agent: this.name,
        mode: input.mode,
        repairRound: input.round,
        sampleIndex: index,
        ...(input.feedback?.[0] ? { parentId: input.feedback[0].parent.id } : {}),
      },
    }));
  }
}

/** Stands in for the test verifier: the candidate passes when it defines `expected`. */
class CountingVerifier implements Verifier {
  readonly name = 'tests';
  readonly cost = 100;
  readonly hard = true;
  runs = 0;
  appliesTo(): boolean {
    return true;
  }
  async verify(candidate: Candidate, task: Task): Promise<Verdict> {
    this.runs++;
    const ok = candidate.code.includes(String(task.metadata?.expected));
    return {
      verifier: 'tests',
      status: ok ? 'pass' : 'fail',
      score: ok ? 1 : 0,
      diagnostics: ok ? [] : [{ message: 'wrong answer', severity: 'error' }],
      counterexamples: [],
      durationMs: 0,
    };
  }
}

const tasks: Task[] = ['a', 'b', 'c', 'd'].map((id, index) => ({
  id,
  language: 'python',
  prompt: `task ${id}`,
  entryPoint: 'f',
  tests: 'assert f()',
  metadata: { expected: `return ${index}` },
}));

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const all: RunEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

function setup(
  answers: (input: ProposeInput) => string[],
  repairAnswers?: (input: ProposeInput) => string[],
) {
  const verifier = new CountingVerifier();
  const neural = new ScriptedAgent('neural', answers);
  const repair = repairAnswers ? new ScriptedAgent('repair', repairAnswers) : undefined;
  return {
    verifier,
    neural,
    repair,
    dependencies: {
      agents: { neural, ...(repair ? { repair } : {}) },
      pipeline: new VerificationPipeline({ verifiers: [verifier] }),
      reward: new WeightedReward(),
    },
  };
}

const base: RunOptions = { mode: 'neural', model: 'scripted', repairRounds: 0, budget: {}, concurrency: 2 };

describe('runTasks', () => {
  it('scores every sample, selects a passing one and reports events in order', async () => {
    const { dependencies } = setup(({ task }) => ['return 99', `${task.metadata?.expected}`]);
    const events = await collect(runTasks(tasks, dependencies, { ...base, samples: 2 }));
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', solved: 4, tasks: 4 });
    const episodes = episodesOf(events);
    expect(episodes.map((e) => e.taskId)).toEqual(['a', 'b', 'c', 'd']);
    for (const episode of episodes) {
      expect(episode.status).toBe('solved');
      expect(episode.candidates).toHaveLength(2);
      expect(episode.selectedId).toBe(`${episode.taskId}/r0/1`);
    }
  });

  it('repairs a failing candidate and selects the repaired one', async () => {
    const { dependencies, repair } = setup(
      () => ['return 99'],
      ({ task }) => [`${task.metadata?.expected}`],
    );
    const events = await collect(runTasks(tasks.slice(0, 1), dependencies, { ...base, repairRounds: 2 }));
    const [episode] = episodesOf(events);
    expect(episode?.status).toBe('solved');
    expect(episode?.repairRounds).toBe(1);
    expect(episode?.candidates.map((c) => c.candidate.origin.repairRound)).toEqual([0, 1]);
    expect(episode?.selectedId).toBe('a/r1/0');
    expect(repair?.calls[0]?.feedback?.[0]?.parent.id).toBe('a/r0/0');
    expect(events.some((e) => e.type === 'candidate.repaired' && e.parentId === 'a/r0/0')).toBe(true);
  });

  it('stops at the candidate budget', async () => {
    const { dependencies } = setup(() => ['return 99', 'return 98', 'return 97']);
    const events = await collect(
      runTasks(tasks.slice(0, 1), dependencies, { ...base, samples: 3, budget: { maxCandidates: 2 } }),
    );
    const [episode] = episodesOf(events);
    expect(episode?.status).toBe('budget-exhausted');
    expect(episode?.candidates).toHaveLength(2);
  });

  it('reports an agent failure as an errored episode and goes on', async () => {
    const { dependencies } = setup(({ task }) => {
      if (task.id === 'b') throw new Error('model server unreachable');
      return [`${task.metadata?.expected}`];
    });
    const events = await collect(runTasks(tasks, dependencies, base));
    const episodes = episodesOf(events);
    expect(episodes.find((e) => e.taskId === 'b')).toMatchObject({
      status: 'error',
      error: { message: 'model server unreachable' },
    });
    expect(episodes.filter((e) => e.status === 'solved')).toHaveLength(3);
  });

  it('resumes a killed run without re-scoring or losing work, to the same episodes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nsgen-journal-'));
    const journalPath = join(dir, 'journal.jsonl');
    const answers = ({ task }: ProposeInput) => ['return 99', `${task.metadata?.expected}`, 'return 98'];
    const options = { ...base, samples: 3, journalPath, settings: { dataset: 'x' } };

    const full = setup(answers);
    const uninterrupted = episodesOf(await collect(runTasks(tasks, full.dependencies, options)));
    const complete = readFileSync(journalPath, 'utf8');

    // Keep the journal up to the middle of the 6th verified candidate: a torn last line, as
    // `kill -9` leaves it.
    const lines = complete.split('\n');
    const verifiedLines = lines.flatMap((line, i) => (line.includes('"candidate.verified"') ? [i] : []));
    const cut = verifiedLines[5]!;
    const keep = `${lines.slice(0, cut).join('\n')}\n${lines[cut]!.slice(0, 40)}`;
    writeFileSync(journalPath, keep);

    const resumed = setup(answers);
    const events = await collect(runTasks(tasks, resumed.dependencies, { ...options, resume: true }));
    expect(resumed.verifier.runs).toBe(12 - 5);
    expect(strip(episodesOf(events))).toEqual(strip(uninterrupted));

    const state = readJournal(journalPath);
    expect(state.episodes.size).toBe(4);
    expect(events[0]).toMatchObject({ type: 'run.started', resumed: true });
  });

  it('refuses to overwrite a journal, and to resume with other settings', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nsgen-journal-'));
    const journalPath = join(dir, 'journal.jsonl');
    const { dependencies } = setup(({ task }) => [`${task.metadata?.expected}`]);
    await collect(runTasks(tasks, dependencies, { ...base, journalPath, settings: { samples: 1 } }));
    await expect(collect(runTasks(tasks, dependencies, { ...base, journalPath }))).rejects.toThrow(
      /--resume/,
    );
    await expect(
      collect(
        runTasks(tasks, dependencies, { ...base, journalPath, resume: true, settings: { samples: 2 } }),
      ),
    ).rejects.toThrow(/samples was 1, now 2/);
  });

  it('names the line of a corrupted journal', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nsgen-journal-'));
    const journalPath = join(dir, 'journal.jsonl');
    writeFileSync(journalPath, '{"type":"run.started"}\nnot json\n{}\n');
    expect(() => readJournal(journalPath)).toThrow(/journal\.jsonl:2/);
    truncateSync(journalPath, 0);
    expect(readJournal(journalPath).episodes.size).toBe(0);
  });
});

/** Episodes without wall-clock fields, which legitimately differ between runs. */
function strip(episodes: ReturnType<typeof episodesOf>) {
  return episodes.map(({ timings: _timings, ...rest }) => ({
    ...rest,
    candidates: rest.candidates.map((c) => ({
      ...c,
      verdicts: c.verdicts.map(({ durationMs: _d, ...v }) => v),
    })),
  }));
}
