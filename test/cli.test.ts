/**
 * The `nsgen` command as scripts use it: real processes, `--json` on stdout, exit codes,
 * clear errors for bad input, and a run killed with SIGKILL then resumed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'nsgen-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args],
    {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function nsgen(args: string[]): Promise<Result> {
  const child = start(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function write(name: string, text: string | Buffer): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const clampTask = {
  id: 'clamp',
  language: 'python',
  prompt: 'Return x limited to the closed range [lo, hi].',
  entryPoint: 'clamp',
  signature: {
    params: [
      { name: 'x', type: 'int' },
      { name: 'lo', type: 'int' },
      { name: 'hi', type: 'int' },
    ],
    returns: 'int',
  },
  tests: 'assert clamp(5, 0, 3) == 3\nassert clamp(-1, 0, 3) == 0',
  contract: { pre: 'lo <= hi', post: 'lo <= result <= hi' },
};

describe('nsgen eval', () => {
  it('solves HumanEval with the reference solutions: 164/164, pass@1 = 1', async () => {
    const result = await nsgen([
      'eval',
      '--dataset',
      'humaneval',
      '--model',
      'replay:canonical',
      '--concurrency',
      '2',
      '--out',
      'he',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ dataset: 'humaneval', tasks: 164, solved: 164, passAtK: { 1: 1 } });
    expect(existsSync(join(work, 'he/report.html'))).toBe(true);
  });

  it('names the file and line of a malformed task line', async () => {
    const file = write('broken.jsonl', `${JSON.stringify(clampTask)}\n{"id": "x", oops}\n`);
    const result = await nsgen([
      'eval',
      '--dataset',
      'tasks',
      '--data-file',
      file,
      '--model',
      'replay:canonical',
      '--json',
    ]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('broken.jsonl:2');
  });

  it('lists the valid datasets, model providers and modes on a bad name', async () => {
    const dataset = await nsgen(['eval', '--dataset', 'humaneval-x', '--model', 'replay:canonical']);
    expect(dataset.code).toBe(2);
    expect(dataset.stderr).toMatch(/humaneval.*mbpp.*humaneval-js/);
    const model = await nsgen(['eval', '--dataset', 'humaneval', '--model', 'gpt:4']);
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/replay.*openai/);
    const mode = await nsgen([
      'eval',
      '--dataset',
      'humaneval',
      '--model',
      'replay:canonical',
      '--mode',
      'magic',
    ]);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(/neural, symbolic, hybrid, adaptive/);
  });

  it('gives a clear verdict for a 10 MB, a non-UTF-8 and a never-ending candidate, and goes on', async () => {
    const tasks = write(
      'three.jsonl',
      ['a', 'b', 'c', 'd'].map((id) => JSON.stringify({ ...clampTask, id, contract: undefined })).join('\n'),
    );
    const right = 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n';
    const samples = write(
      'hostile.jsonl',
      [
        { task_id: 'a', solution: `${right}# ${'x'.repeat(10 * 1024 * 1024)}\n` },
        { task_id: 'b', solution: `${right}s = "\udc80"\n` },
        { task_id: 'c', solution: 'def clamp(x, lo, hi):\n    while True:\n        pass\n' },
        { task_id: 'd', solution: right },
      ]
        .map((s) => JSON.stringify(s))
        .join('\n'),
    );
    const result = await nsgen([
      'run',
      tasks,
      '--model',
      `replay:${samples}`,
      '--timeout-ms',
      '2000',
      '--out',
      'hostile',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const byTask = Object.fromEntries(report.perTask.map((t: { taskId: string }) => [t.taskId, t]));
    expect(byTask.a.status).toBe('solved');
    expect(byTask.d.status).toBe('solved');
    const tests = (id: string) =>
      byTask[id].samples[0].verdicts.find((v: { verifier: string }) => v.verifier === 'tests');
    expect(byTask.b.status).toBe('unsolved');
    expect(tests('b').diagnostics[0].message).toMatch(/surrogate|encode|UTF-8/i);
    expect(byTask.c.status).toBe('unsolved');
    expect(tests('c').status).toBe('error');
    expect(tests('c').diagnostics[0].message).toMatch(/timed out|timeout/i);
  });

  it('resumes a run killed with SIGKILL to the same report', async () => {
    const problems = readFileSync(join(root, 'data/humaneval/HumanEval.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 30);
    const samples = problems.flatMap((line) => {
      const p = JSON.parse(line);
      return [
        { task_id: p.task_id, completion: p.canonical_solution },
        { task_id: p.task_id, completion: '    return None\n' },
        { task_id: p.task_id, completion: p.canonical_solution.replace('+', '-') },
      ];
    });
    const file = write('resume-samples.jsonl', samples.map((s) => JSON.stringify(s)).join('\n'));
    const args = ['eval', '--dataset', 'humaneval', '--model', `replay:${file}`, '--k', '1,2', '--json'];

    const whole = await nsgen([...args, '--out', 'whole']);
    expect(whole.code).toBe(0);

    const child = start([...args, '--out', 'killed']);
    const journal = join(work, 'killed/journal.jsonl');
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const text = existsSync(journal) ? readFileSync(journal, 'utf8') : '';
        if ((text.match(/"candidate.verified"/g) ?? []).length >= 25) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((resolve) => child.on('close', resolve));
    const before = readFileSync(journal, 'utf8');
    expect(before).not.toContain('"run.finished"');

    const refused = await nsgen([...args, '--out', 'killed']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--resume');

    const resumed = await nsgen([...args, '--out', 'killed', '--resume']);
    expect(resumed.code).toBe(0);
    const withoutTimings = ({ timings: _timings, ...rest }: Record<string, unknown>) => rest;
    expect(withoutTimings(JSON.parse(resumed.stdout))).toEqual(withoutTimings(JSON.parse(whole.stdout)));
    // Nothing scored before the kill was scored again.
    const verifiedIds = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((event) => event.type === 'candidate.verified')
      .map((event) => event.scored.candidate.id);
    expect(new Set(verifiedIds).size).toBe(verifiedIds.length);
    expect(verifiedIds).toHaveLength(90);
  });
});

describe('nsgen exec', () => {
  it('reports the DESIGN.md shape as JSON', async () => {
    const file = write('hello.ts', 'const n: number = 41;\nconsole.log(n + 1);\n');
    const result = await nsgen(['exec', file, '--language', 'typescript', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'ok',
      exitCode: 0,
      signal: null,
      stdout: '42\n',
    });
    const loop = write('loop.py', 'while True:\n    pass\n');
    const timeout = await nsgen(['exec', loop, '--language', 'python', '--timeout-ms', '500', '--json']);
    expect(timeout.code).toBe(1);
    expect(JSON.parse(timeout.stdout).status).toBe('timeout');
  });

  it('refuses a file that is not UTF-8, naming it', async () => {
    const file = write('latin1.py', Buffer.from([0x70, 0x72, 0x69, 0x6e, 0x74, 0x28, 0xe9, 0x29]));
    const result = await nsgen(['exec', file, '--language', 'python']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/latin1\.py.*UTF-8/);
  });
});

describe('nsgen verify', () => {
  it('reports every verdict; a buggy contract implementation gets a confirmed counterexample', async () => {
    const task = write('clamp.json', JSON.stringify(clampTask, null, 2));
    const good = write(
      'good.py',
      'def clamp(x: int, lo: int, hi: int) -> int:\n    return max(lo, min(x, hi))\n',
    );
    const bad = write('bad.py', 'def clamp(x: int, lo: int, hi: int) -> int:\n    return min(x, hi)\n');
    const passed = await nsgen(['verify', '--task', task, '--code', good, '--json']);
    expect(passed.code).toBe(0);
    const ok = JSON.parse(passed.stdout);
    expect(ok.verdicts.map((v: { verifier: string }) => v.verifier)).toEqual([
      'syntax',
      'quality',
      'security',
      'license',
      'tests',
      'contracts',
    ]);
    expect(ok.verdicts.find((v: { verifier: string }) => v.verifier === 'contracts')).toMatchObject({
      status: 'proved',
      bounded: false,
    });
    const failed = await nsgen(['verify', '--task', task, '--code', bad, '--json']);
    expect(failed.code).toBe(1);
    const contract = JSON.parse(failed.stdout).verdicts.find(
      (v: { verifier: string }) => v.verifier === 'contracts',
    );
    expect(contract.status).toBe('counterexample');
    expect(contract.counterexample.violates).toContain('lo <= result');
    expect(contract.counterexample.input.x).toBeLessThan(contract.counterexample.input.lo);
  });
});

describe('the built command (dist/, as npm run main and the bin run it)', () => {
  it('finds its bundled assets and solves the quickstart tasks in symbolic mode', async () => {
    const child = spawn(
      process.execPath,
      [join(root, 'dist/src/cli/main.js'), 'run', join(root, 'examples/tasks/quickstart.jsonl')].concat([
        '--mode',
        'symbolic',
        '--out',
        'built',
        '--json',
      ]),
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    // A finished run exits 0 whatever it solved; unsolved tasks are results, not errors.
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ mode: 'symbolic', tasks: 5, solved: 3 });
    expect(existsSync(join(work, 'built/report.html'))).toBe(true);
  });
});
