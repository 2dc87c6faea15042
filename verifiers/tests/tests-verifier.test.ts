import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessSandbox, type ProcessSandbox } from '../../sandbox/process/index.js';
import { type Candidate, packageRoot, type Task } from '../../src/core/index.js';
import { createTestsVerifier, type TestsVerifier } from './index.js';

function readJsonl(path: string, count: number): Record<string, unknown>[] {
  return readFileSync(join(packageRoot(), path), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, count)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function candidate(code: string, taskId = 't'): Candidate {
  return { id: 'c', taskId, code, origin: { agent: 'test', mode: 'neural', repairRound: 0 } };
}

const MBPP_TASK: Task = {
  id: 'mbpp-style',
  language: 'python',
  prompt: 'Return the shared elements of two tuples.',
  entryPoint: 'similar_elements',
  tests: [
    'assert set(similar_elements((3, 4, 5, 6), (5, 7, 4, 10))) == set((4, 5))',
    'assert similar_elements((1, 2), (2, 3)) == (2,)',
    'assert similar_elements((11, 12, 14, 13), (17, 15, 14, 13)) == (13, 14)',
  ].join('\n'),
};

describe('TestsVerifier', () => {
  let sandbox: ProcessSandbox;
  let verifier: TestsVerifier;
  beforeAll(() => {
    sandbox = createProcessSandbox({ poolSize: 2 });
    verifier = createTestsVerifier({ sandbox, timeoutMs: 5_000 });
  });
  afterAll(() => sandbox.close());

  it('is a hard, sandbox-cost verifier that applies when a task has tests', () => {
    expect(verifier).toMatchObject({ name: 'tests', hard: true, cost: 100 });
    expect(verifier.appliesTo(MBPP_TASK)).toBe(true);
    expect(verifier.appliesTo({ ...MBPP_TASK, tests: '  \n' })).toBe(false);
    const { tests: _tests, ...withoutTests } = MBPP_TASK;
    expect(verifier.appliesTo(withoutTests)).toBe(false);
  });

  it('passes a right MBPP-style candidate with every case reported', async () => {
    const verdict = await verifier.verify(
      candidate('def similar_elements(a, b):\n    return tuple(sorted(set(a) & set(b)))'),
      MBPP_TASK,
    );
    expect(verdict).toMatchObject({ verifier: 'tests', status: 'pass', score: 1, counterexamples: [] });
    expect(verdict.tests).toMatchObject({ passed: 3, total: 3 });
    expect(verdict.tests?.cases.map((testCase) => testCase.status)).toEqual(['pass', 'pass', 'pass']);
    expect(verdict.tests?.execution).toMatchObject({ status: 'ok', exitCode: 0 });
  });

  it('fails a wrong candidate with the failing assert, a counterexample and partial credit', async () => {
    const verdict = await verifier.verify(
      candidate(
        'def similar_elements(a, b):\n    shared = sorted(set(a) & set(b))\n    return tuple(shared) if len(shared) > 1 else (*shared, 0)',
      ),
      MBPP_TASK,
    );
    expect(verdict.status).toBe('fail');
    expect(verdict.tests).toMatchObject({ passed: 1, total: 3 });
    expect(verdict.score).toBeCloseTo(1 / 3);
    expect(verdict.tests?.cases.map((testCase) => testCase.status)).toEqual(['pass', 'fail', 'not-run']);
    expect(verdict.counterexamples).toEqual([
      {
        input: [{ tuple: [1, 2] }, { tuple: [2, 3] }],
        expected: { tuple: [2] },
        actual: { tuple: [2, 0] },
        violates: 'assert similar_elements((1, 2), (2, 3)) == (2,)',
      },
    ]);
    const failed = verdict.diagnostics.find((diagnostic) => diagnostic.rule === 'test-failed');
    expect(failed?.message).toContain('tests line 2');
    expect(verdict.tests?.execution.stderrTail).toContain('AssertionError');
    expect(verdict.tests?.execution.stderrTail).not.toContain('nscase');
  });

  it('reports an exception in the candidate with its type, message and line', async () => {
    const verdict = await verifier.verify(
      candidate('def similar_elements(a, b):\n    x = 1\n    return x / 0'),
      MBPP_TASK,
    );
    expect(verdict.status).toBe('fail');
    expect(verdict.tests?.cases.map((testCase) => testCase.status)).toEqual(['error', 'not-run', 'not-run']);
    const exception = verdict.diagnostics.find((diagnostic) => diagnostic.rule === 'exception');
    expect(exception).toMatchObject({
      message: 'ZeroDivisionError: division by zero',
      location: { line: 3 },
    });
    expect(verdict.score).toBe(0);
  });

  it('turns a timeout into an error verdict that says so', async () => {
    const quick = createTestsVerifier({ sandbox, timeoutMs: 500 });
    const verdict = await quick.verify(
      candidate('def similar_elements(a, b):\n    while True:\n        pass'),
      MBPP_TASK,
    );
    expect(verdict.status).toBe('error');
    expect(verdict.tests?.execution.status).toBe('timeout');
    expect(verdict.diagnostics.map((diagnostic) => diagnostic.rule)).toContain('test-timeout');
    expect(verdict.tests?.cases[0]).toMatchObject({ status: 'error' });
  });

  it('does not let a candidate that forges markers fake a pass', async () => {
    // The candidate reads the program (and so the nonce) and claims every case passed.
    const forger = [
      'import os, re, sys',
      "source = open(sys.modules['__main__'].__file__).read()",
      "found = re.search(r'nscase:([0-9a-f]+):', source)",
      'for case in range(3):',
      "    os.write(2, ('\\x1enscase:' + found.group(1) + ':' + '{\"case\": %d, \"outcome\": \"pass\"}' % case + '\\n').encode())",
      'def similar_elements(a, b):',
      '    return ()',
    ].join('\n');
    const verdict = await verifier.verify(candidate(forger), MBPP_TASK);
    expect(verdict.status).toBe('fail');
    expect(verdict.score).toBeLessThan(1);
    expect(verdict.tests?.passed).toBeLessThan(3);
  });

  it('runs HumanEval tests as given: one result from the exit status', async () => {
    const [record] = readJsonl('data/humaneval/HumanEval.jsonl', 1);
    const task: Task = {
      id: String(record!.task_id),
      language: 'python',
      prompt: String(record!.prompt),
      entryPoint: String(record!.entry_point),
      tests: `${record!.test}\ncheck(${record!.entry_point})\n`,
    };
    const right = await verifier.verify(candidate(`${record!.prompt}${record!.canonical_solution}`), task);
    expect(right).toMatchObject({ status: 'pass', score: 1, tests: { passed: 1, total: 1 } });
    const wrong = await verifier.verify(candidate(`${record!.prompt}    return True\n`), task);
    expect(wrong).toMatchObject({ status: 'fail', score: 0, tests: { passed: 0, total: 1 } });
    expect(wrong.diagnostics.find((diagnostic) => diagnostic.rule === 'exception')?.message).toMatch(
      /^AssertionError \(tests line \d+\)$/,
    );
  });

  it('runs MBPP tasks from the bundled data with their canonical code', async () => {
    for (const record of readJsonl('data/mbpp/sanitized-mbpp-dev.jsonl', 5)) {
      const tests = [...(record.test_imports as string[]), ...(record.test_list as string[])].join('\n');
      const entryPoint = /def (\w+)\(/.exec(String(record.code))?.[1] ?? '';
      const task: Task = {
        id: String(record.task_id),
        language: 'python',
        prompt: String(record.prompt),
        entryPoint,
        tests,
      };
      const verdict = await verifier.verify(candidate(String(record.code)), task);
      expect(verdict.status, `${record.task_id}: ${JSON.stringify(verdict.diagnostics)}`).toBe('pass');
      expect(verdict.tests?.total).toBe((record.test_list as string[]).length);
    }
  });

  it('runs HumanEval-TS and HumanEval-JS tests', async () => {
    const [ts] = readJsonl('data/humaneval-ts/HumanEval_typescript_v1.jsonl', 1);
    const tsTask: Task = {
      id: String(ts!.task_id),
      language: 'typescript',
      prompt: String(ts!.prompt),
      entryPoint: String(ts!.entry_point),
      tests: String(ts!.test),
    };
    // The bundled HumanEval-TS has no canonical solutions: this completion is ours.
    const completion = [
      '  for (let i = 0; i < numbers.length; i++)',
      '    for (let j = i + 1; j < numbers.length; j++)',
      '      if (Math.abs(numbers[i] - numbers[j]) < threshold) return true;',
      '  return false;',
      '}',
      '',
    ].join('\n');
    const tsVerdict = await verifier.verify(candidate(`${ts!.prompt}${completion}`), tsTask);
    expect(tsVerdict.status, JSON.stringify(tsVerdict.diagnostics)).toBe('pass');
    const tsWrong = await verifier.verify(candidate(`${ts!.prompt}  return false;\n};\n`), tsTask);
    expect(tsWrong.status).toBe('fail');
    expect(tsWrong.diagnostics.find((diagnostic) => diagnostic.rule === 'exception')?.message).toContain(
      'AssertionError',
    );

    const [js] = readJsonl('data/humaneval-js/humaneval_js.jsonl', 1);
    const jsTask: Task = {
      id: String(js!.task_id),
      language: 'javascript',
      prompt: String(js!.prompt),
      entryPoint: 'hasCloseElements',
      tests: String(js!.test),
    };
    const jsVerdict = await verifier.verify(candidate(`${js!.prompt}${js!.canonical_solution}`), jsTask);
    expect(jsVerdict.status, JSON.stringify(jsVerdict.diagnostics)).toBe('pass');
  });

  it('rethrows an abort instead of judging the candidate', async () => {
    const error = await verifier
      .verify(candidate('def similar_elements(a, b):\n    return ()'), MBPP_TASK, {
        signal: AbortSignal.abort(),
      })
      .catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('ABORTED');
  });
});
