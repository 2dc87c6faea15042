/**
 * Contract verification on the fixture suite (test/fixtures/contracts), side by side with
 * CrossHair on the Python tasks with the same contracts (written as PEP 316 docstrings,
 * which CrossHair reads; `result` becomes `__return__`).
 *
 * nsgen: one warm solver worker and one warm sandbox runner, checks in sequence; a check's
 * time covers parsing, encoding, every solver query and the sandbox replay that confirms a
 * counterexample. CrossHair: one warm Python process running `analyze_function` per task,
 * timed per function. The two alternate per implementation so both see the same load. Both get the same per-condition budget (`PER_CHECK_TIMEOUT_S`).
 * A bug counts as found when nsgen reports a confirmed counterexample, or CrossHair a
 * postcondition failure or an exception. CrossHair is installed with pip when missing.
 *
 * Run: npx tsx bench/contracts.bench.ts
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProcessSandbox } from '../sandbox/process/index.js';
import { parse, type Tree } from '../src/ast/parser.js';
import { parseTask, type Task } from '../src/core/index.js';
import { createSolverPool } from '../src/smt/index.js';
import { checkContract } from '../verifiers/contracts/check-contract.js';
import { codeContract, findFunction, taskContract } from '../verifiers/contracts/extract-contracts.js';

const PER_CHECK_TIMEOUT_S = 3;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = join(root, 'test', 'fixtures', 'contracts');

interface Item {
  id: string;
  file: string;
  task: Task;
  code: string;
  buggy: boolean;
}

const items: Item[] = readdirSync(fixturesDir)
  .sort()
  .flatMap((id) => {
    const task = parseTask(JSON.parse(readFileSync(join(fixturesDir, id, 'task.json'), 'utf8')), id);
    const extension = task.language === 'python' ? '.py' : '.ts';
    return readdirSync(join(fixturesDir, id))
      .filter((file) => file.endsWith(extension))
      .sort()
      .map((file) => ({
        id,
        file,
        task,
        code: readFileSync(join(fixturesDir, id, file), 'utf8'),
        buggy: file.startsWith('buggy'),
      }));
  });

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (value: number): string => (Number.isNaN(value) ? '-' : `${value.toFixed(0)} ms`);

// ---------------------------------------------------------------------------------------
// nsgen

interface NsgenRun {
  item: Item;
  status: string;
  totalMs: number;
  solverMs: number;
  replayMs: number;
  reason?: string;
}

/**
 * Runs every check, nsgen and CrossHair alternating per implementation (the order flips
 * each time), so that both see the same machine load.
 */
async function runBoth(): Promise<{ nsgen: NsgenRun[]; crosshair: CrossHairRun[] }> {
  const sandbox = createProcessSandbox({ poolSize: 1 });
  const solver = createSolverPool({ workers: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'nsgen-crosshair-'));
  const modules = new Map<Item, string>();
  for (const [index, item] of items.entries()) {
    if (item.task.language !== 'python') continue;
    const module = `fixture_${index}_${item.id.replace(/\W/g, '_')}`;
    writeFileSync(join(dir, `${module}.py`), await pep316Module(item));
    modules.set(item, module);
  }
  const driver = new CrossHairDriver(dir);
  try {
    await Promise.all([solver.start(), driver.ready()]);
    await sandbox.exec({ language: 'python', code: 'pass' });
    await sandbox.exec({ language: 'typescript', code: 'export {};' });
    const nsgen: NsgenRun[] = [];
    const crosshair: CrossHairRun[] = [];
    const runNsgen = async (item: Item) => {
      const report = await checkContract({
        task: item.task,
        code: item.code,
        sandbox,
        solver,
        settings: { solverTimeoutMs: PER_CHECK_TIMEOUT_S * 1000 },
      });
      nsgen.push({
        item,
        status: report.outcome.status,
        totalMs: report.timings.totalMs,
        solverMs: report.timings.solverMs,
        replayMs: report.timings.replayMs,
        ...(report.outcome.reason ? { reason: report.outcome.reason } : {}),
      });
    };
    const runCrossHair = async (item: Item, module: string) => {
      const row = await driver.check(module, item.task.entryPoint);
      crosshair.push({
        item,
        found: row.states.some(
          (state) => state === 'POST_FAIL' || state === 'EXEC_ERR' || state === 'POST_ERR',
        ),
        ms: row.ms,
        states: row.states,
        messages: row.messages,
      });
    };
    for (const [index, item] of items.entries()) {
      const module = modules.get(item);
      if (module === undefined) await runNsgen(item);
      else if (index % 2 === 0) {
        await runNsgen(item);
        await runCrossHair(item, module);
      } else {
        await runCrossHair(item, module);
        await runNsgen(item);
      }
    }
    return { nsgen, crosshair };
  } finally {
    driver.close();
    await solver.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// CrossHair

function ensureCrossHair(): string {
  const probe = spawnSync('python3', ['-c', 'import crosshair; print(crosshair.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status === 0) return probe.stdout.trim();
  console.log('installing crosshair-tool with pip ...');
  execFileSync('python3', ['-m', 'pip', 'install', '--quiet', 'crosshair-tool'], { stdio: 'inherit' });
  return execFileSync('python3', ['-c', 'import crosshair; print(crosshair.__version__)'], {
    encoding: 'utf8',
  }).trim();
}

/** The candidate with all its contract clauses as a PEP 316 docstring, icontract removed. */
async function pep316Module(item: Item): Promise<string> {
  const trees: Tree[] = [];
  try {
    const tree = await parse(item.code, 'python');
    trees.push(tree);
    const definition = findFunction(tree.rootNode, item.task.entryPoint, 'python');
    if (!definition) throw new Error(`${item.id}/${item.file}: no function ${item.task.entryPoint}`);
    const fromTask = await taskContract(item.task, trees);
    const fromCode = await codeContract(definition, 'python', trees);
    const pre = [...fromTask.pre, ...fromCode.pre].map((clause) => clause.text);
    const post = [...fromTask.post, ...fromCode.post].map((clause) =>
      clause.text.replace(/\bresult\b/g, '__return__'),
    );
    const body = definition.childForFieldName('body')!;
    const indent = ' '.repeat(body.startPosition.column);
    const docstring = [
      '"""',
      ...pre.map((text) => `${indent}pre: ${text}`),
      ...post.map((text) => `${indent}post: ${text}`),
      `${indent}"""`,
    ].join('\n');
    // Edits from the end so earlier offsets stay valid.
    const edits: { start: number; end: number; text: string }[] = [];
    const first = body.namedChildren[0]!;
    const existing = first.type === 'expression_statement' && first.namedChildren[0]?.type === 'string';
    edits.push(
      existing
        ? { start: first.startIndex, end: first.endIndex, text: docstring }
        : { start: first.startIndex, end: first.startIndex, text: `${docstring}\n${indent}` },
    );
    const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : undefined;
    for (const decorator of decorated?.namedChildren ?? []) {
      if (decorator?.type === 'decorator')
        edits.push({ start: decorator.startIndex, end: decorator.endIndex, text: '' });
    }
    for (const statement of tree.rootNode.namedChildren) {
      if (statement?.type === 'import_from_statement' && /icontract/.test(statement.text)) {
        edits.push({ start: statement.startIndex, end: statement.endIndex, text: '' });
      }
    }
    let text = item.code;
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
      text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    }
    return text;
  } finally {
    for (const tree of trees) tree.delete();
  }
}

const DRIVER = `
import importlib, json, sys, time
from crosshair.core_and_libs import analyze_function, run_checkables
from crosshair.options import AnalysisKind, AnalysisOptionSet, DEFAULT_OPTIONS

sys.path.insert(0, sys.argv[1])
options = DEFAULT_OPTIONS.overlay(
    AnalysisOptionSet(per_condition_timeout=float(sys.argv[2]), analysis_kind=[AnalysisKind.PEP316])
)


def warm():
    def f(x: int) -> int:
        """
        post: __return__ >= 0
        """
        return x * x
    list(run_checkables(analyze_function(f, options)))


warm()
print(json.dumps({'ready': True}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    started = time.perf_counter()
    try:
        module = importlib.import_module(job['module'])
        messages = run_checkables(analyze_function(getattr(module, job['entry']), options))
        states = [message.state.name for message in messages]
        texts = [message.message for message in messages]
    except Exception as error:
        states, texts = ['DRIVER_ERROR'], [repr(error)]
    elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps({'ms': elapsed, 'states': states, 'messages': texts}), flush=True)
`;

/** A warm CrossHair process answering one function at a time (so runs interleave with nsgen's). */
class CrossHairDriver {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #waiting: ((line: string) => void) | undefined;

  constructor(dir: string) {
    writeFileSync(join(dir, 'driver.py'), DRIVER);
    this.#child = spawn('python3', [join(dir, 'driver.py'), dir, `${PER_CHECK_TIMEOUT_S}`]);
    let buffer = '';
    this.#child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith('{')) continue;
        const waiting = this.#waiting;
        this.#waiting = undefined;
        if (waiting) waiting(line);
        else this.#lines.push(line);
      }
    });
  }

  #next(): Promise<string> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  async ready(): Promise<void> {
    await this.#next();
  }

  async check(module: string, entry: string): Promise<{ ms: number; states: string[]; messages: string[] }> {
    this.#child.stdin.write(`${JSON.stringify({ module, entry })}\n`);
    return JSON.parse(await this.#next()) as { ms: number; states: string[]; messages: string[] };
  }

  close(): void {
    this.#child.stdin.end();
    this.#child.kill();
  }
}

interface CrossHairRun {
  item: Item;
  found: boolean;
  ms: number;
  states: string[];
  messages: string[];
}

// ---------------------------------------------------------------------------------------

const crossHairVersion = ensureCrossHair();
const benchStarted = performance.now();
const { nsgen, crosshair } = await runBoth();
const wallMs = performance.now() - benchStarted;

const summarise = (runs: NsgenRun[]) => {
  const buggy = runs.filter((run) => run.item.buggy);
  const correct = runs.filter((run) => !run.item.buggy);
  return {
    checks: runs.length,
    bugs: buggy.length,
    bugsFound: buggy.filter((run) => run.status === 'counterexample').length,
    correct: correct.length,
    falseCounterexamples: correct.filter((run) => run.status === 'counterexample').length,
    proved: correct.filter((run) => run.status === 'proved').length,
    unknown: runs.filter((run) => run.status === 'unknown').length,
    p50Ms: percentile(
      runs.map((run) => run.totalMs),
      50,
    ),
    p95Ms: percentile(
      runs.map((run) => run.totalMs),
      95,
    ),
    totalMs: runs.reduce((sum, run) => sum + run.totalMs, 0),
  };
};
const nsgenAll = summarise(nsgen);
const nsgenPython = summarise(nsgen.filter((run) => run.item.task.language === 'python'));
const nsgenTypeScript = summarise(nsgen.filter((run) => run.item.task.language === 'typescript'));
const crossBuggy = crosshair.filter((run) => run.item.buggy);
const crossCorrect = crosshair.filter((run) => !run.item.buggy);
const crossSummary = {
  checks: crosshair.length,
  bugs: crossBuggy.length,
  bugsFound: crossBuggy.filter((run) => run.found).length,
  correct: crossCorrect.length,
  falseAlarms: crossCorrect.filter((run) => run.found).length,
  /** CrossHair's CONFIRMED: every path explored without a failure. */
  confirmed: crossCorrect.filter((run) => run.states.includes('CONFIRMED')).length,
  p50Ms: percentile(
    crosshair.map((run) => run.ms),
    50,
  ),
  p95Ms: percentile(
    crosshair.map((run) => run.ms),
    95,
  ),
  totalMs: crosshair.reduce((sum, run) => sum + run.ms, 0),
  bugP50Ms: percentile(
    crossBuggy.map((run) => run.ms),
    50,
  ),
};
const nsgenBugP50 = percentile(
  nsgen.filter((run) => run.item.buggy && run.item.task.language === 'python').map((run) => run.totalMs),
  50,
);

console.log(
  `\nContract checks on ${items.length} fixture implementations (${new Set(items.map((i) => i.id)).size} tasks), per-check budget ${PER_CHECK_TIMEOUT_S} s\n`,
);
console.log(
  '| checker | checks | bugs found | false counterexamples | proved (correct) | unknown | p50 | p95 | total |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const row = (name: string, s: ReturnType<typeof summarise>) =>
  console.log(
    `| ${name} | ${s.checks} | ${s.bugsFound}/${s.bugs} | ${s.falseCounterexamples} | ${s.proved}/${s.correct} | ${s.unknown} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} | ${ms(s.totalMs)} |`,
  );
row('nsgen (all)', nsgenAll);
row('nsgen (TypeScript)', nsgenTypeScript);
row('nsgen (Python)', nsgenPython);
console.log(
  `| CrossHair ${crossHairVersion} (Python) | ${crossSummary.checks} | ${crossSummary.bugsFound}/${crossSummary.bugs} | ${crossSummary.falseAlarms} | ${crossSummary.confirmed}/${crossSummary.correct} (CONFIRMED) | - | ${ms(crossSummary.p50Ms)} | ${ms(crossSummary.p95Ms)} | ${ms(crossSummary.totalMs)} |`,
);
console.log(
  `\nTime to a bug (Python buggy files, p50): nsgen ${ms(nsgenBugP50)}, CrossHair ${ms(crossSummary.bugP50Ms)}`,
);
console.log(`Wall time of the whole run (both checkers, warm-up included): ${ms(wallMs)}`);
const missedByCrossHair = crossBuggy
  .filter((run) => !run.found)
  .map((run) => `${run.item.id}/${run.item.file} (${run.states.join(', ') || 'no message'})`);
const missedByNsgen = nsgen
  .filter((run) => run.item.buggy && run.status !== 'counterexample')
  .map((run) => `${run.item.id}/${run.item.file}: ${run.reason}`);
const nsgenUnknown = nsgen
  .filter((run) => run.status === 'unknown')
  .map((run) => `${run.item.id}/${run.item.file}: ${run.reason}`);
if (missedByNsgen.length) console.log(`\nBugs nsgen missed:\n  ${missedByNsgen.join('\n  ')}`);
if (missedByCrossHair.length) console.log(`\nBugs CrossHair missed:\n  ${missedByCrossHair.join('\n  ')}`);
if (nsgenUnknown.length) console.log(`\nnsgen unknowns:\n  ${nsgenUnknown.join('\n  ')}`);

console.log('\nPer check:');
console.log('| task/file | nsgen | nsgen ms | CrossHair | CrossHair ms |');
console.log('| --- | --- | --- | --- | --- |');
for (const run of nsgen) {
  const cross = crosshair.find((other) => other.item === run.item);
  console.log(
    `| ${run.item.id}/${run.item.file} | ${run.status} | ${run.totalMs.toFixed(0)} | ${cross ? (cross.found ? 'bug' : cross.states.join(',') || 'none') : ''} | ${cross ? cross.ms.toFixed(0) : ''} |`,
  );
}

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'contracts.json'),
  `${JSON.stringify(
    {
      perCheckTimeoutS: PER_CHECK_TIMEOUT_S,
      crossHairVersion,
      nsgen: { all: nsgenAll, python: nsgenPython, typescript: nsgenTypeScript, bugP50MsPython: nsgenBugP50 },
      crosshair: crossSummary,
      missedByNsgen,
      missedByCrossHair,
      nsgenUnknown,
      perCheck: nsgen.map((run) => {
        const cross = crosshair.find((other) => other.item === run.item);
        return {
          task: run.item.id,
          file: run.item.file,
          nsgen: {
            status: run.status,
            ms: run.totalMs,
            solverMs: run.solverMs,
            replayMs: run.replayMs,
            reason: run.reason,
          },
          ...(cross
            ? {
                crosshair: {
                  found: cross.found,
                  ms: cross.ms,
                  states: cross.states,
                  messages: cross.messages,
                },
              }
            : {}),
        };
      }),
    },
    null,
    2,
  )}\n`,
);
