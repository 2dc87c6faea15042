/**
 * Evaluation throughput: HumanEval reference and wrong samples scored by nsgen (warm
 * sandbox, orchestrator, journal-free run) at concurrency 1, 2 and 4, beside the official
 * harness's way of one fresh interpreter process per sample, in the same run, with the
 * outcomes of both compared sample by sample. Also the orchestrator's own overhead per
 * candidate: wall time not spent in the model or in a verifier (sandbox included).
 *
 *   npx tsx bench/eval-throughput.bench.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRuntime,
  evaluate,
  type LanguageModel,
  loadDataset,
  resolveModel,
  type Task,
} from '../src/index.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'nsgen-bench-eval-'));
const TIMEOUT_MS = 3_000; // the official HumanEval harness's per-sample timeout

interface Row {
  runner: string;
  concurrency: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  passed: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Reference completions and a wrong one per task (an early `return None`). */
function samplesFor(tasks: Task[]): { task_id: string; completion: string }[] {
  return tasks.flatMap((task) => [
    { task_id: task.id, completion: String(task.metadata?.canonicalSolution) },
    { task_id: task.id, completion: '    return None\n' },
  ]);
}

async function nsgenRun(samplesFile: string, concurrency: number, verifiers: 'tests' | 'all') {
  const latencies: number[] = [];
  const outcomes = new Map<string, boolean>();
  const started = performance.now();
  const { episodes } = await evaluate({
    dataset: 'humaneval',
    model: `replay:${samplesFile}`,
    concurrency,
    testTimeoutMs: TIMEOUT_MS,
    processSandbox: { poolSize: concurrency },
    ...(verifiers === 'tests' ? { verifiers: ['tests'] } : {}),
    onEvent: (event) => {
      if (event.type !== 'candidate.verified') return;
      const { scored } = event;
      latencies.push(scored.verdicts.reduce((sum, verdict) => sum + verdict.durationMs, 0));
      outcomes.set(`${scored.candidate.taskId}#${scored.candidate.origin.sampleIndex}`, scored.passed);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const samples = episodes.reduce((sum, episode) => sum + episode.candidates.length, 0);
  return { seconds, samples, latencies, outcomes };
}

/** The baseline: `python3 program.py` per sample, as many at once as `concurrency`. */
async function baselineRun(programs: { key: string; code: string }[], concurrency: number) {
  const latencies: number[] = [];
  const outcomes = new Map<string, boolean>();
  const dir = join(work, `baseline-${concurrency}`);
  mkdirSync(dir, { recursive: true });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < programs.length) {
      const index = next++;
      const { key, code } = programs[index]!;
      const file = join(dir, `p${index}.py`);
      writeFileSync(file, code);
      const t0 = performance.now();
      const ok = await new Promise<boolean>((resolve) => {
        const child = spawn('python3', [file], {
          stdio: 'ignore',
          timeout: TIMEOUT_MS,
          killSignal: 'SIGKILL',
        });
        child.on('close', (status) => resolve(status === 0));
      });
      latencies.push(performance.now() - t0);
      outcomes.set(key, ok);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seconds: (performance.now() - started) / 1000, samples: programs.length, latencies, outcomes };
}

/** Orchestrator overhead: wall time minus model time minus verifier time, per candidate. */
async function orchestratorOverhead(samplesFile: string) {
  const inner = resolveModel(`replay:${samplesFile}`);
  let modelMs = 0;
  // Inherits from the replay model (evaluate scores every recorded sample of a replay model)
  // and times each call into it.
  const timed: LanguageModel = Object.create(inner);
  timed.generate = async (request, options) => {
    const t0 = performance.now();
    try {
      return await inner.generate(request, options);
    } finally {
      modelMs += performance.now() - t0;
    }
  };
  const runtime = createRuntime({ model: timed, verifiers: ['tests'], testTimeoutMs: TIMEOUT_MS });
  let verifierMs = 0;
  let candidates = 0;
  try {
    // Warm the sandbox first, so start-up is not counted as orchestration.
    await runtime.sandbox.exec({ language: 'python', code: 'pass' });
    const started = performance.now();
    await evaluate({
      dataset: 'humaneval',
      model: timed.spec,
      runtime,
      onEvent: (event) => {
        if (event.type !== 'candidate.verified') return;
        candidates++;
        verifierMs += event.scored.verdicts.reduce((sum, verdict) => sum + verdict.durationMs, 0);
      },
    });
    const wallMs = performance.now() - started;
    return {
      candidates,
      wallMs,
      modelMs,
      verifierMs,
      overheadMsPerCandidate: (wallMs - modelMs - verifierMs) / candidates,
    };
  } finally {
    await runtime.close();
  }
}

async function main(): Promise<void> {
  const tasks = await loadDataset({ name: 'humaneval' });
  const samples = samplesFor(tasks);
  const samplesFile = join(work, 'samples.jsonl');
  writeFileSync(samplesFile, samples.map((s) => JSON.stringify(s)).join('\n'));
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const counters = new Map<string, number>();
  const programs = samples.map((sample) => {
    const task = byId.get(sample.task_id)!;
    const index = counters.get(task.id) ?? 0;
    counters.set(task.id, index + 1);
    return { key: `${task.id}#${index}`, code: `${task.prompt}${sample.completion}\n${task.tests}` };
  });

  const rows: Row[] = [];
  let mismatches = 0;
  const row = (runner: string, concurrency: number, result: Awaited<ReturnType<typeof baselineRun>>) => {
    rows.push({
      runner,
      concurrency,
      samples: result.samples,
      seconds: round(result.seconds),
      samplesPerSecond: round(result.samples / result.seconds),
      p50Ms: round(percentile(result.latencies, 50)),
      p95Ms: round(percentile(result.latencies, 95)),
      passed: [...result.outcomes.values()].filter(Boolean).length,
    });
  };
  for (const concurrency of [1, 2, 4]) {
    const ours = await nsgenRun(samplesFile, concurrency, 'tests');
    row('nsgen (tests verifier)', concurrency, ours);
    const baseline = await baselineRun(programs, concurrency);
    row('one python3 per sample', concurrency, baseline);
    for (const [key, ok] of baseline.outcomes) if (ours.outcomes.get(key) !== ok) mismatches++;
  }
  row('nsgen (all six verifiers)', 2, await nsgenRun(samplesFile, 2, 'all'));
  const overhead = await orchestratorOverhead(samplesFile);

  const speedups = [1, 2, 4].map((c) => {
    const ours = rows.find((r) => r.concurrency === c && r.runner.startsWith('nsgen (tests'))!;
    const base = rows.find((r) => r.concurrency === c && r.runner.startsWith('one python3'))!;
    return { concurrency: c, speedup: round(ours.samplesPerSecond / base.samplesPerSecond) };
  });
  console.table(rows);
  console.table(speedups);
  console.log(`outcome mismatches between nsgen and the baseline: ${mismatches} of ${programs.length * 3}`);
  console.log(
    `orchestrator overhead: ${overhead.overheadMsPerCandidate.toFixed(3)} ms per candidate ` +
      `(${overhead.candidates} candidates, wall ${overhead.wallMs.toFixed(0)} ms, model ${overhead.modelMs.toFixed(0)} ms, verifiers ${overhead.verifierMs.toFixed(0)} ms)`,
  );
  const result = {
    benchmark: 'eval-throughput',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    samples: programs.length,
    timeoutMs: TIMEOUT_MS,
    rows,
    speedups,
    mismatches,
    orchestratorOverhead: overhead,
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/eval-throughput.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (mismatches > 0) process.exitCode = 1;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
