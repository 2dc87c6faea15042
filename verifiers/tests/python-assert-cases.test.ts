/**
 * The rewrite must not change what the tests mean: for right and wrong programs alike, the
 * rewritten tests end exactly as the original ones (status, exit code, stdout, exception).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessSandbox, type ProcessSandbox } from '../../sandbox/process/index.js';
import type { ExecResult } from '../../src/core/index.js';
import { instrumentPythonAsserts, markerPrefix } from './python-assert-cases.js';

const NONCE = 'f00d';

const TESTS = [
  'import math',
  'LIMIT = 10',
  'assert sort_desc([3, 1, 2]) == [3, 2, 1]',
  'assert sort_desc([5,',
  '                  4]) == [5, 4], "two items"',
  'assert sort_desc([]) == []  # empty',
  'assert len(sort_desc([1] * LIMIT)) == LIMIT',
  'assert not sort_desc([])',
  'assert math.isclose(sum(sort_desc([0.1, 0.2])), 0.3)',
].join('\n');

const CANDIDATES: Record<string, string> = {
  correct: 'def sort_desc(xs):\n    return sorted(xs, reverse=True)',
  'wrong at the second case': 'def sort_desc(xs):\n    return sorted(xs, reverse=len(xs) != 2)',
  'raises at the first case': 'def sort_desc(xs):\n    return xs[10]',
  'prints, then is wrong': 'def sort_desc(xs):\n    print("called with", xs)\n    return xs',
  'mutates its input': 'def sort_desc(xs):\n    xs.sort()\n    return xs',
  'equal to everything':
    'class Any:\n    def __eq__(self, other):\n        return True\ndef sort_desc(xs):\n    return Any()',
  'comparison raises':
    'class Bad:\n    def __eq__(self, other):\n        raise RuntimeError("no compare")\ndef sort_desc(xs):\n    return Bad()',
  'hostile repr':
    'class Loop:\n    def __eq__(self, other):\n        return False\n    def __repr__(self):\n        while True:\n            pass\ndef sort_desc(xs):\n    return Loop()',
  'exits 0 midway':
    'import sys\ndef sort_desc(xs):\n    if len(xs) == 2:\n        sys.exit(0)\n    return sorted(xs, reverse=True)',
  'exits 3 midway':
    'import os\ndef sort_desc(xs):\n    if not xs:\n        os._exit(3)\n    return sorted(xs, reverse=True)',
  'syntax error': 'def sort_desc(xs)\n    return xs',
};

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

function withoutMarkers(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.includes(markerPrefix(NONCE)))
    .join('\n');
}

describe('instrumentPythonAsserts', () => {
  let sandbox: ProcessSandbox;
  beforeAll(() => {
    sandbox = createProcessSandbox({ poolSize: 2 });
  });
  afterAll(() => sandbox.close());

  it('finds every top-level assert with its text and line', async () => {
    const instrumented = await instrumentPythonAsserts(TESTS, { entryPoint: 'sort_desc', nonce: NONCE });
    expect(instrumented?.cases.map((testCase) => [testCase.line, testCase.reportsValues])).toEqual([
      [3, true],
      [4, true],
      [6, true],
      [7, false],
      [8, false],
      [9, false],
    ]);
    expect(instrumented?.cases[1]?.text).toBe(
      'assert sort_desc([5,\n                  4]) == [5, 4], "two items"',
    );
  });

  it('leaves tests of other shapes alone', async () => {
    const humanEval = 'def check(candidate):\n    assert candidate(1) == 2\n\ncheck(f)\n';
    expect(await instrumentPythonAsserts(humanEval, { entryPoint: 'f', nonce: NONCE })).toBeUndefined();
    const mixed = 'assert f(1) == 2\nprint("between")\nassert f(2) == 3\n';
    expect(await instrumentPythonAsserts(mixed, { entryPoint: 'f', nonce: NONCE })).toBeUndefined();
    expect(
      await instrumentPythonAsserts('assert f(1) ==', { entryPoint: 'f', nonce: NONCE }),
    ).toBeUndefined();
  });

  describe('keeps the official semantics on right and wrong programs', async () => {
    const instrumented = await instrumentPythonAsserts(TESTS, { entryPoint: 'sort_desc', nonce: NONCE });
    for (const [name, candidate] of Object.entries(CANDIDATES)) {
      it(name, async () => {
        const run = (tests: string): Promise<ExecResult> =>
          sandbox.exec({ language: 'python', code: `${candidate}\n${tests}`, timeoutMs: 5_000 });
        const [original, rewritten] = await Promise.all([run(TESTS), run(instrumented!.code)]);
        expect(rewritten.status).toBe(original.status);
        expect(rewritten.exitCode).toBe(original.exitCode);
        expect(rewritten.stdout).toBe(original.stdout);
        expect(lastLine(withoutMarkers(rewritten.stderr))).toBe(lastLine(original.stderr));
      });
    }
  });
});
