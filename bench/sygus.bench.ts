/**
 * SyGuS PBE: nsgen's symbolic synthesizer side by side with CVC4 1.8 (`cvc4 --lang=sygus1`)
 * on the bundled problems (data/sygus-pbe), each with 10 s per problem.
 *
 * Both run at once, one problem at a time each (nsgen in this process; CVC4 in a shell loop
 * that times every run itself, so nsgen's busy thread cannot skew CVC4's clock). A problem
 * counts as solved only when an evaluator independent of the search accepts the answer:
 * Z3 checks the `define-fun` against every constraint of the `.sl` file (both tools), and
 * for nsgen the rendered Python must also pass the constraints as asserts in a fresh
 * interpreter. CVC4 is installed with apt-get when missing.
 *
 * Run: npx tsx bench/sygus.bench.ts [FILE_OR_DIR]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SymbolicAgent, TaskSynthesis } from '../agents/symbolic/index.js';
import { loadSygus, type SygusProblem } from '../src/eval/datasets/sygus.js';
import { printSExpr, type SExpr } from '../src/eval/datasets/sygus-sexpr.js';
import { createRuntime } from '../src/index.js';
import { createSolverPool, type SolverPool } from '../src/smt/index.js';

const PER_PROBLEM_S = 10;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataPath = process.argv[2] ?? join(root, 'data', 'sygus-pbe');

function ensureCvc4(): string {
  const found = spawnSync('cvc4', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return found.stdout.split('\n')[0]!;
  console.error('cvc4 not found: installing Debian package cvc4 with apt-get');
  spawnSync('apt-get', ['install', '-y', 'cvc4'], { stdio: 'inherit' });
  const again = spawnSync('cvc4', ['--version'], { encoding: 'utf8' });
  if (again.status !== 0) throw new Error('cvc4 is not available and apt-get could not install it');
  return again.stdout.split('\n')[0]!;
}

interface ToolResult {
  solved: boolean;
  /** The answer was produced (before the independent check). */
  answered: boolean;
  ms: number;
  program?: string;
  note?: string;
}

/** One shell loop over every problem; each run timed by `date` inside the loop. */
function startCvc4(
  files: string[],
  outDir: string,
): Promise<Map<string, { ms: number; output: string; rc: number }>> {
  const list = join(outDir, 'files.txt');
  writeFileSync(list, `${files.join('\n')}\n`);
  const script = `i=0
while IFS= read -r f; do
  s=$(date +%s%N)
  timeout -s KILL ${PER_PROBLEM_S} cvc4 --lang=sygus1 "$f" > "${outDir}/$i.out" 2>&1
  rc=$?
  e=$(date +%s%N)
  echo "$i $rc $(( (e - s) / 1000000 ))" >> "${outDir}/times.txt"
  i=$((i+1))
done < "${list}"`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => {
      const results = new Map<string, { ms: number; output: string; rc: number }>();
      for (const line of readFileSync(join(outDir, 'times.txt'), 'utf8').trim().split('\n')) {
        const [index, rc, ms] = line.split(' ').map(Number) as [number, number, number];
        results.set(files[index]!, { ms, rc, output: readFileSync(join(outDir, `${index}.out`), 'utf8') });
      }
      resolve(results);
    });
  });
}

/** The `(define-fun …)` in a solver's output, balanced parentheses and all. */
function defineFun(output: string): string | undefined {
  const start = output.indexOf('(define-fun');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < output.length; i++) {
    const c = output[i]!;
    if (c === '"') inString = !inString;
    if (inString) continue;
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return output.slice(start, i + 1);
  }
  return undefined;
}

/** Z3 on the original constraints: unsat of their negation means every constraint holds. */
async function z3Accepts(solver: SolverPool, problem: SygusProblem, program: string): Promise<string | true> {
  const rename = (text: string) =>
    text.replace(/\bstr\.to\.int\b/g, 'str.to_int').replace(/\bint\.to\.str\b/g, 'str.from_int');
  const lines = [
    ...problem.variables.map((variable) => `(declare-const ${variable.name} ${variable.sort})`),
    rename(program),
    `(assert (not (and true ${problem.constraints.map((c: SExpr) => rename(printSExpr(c))).join(' ')})))`,
  ];
  const answer = await solver.check({ script: lines.join('\n'), timeoutMs: 20_000 });
  return answer.status === 'unsat'
    ? true
    : `z3 ${answer.status}${answer.reason ? ` (${answer.reason})` : ''}`;
}

function pythonAccepts(code: string, tests: string, dir: string): string | true {
  const file = join(dir, 'check.py');
  writeFileSync(file, `${code}\n${tests}\n`);
  const run = spawnSync('python3', [file], { encoding: 'utf8', timeout: 20_000 });
  return run.status === 0 ? true : `python: ${run.stderr.trim().split('\n').at(-1)}`;
}

async function main(): Promise<void> {
  const cvc4Version = ensureCvc4();
  const tasks = await loadSygus(dataPath);
  const work = mkdtempSync(join(tmpdir(), 'nsgen-sygus-bench-'));
  const files = tasks.map((task) => join(dataPath, `${task.id}.sl`));
  const wallStarted = performance.now();
  const cvc4Run = startCvc4(files, work);

  const runtime = createRuntime({
    model: 'none',
    verifiers: ['contracts'],
    synthesis: { timeMs: PER_PROBLEM_S * 1000 },
  });
  const agent = runtime.agents.symbolic as SymbolicAgent;
  const checker = createSolverPool({ workers: 1 });
  const nsgen = new Map<string, ToolResult>();
  const answers = new Map<string, TaskSynthesis>();
  for (const task of tasks) {
    const started = performance.now();
    let result: TaskSynthesis | undefined;
    let note: string | undefined;
    try {
      result = await agent.synthesizeTask(task);
    } catch (error) {
      note = (error as Error).message;
    }
    const ms = Math.round(performance.now() - started);
    if (result) answers.set(task.id, result);
    nsgen.set(task.id, {
      solved: false,
      answered: result?.status === 'solved',
      ms,
      ...(result?.status === 'solved' ? { program: result.rendering.sygus } : {}),
      ...(note || result?.status === 'unsolved'
        ? { note: note ?? (result as { message: string }).message }
        : {}),
    });
    process.stderr.write(`nsgen ${task.id}: ${result?.status ?? 'error'} ${ms} ms\n`);
  }
  const nsgenWallMs = Math.round(performance.now() - wallStarted);
  const cvc4Raw = await cvc4Run;
  const wallMs = Math.round(performance.now() - wallStarted);

  // Independent checks, after both tools are done so they do not share the machine with them.
  const cvc4 = new Map<string, ToolResult>();
  for (const [index, task] of tasks.entries()) {
    const problem = task.metadata?.sygus as SygusProblem;
    const mine = nsgen.get(task.id)!;
    const answer = answers.get(task.id);
    if (answer?.status === 'solved') {
      const z3 = await z3Accepts(checker, problem, answer.rendering.sygus);
      const python = task.tests ? pythonAccepts(answer.rendering.python, task.tests, work) : true;
      mine.solved = z3 === true && python === true;
      if (!mine.solved) mine.note = [z3, python].filter((x) => x !== true).join('; ');
    }
    const raw = cvc4Raw.get(files[index]!)!;
    const program = defineFun(raw.output);
    const entry: ToolResult = {
      solved: false,
      answered: program !== undefined,
      ms: raw.ms,
      ...(program ? { program } : {}),
    };
    if (program) {
      const z3 = await z3Accepts(checker, problem, program);
      entry.solved = z3 === true;
      if (z3 !== true) entry.note = z3;
    } else {
      entry.note = raw.rc === 137 ? 'timeout' : raw.output.trim().split('\n')[0]?.slice(0, 120);
    }
    cvc4.set(task.id, entry);
  }
  await checker.close();
  await runtime.close();
  rmSync(work, { recursive: true, force: true });

  const rows = tasks.map((task) => ({ id: task.id, nsgen: nsgen.get(task.id)!, cvc4: cvc4.get(task.id)! }));
  const summary = (pick: (row: (typeof rows)[number]) => ToolResult) => {
    const results = rows.map(pick);
    const solvedMs = results
      .filter((r) => r.solved)
      .map((r) => r.ms)
      .sort((a, b) => a - b);
    return {
      solved: solvedMs.length,
      answeredButRejected: results.filter((r) => r.answered && !r.solved).length,
      totalMs: results.reduce((total, r) => total + r.ms, 0),
      meanMsPerProblem: Math.round(results.reduce((total, r) => total + r.ms, 0) / results.length),
      medianMsSolved: solvedMs.length ? solvedMs[Math.floor(solvedMs.length / 2)]! : null,
    };
  };
  const totals = { nsgen: summary((row) => row.nsgen), cvc4: summary((row) => row.cvc4) };
  const pad = (text: string, width: number) => text.padEnd(width);
  console.log(`\nSyGuS PBE (${tasks.length} problems, ${PER_PROBLEM_S} s each) — ${cvc4Version}`);
  console.log(`${pad('problem', 52)} ${pad('nsgen', 14)} cvc4`);
  const cell = (r: ToolResult) =>
    `${r.solved ? 'ok' : r.answered ? 'WRONG' : '--'} ${(r.ms / 1000).toFixed(2)}s`;
  for (const row of rows) console.log(`${pad(row.id, 52)} ${pad(cell(row.nsgen), 14)} ${cell(row.cvc4)}`);
  console.log('\n| tool  | solved | rejected answers | total time | mean per problem | median (solved) |');
  console.log('| ----- | ------ | ---------------- | ---------- | ---------------- | --------------- |');
  for (const [name, total] of Object.entries(totals)) {
    console.log(
      `| ${pad(name, 5)} | ${pad(`${total.solved}/${tasks.length}`, 6)} | ${pad(String(total.answeredButRejected), 16)} | ${pad(`${(total.totalMs / 1000).toFixed(1)} s`, 10)} | ${pad(`${total.meanMsPerProblem} ms`, 16)} | ${total.medianMsSolved ?? 'n/a'} ms |`,
    );
  }
  console.log(
    `\nwall time: ${(wallMs / 1000).toFixed(1)} s (nsgen loop ${(nsgenWallMs / 1000).toFixed(1)} s, both tools at once)`,
  );
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(root, 'bench', 'results', 'sygus.json'),
    `${JSON.stringify({ perProblemSeconds: PER_PROBLEM_S, cvc4: cvc4Version, problems: tasks.length, totals, wallMs, rows }, null, 2)}\n`,
  );
}

await main();
