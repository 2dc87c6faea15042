/**
 * The Docker sandbox's warm pool against a cold `docker run` per job, and both sandboxes'
 * throughput, measured in the same run.
 *
 * - latency: p50/p95 of a trivial Python and a trivial TypeScript program, one at a time,
 *   through the process sandbox, the Docker warm pool, and a cold
 *   `docker run --rm --network none ... nsgen-sandbox:1 python3 -c ...` per job (the same
 *   image, network, user and read-only root; no pool, no runner);
 * - throughput: HumanEval programs (canonical solution + tests + check) at concurrency
 *   1, 2, 4 and 8, pool size equal to the concurrency, for both sandboxes.
 *
 * Run: npx tsx bench/docker.bench.ts (needs `bash scripts/setup-docker.sh` first).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { createDockerSandbox, DOCKER_SANDBOX_DEFAULTS } from '../sandbox/docker/index.js';
import { createProcessSandbox } from '../sandbox/process/index.js';
import type { Sandbox } from '../src/core/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const LATENCY_RUNS = { python: 200, typescript: 40 };
const COLD_RUNS = { python: 30, typescript: 15 };
const HUMANEVAL_PROGRAMS = 64;
const CONCURRENCY = [1, 2, 4, 8];
const TRIVIAL = { python: 'print(1)\n', typescript: 'const x: number = 1;\nconsole.log(x);\n' };

type Language = keyof typeof TRIVIAL;
interface LatencyRow {
  p50: number;
  p95: number;
  runs: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarize(times: number[]): LatencyRow {
  return { p50: percentile(times, 50), p95: percentile(times, 95), runs: times.length };
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

/** One cold job: `docker run` of the sandbox image with the program on the command line. */
async function coldDockerRun(language: Language): Promise<number | null> {
  const program =
    language === 'python'
      ? ['python3', '-c', TRIVIAL.python]
      : ['node', '-e', (await transform(TRIVIAL.typescript, { loader: 'ts', format: 'cjs' })).code];
  const args = [
    'run',
    '--rm',
    '--network',
    'none',
    '--read-only',
    '--tmpfs',
    '/tmp:size=64m',
    '--user',
    DOCKER_SANDBOX_DEFAULTS.user,
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--pids-limit',
    String(DOCKER_SANDBOX_DEFAULTS.pidsLimit),
    '--memory',
    `${DOCKER_SANDBOX_DEFAULTS.containerMemoryMb}m`,
    '--log-driver',
    'none',
    '--label',
    'org.nsgen.bench=1',
    DOCKER_SANDBOX_DEFAULTS.image,
    ...program,
  ];
  return new Promise((resolve) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    child.stdout.resume();
    child.stderr.resume();
    child.on('close', (code) => resolve(code));
  });
}

async function warmLatency(sandbox: Sandbox, language: Language): Promise<LatencyRow> {
  for (let index = 0; index < 3; index++) await sandbox.exec({ language, code: TRIVIAL[language] });
  return summarize(
    await timed(LATENCY_RUNS[language], async () => {
      const result = await sandbox.exec({ language, code: TRIVIAL[language] });
      if (result.stdout !== '1\n') throw new Error(`unexpected result ${JSON.stringify(result)}`);
    }),
  );
}

/** Runs every job with at most `concurrency` in flight; returns jobs per second. */
async function throughput(
  sandbox: Sandbox,
  programs: string[],
  concurrency: number,
): Promise<{ perSecond: number; passed: number }> {
  let next = 0;
  let passed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < programs.length) {
        const code = programs[next++]!;
        const result = await sandbox.exec({ language: 'python', code, timeoutMs: 10_000 });
        if (result.status === 'ok') passed += 1;
      }
    }),
  );
  return { perSecond: programs.length / ((performance.now() - started) / 1000), passed };
}

const humanEval = readFileSync(join(here, '..', 'data', 'humaneval', 'HumanEval.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .slice(0, HUMANEVAL_PROGRAMS)
  .map((line) => JSON.parse(line) as Record<string, string>)
  .map((task) => `${task.prompt}${task.canonical_solution}\n${task.test}\ncheck(${task.entry_point})\n`);

const latency: Record<string, LatencyRow> = {};
const makers = {
  process: (poolSize: number) => createProcessSandbox({ poolSize }),
  docker: (poolSize: number) => createDockerSandbox({ poolSize }),
};
for (const [name, make] of Object.entries(makers)) {
  const sandbox = make(1);
  const started = performance.now();
  await sandbox.start();
  latency[`${name} pool start (1 slot)`] = { p50: performance.now() - started, p95: Number.NaN, runs: 1 };
  for (const language of ['python', 'typescript'] as const) {
    latency[`${language} ${name} warm pool`] = await warmLatency(sandbox, language);
  }
  await sandbox.close();
}
for (const language of ['python', 'typescript'] as const) {
  await coldDockerRun(language);
  latency[`${language} cold docker run`] = summarize(
    await timed(COLD_RUNS[language], async () => {
      const code = await coldDockerRun(language);
      if (code !== 0) throw new Error(`docker run exited with ${code}`);
    }),
  );
}

const throughputRows: Array<{ sandbox: string; concurrency: number; jobsPerSecond: number; passed: number }> =
  [];
for (const concurrency of CONCURRENCY) {
  for (const [name, make] of Object.entries(makers)) {
    const sandbox = make(concurrency);
    await sandbox.start();
    await sandbox.exec({ language: 'python', code: TRIVIAL.python });
    const measured = await throughput(sandbox, humanEval, concurrency);
    await sandbox.close();
    throughputRows.push({
      sandbox: name,
      concurrency,
      jobsPerSecond: measured.perSecond,
      passed: measured.passed,
    });
  }
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}`);
console.log('\nlatency of one trivial program (ms)');
console.log(`${'path'.padEnd(34)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'runs'.padStart(7)}`);
for (const [name, row] of Object.entries(latency)) {
  const p95 = Number.isNaN(row.p95) ? '' : row.p95.toFixed(1);
  console.log(
    `${name.padEnd(34)}${row.p50.toFixed(1).padStart(9)}${p95.padStart(9)}${String(row.runs).padStart(7)}`,
  );
}
const warmPython = latency['python docker warm pool']!;
const coldPython = latency['python cold docker run']!;
console.log(
  `\nDocker warm pool vs cold docker run (python p50): ${(coldPython.p50 / warmPython.p50).toFixed(1)}× faster; goal p50 ≤ 30 ms: ${warmPython.p50 <= 30 ? 'met' : 'missed'}`,
);
console.log(`\nthroughput on ${humanEval.length} HumanEval programs (canonical solution + tests), jobs/s`);
console.log(
  `${'sandbox'.padEnd(10)}${'concurrency'.padStart(12)}${'jobs/s'.padStart(10)}${'passed'.padStart(9)}`,
);
for (const row of throughputRows) {
  console.log(
    `${row.sandbox.padEnd(10)}${String(row.concurrency).padStart(12)}${row.jobsPerSecond.toFixed(1).padStart(10)}${`${row.passed}/${humanEval.length}`.padStart(9)}`,
  );
}

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'docker.json'),
  `${JSON.stringify(
    {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      latencyMs: latency,
      throughput: throughputRows,
      programs: humanEval.length,
    },
    null,
    2,
  )}\n`,
);
