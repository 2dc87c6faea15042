/**
 * The process sandbox's warm pool against one cold interpreter per job.
 *
 * - latency: p50/p95 of a trivial Python and a trivial TypeScript program, one at a time;
 * - throughput: HumanEval programs (canonical solution + tests + check) at concurrency 1, 2, 4.
 *
 * Cold spawn is what a one-process-per-sample harness does: write the program to a file and
 * start `python3 file` (site processing included, as a harness gets it), or node on the
 * esbuild output for TypeScript, with a timeout and nothing else: no namespaces, uid, limits
 * or sweeps, so it is the cheap side of the comparison. `python3 -I -S` shows the cheapest
 * possible cold start. Run: npx tsx bench/sandbox.bench.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { createProcessSandbox } from '../sandbox/process/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const LATENCY_RUNS = { python: 150, typescript: 40 };
const HUMANEVAL_PROGRAMS = 48;
const CONCURRENCY = [1, 2, 4];
const TRIVIAL = { python: 'print(1)\n', typescript: 'const x: number = 1;\nconsole.log(x);\n' };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function run(command: string, args: string[], cwd: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    child.stdout.resume();
    child.stderr.resume();
    child.on('close', (code) => resolve(code));
  });
}

async function realPython(): Promise<string> {
  const child = spawn('python3', ['-c', 'import sys; print(sys.executable)']);
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  await new Promise((resolve) => child.on('close', resolve));
  return out.trim();
}

type ColdKind = 'python' | 'python -I -S' | 'typescript';

/** One cold job: a fresh folder, the program written to a file, a fresh interpreter. */
async function coldJob(kind: ColdKind, code: string, python: string): Promise<number | null> {
  const dir = mkdtempSync(join(tmpdir(), 'nsgen-bench-'));
  try {
    if (kind === 'typescript') {
      const js = (await transform(code, { loader: 'ts', format: 'cjs' })).code;
      writeFileSync(join(dir, 'main.cjs'), js);
      return await run(process.execPath, ['main.cjs'], dir);
    }
    writeFileSync(join(dir, 'main.py'), code);
    return await run(python, kind === 'python' ? ['main.py'] : ['-I', '-S', 'main.py'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed(count: number, job: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await job();
    times.push(performance.now() - started);
  }
  return times;
}

/** Runs every job with at most `concurrency` in flight; returns jobs per second. */
async function throughput(
  jobs: Array<() => Promise<boolean>>,
  concurrency: number,
): Promise<{ perSecond: number; passed: number }> {
  let next = 0;
  let passed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        if (await job()) passed += 1;
      }
    }),
  );
  return { perSecond: jobs.length / ((performance.now() - started) / 1000), passed };
}

const python = await realPython();
const humanEval = readFileSync(join(here, '..', 'data', 'humaneval', 'HumanEval.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .slice(0, HUMANEVAL_PROGRAMS)
  .map((line) => JSON.parse(line) as Record<string, string>)
  .map((task) => `${task.prompt}${task.canonical_solution}\n${task.test}\ncheck(${task.entry_point})\n`);

const latency: Record<string, { p50: number; p95: number; runs: number }> = {};
const warm = createProcessSandbox({ poolSize: 1 });
await warm.start();
for (const language of ['python', 'typescript'] as const) {
  await warm.exec({ language, code: TRIVIAL[language] });
  const times = await timed(LATENCY_RUNS[language], () => warm.exec({ language, code: TRIVIAL[language] }));
  latency[`${language} warm pool`] = {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    runs: times.length,
  };
}
const capabilities = warm.capabilities();
await warm.close();
for (const kind of ['python', 'python -I -S', 'typescript'] as const) {
  const code = kind === 'typescript' ? TRIVIAL.typescript : TRIVIAL.python;
  const times = await timed(kind === 'typescript' ? LATENCY_RUNS.typescript : LATENCY_RUNS.python, () =>
    coldJob(kind, code, python),
  );
  latency[`${kind} cold spawn`] = {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    runs: times.length,
  };
}

const throughputRows: Array<{ mode: string; concurrency: number; jobsPerSecond: number; passed: number }> =
  [];
for (const concurrency of CONCURRENCY) {
  const pool = createProcessSandbox({ poolSize: concurrency });
  await pool.start();
  await pool.exec({ language: 'python', code: TRIVIAL.python });
  const pooled = await throughput(
    humanEval.map(
      (code) => async () =>
        (await pool.exec({ language: 'python', code, timeoutMs: 10_000 })).status === 'ok',
    ),
    concurrency,
  );
  await pool.close();
  throughputRows.push({
    mode: 'warm pool',
    concurrency,
    jobsPerSecond: pooled.perSecond,
    passed: pooled.passed,
  });
  const cold = await throughput(
    humanEval.map((code) => async () => (await coldJob('python', code, python)) === 0),
    concurrency,
  );
  throughputRows.push({
    mode: 'cold python3',
    concurrency,
    jobsPerSecond: cold.perSecond,
    passed: cold.passed,
  });
  const bare = await throughput(
    humanEval.map((code) => async () => (await coldJob('python -I -S', code, python)) === 0),
    concurrency,
  );
  throughputRows.push({
    mode: 'cold python3 -I -S',
    concurrency,
    jobsPerSecond: bare.perSecond,
    passed: bare.passed,
  });
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; python ${python}; node ${process.version}`,
);
console.log(
  `sandbox capabilities: network isolated ${capabilities.networkIsolated}, uid ${capabilities.unprivilegedUser}, process limit ${capabilities.processLimit}, private tmp ${capabilities.privateTmp}`,
);
console.log('\nlatency of one trivial program (ms)');
console.log(`${'path'.padEnd(28)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'runs'.padStart(7)}`);
for (const [name, row] of Object.entries(latency)) {
  console.log(
    `${name.padEnd(28)}${row.p50.toFixed(1).padStart(9)}${row.p95.toFixed(1).padStart(9)}${String(row.runs).padStart(7)}`,
  );
}
console.log(`\nthroughput on ${humanEval.length} HumanEval programs (canonical solution + tests), jobs/s`);
console.log(
  `${'mode'.padEnd(20)}${'concurrency'.padStart(12)}${'jobs/s'.padStart(10)}${'passed'.padStart(9)}`,
);
for (const row of throughputRows) {
  console.log(
    `${row.mode.padEnd(20)}${String(row.concurrency).padStart(12)}${row.jobsPerSecond.toFixed(1).padStart(10)}${`${row.passed}/${humanEval.length}`.padStart(9)}`,
  );
}
for (const concurrency of CONCURRENCY) {
  const pool = throughputRows.find((row) => row.mode === 'warm pool' && row.concurrency === concurrency)!;
  const cold = throughputRows.find((row) => row.mode === 'cold python3' && row.concurrency === concurrency)!;
  const bare = throughputRows.find(
    (row) => row.mode === 'cold python3 -I -S' && row.concurrency === concurrency,
  )!;
  console.log(
    `speed-up at concurrency ${concurrency}: ${(pool.jobsPerSecond / cold.jobsPerSecond).toFixed(2)}× over python3, ${(pool.jobsPerSecond / bare.jobsPerSecond).toFixed(2)}× over python3 -I -S`,
  );
}

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'sandbox.json'),
  `${JSON.stringify(
    {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, python, node: process.version },
      capabilities,
      latencyMs: latency,
      throughput: { programs: humanEval.length, rows: throughputRows },
    },
    null,
    2,
  )}\n`,
);
