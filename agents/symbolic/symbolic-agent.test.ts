import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNsgenError, type Task } from '../../src/core/index.js';
import { parseSygus } from '../../src/eval/datasets/sygus.js';
import { evaluate as evaluateDataset, solve } from '../../src/index.js';
import { createSolverPool } from '../../src/smt/index.js';
import { examplesFromTests } from './examples-from-tests.js';
import { evaluate, type Program } from './language.js';
import { SymbolicAgent, type TaskSynthesis } from './symbolic-agent.js';

const int = (name: string) => ({ name, type: 'int' });
const str = (name: string) => ({ name, type: 'str' });

function task(fields: Partial<Task> & Pick<Task, 'id' | 'signature'>): Task {
  return { language: 'python', prompt: fields.id, entryPoint: fields.id, ...fields };
}

async function solved(t: Task, agent = new SymbolicAgent({ budget: { timeMs: 8_000 } })) {
  const result = await agent.synthesizeTask(t);
  expect(result.status, result.status === 'unsolved' ? result.message : '').toBe('solved');
  return result as Extract<TaskSynthesis, { status: 'solved' }>;
}

const run = (program: Program, ...input: (number | string)[]) => evaluate(program, input);

describe('symbolic synthesis from examples', () => {
  it('clamp: conditionals joined from terms that each fit some examples', async () => {
    const result = await solved(
      task({
        id: 'clamp',
        signature: { params: [int('x'), int('lo'), int('hi')], returns: 'int' },
        examples: [
          { input: [5, 0, 3], output: 3 },
          { input: [-1, 0, 3], output: 0 },
          { input: [2, 0, 3], output: 2 },
          { input: [10, 4, 8], output: 8 },
          { input: [1, 4, 8], output: 4 },
          { input: [6, 4, 8], output: 6 },
        ],
      }),
    );
    expect(run(result.program, 7, 1, 9)).toBe(7);
    expect(run(result.program, -7, 1, 9)).toBe(1);
    expect(result.rendering.python).toMatch(/^def clamp\(x: int, lo: int, hi: int\) -> int:/);
    expect(result.rendering.typescript).toMatch(
      /^export function clamp\(x: number, lo: number, hi: number\): number/,
    );
  });

  it('absolute value and max of three', async () => {
    const abs = await solved(
      task({
        id: 'absolute',
        signature: { params: [int('x')], returns: 'int' },
        examples: [
          { input: [3], output: 3 },
          { input: [-4], output: 4 },
          { input: [0], output: 0 },
          { input: [-9], output: 9 },
        ],
      }),
    );
    expect(run(abs.program, -12)).toBe(12);
    const max3 = await solved(
      task({
        id: 'max3',
        signature: { params: [int('a'), int('b'), int('c')], returns: 'int' },
        examples: [
          { input: [1, 2, 3], output: 3 },
          { input: [3, 2, 1], output: 3 },
          { input: [2, 3, 1], output: 3 },
          { input: [5, 5, 1], output: 5 },
          { input: [-1, -5, -2], output: -1 },
          { input: [0, 7, 7], output: 7 },
          { input: [4, 9, 6], output: 9 },
          { input: [8, 1, 6], output: 8 },
        ],
      }),
    );
    expect(run(max3.program, 10, 20, 15)).toBe(20);
  });

  it('string joins and slices, with separators read off the examples', async () => {
    const join = await solved(
      task({
        id: 'full_name',
        signature: { params: [str('first'), str('last')], returns: 'str' },
        examples: [
          { input: ['Ada', 'Lovelace'], output: 'Lovelace, Ada' },
          { input: ['Alan', 'Turing'], output: 'Turing, Alan' },
        ],
      }),
    );
    expect(run(join.program, 'Grace', 'Hopper')).toBe('Hopper, Grace');
    expect(join.rendering.python).toContain('last + ", " + first');
    const prefix = await solved(
      task({
        id: 'first_word',
        signature: { params: [str('text')], returns: 'str' },
        examples: [
          { input: ['hello world'], output: 'hello' },
          { input: ['nsgen synthesizes programs'], output: 'nsgen' },
          { input: ['a b'], output: 'a' },
          { input: ['synthesis from examples'], output: 'synthesis' },
          { input: ['xy z'], output: 'xy' },
        ],
      }),
    );
    expect(run(prefix.program, 'quick brown fox')).toBe('quick');
  });

  it('an affine function from few examples (integer constants solved, not guessed)', async () => {
    const agent = new SymbolicAgent({ budget: { timeMs: 8_000, maxSize: 5 } });
    const line = task({
      id: 'line',
      signature: { params: [int('x')], returns: 'int' },
      examples: [
        { input: [0], output: 117 },
        { input: [1], output: 140 },
        { input: [5], output: 232 },
      ],
    });
    // Without Z3, size 5 is too small to build 23·x + 117 out of ones.
    const result = await agent.synthesizeTask(line);
    expect(result.status).toBe('unsolved');
    if (result.status === 'unsolved') expect(result.message).toContain('unsolved within budget');
    await using solver = createSolverPool({ workers: 1 });
    const withZ3 = await solved(line, new SymbolicAgent({ solver, budget: { timeMs: 8_000, maxSize: 5 } }));
    expect(withZ3.rendering.python).toContain('return 23 * x + 117');
    expect(run(withZ3.program, 10)).toBe(347);
  }, 30_000);
});

describe('symbolic mode from contracts only (CEGIS with the Z3 contract checker)', () => {
  // The whole runtime: the contract checker proves candidates or hands back counterexamples,
  // and the selected program passes the ordinary verifiers.
  const settings = {
    mode: 'symbolic' as const,
    model: 'none',
    verifiers: ['syntax', 'tests', 'contracts'] as const,
  };

  it('absolute value from its postcondition alone', async () => {
    const episode = await solve(
      task({
        id: 'absolute',
        signature: { params: [int('x')], returns: 'int' },
        contract: { post: 'result >= 0 and (result == x or result == -x)' },
      }),
      settings,
    );
    expect(episode.status).toBe('solved');
    const selected = episode.candidates.find((c) => c.candidate.id === episode.selectedId)!;
    expect(selected.verdicts.find((v) => v.verifier === 'contracts')?.contract?.status).toBe('proved');
    expect(selected.candidate.metadata?.evidence).toBe('proved');
  }, 60_000);

  it('clamp from pre and post in TypeScript syntax', async () => {
    const episode = await solve(
      task({
        id: 'clamp',
        language: 'typescript',
        signature: { params: [int('x'), int('lo'), int('hi')], returns: 'int' },
        contract: {
          pre: 'lo <= hi',
          post: 'lo <= result && result <= hi && (x < lo || x > hi || result === x) && (x >= lo || result === lo) && (x <= hi || result === hi)',
        },
      }),
      settings,
    );
    expect(episode.status).toBe('solved');
    const selected = episode.candidates.find((c) => c.candidate.id === episode.selectedId)!;
    expect(selected.candidate.code).toMatch(
      /^export function clamp\(x: number, lo: number, hi: number\): number/,
    );
    expect(selected.verdicts.find((v) => v.verifier === 'contracts')?.contract?.status).toBe('proved');
  }, 60_000);

  it('tasks with examples go through the sandboxed tests', async () => {
    const episode = await solve(
      task({
        id: 'greet',
        signature: { params: [str('name')], returns: 'str' },
        examples: [
          { input: ['Ada'], output: 'Hello, Ada!' },
          { input: ['Alan'], output: 'Hello, Alan!' },
        ],
        tests: 'assert greet("Grace") == "Hello, Grace!"\n',
      }),
      settings,
    );
    expect(episode.status).toBe('solved');
    expect(episode.candidates[0]!.verdicts.find((v) => v.verifier === 'tests')?.status).toBe('pass');
  }, 60_000);
});

describe('bad input gives a clear result', () => {
  it('contradictory examples', async () => {
    const agent = new SymbolicAgent();
    const error = await agent
      .synthesizeTask(
        task({
          id: 'f',
          signature: { params: [int('x')], returns: 'int' },
          examples: [
            { input: [1], output: 2 },
            { input: [1], output: 3 },
          ],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(isNsgenError(error) && error.code).toBe('INVALID_TASK');
    expect((error as Error).message).toContain('contradictory examples');
  });

  it('types outside the language, and tasks with nothing to synthesize from', async () => {
    const agent = new SymbolicAgent();
    const dict = await agent
      .synthesizeTask(
        task({
          id: 'f',
          signature: { params: [{ name: 'd', type: 'dict[str, int]' }], returns: 'int' },
          examples: [],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(isNsgenError(dict) && dict.code).toBe('UNSUPPORTED');
    const empty = await agent
      .synthesizeTask(task({ id: 'f', signature: { params: [int('x')], returns: 'int' } }))
      .catch((caught: unknown) => caught);
    expect(isNsgenError(empty) && empty.code).toBe('INVALID_TASK');
  });

  it('an impossible specification ends unsolved within the budget', async () => {
    const agent = new SymbolicAgent({ budget: { timeMs: 300 } });
    const result = await agent.synthesizeTask(
      task({
        id: 'f',
        signature: { params: [int('x')], returns: 'int' },
        contract: { post: 'result > x and result < x' },
      }),
    );
    expect(result.status).toBe('unsolved');
  });
});

describe('evaluation on SyGuS files', () => {
  it('reports the program found as a define-fun beside its Python and TypeScript renderings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsgen-sygus-eval-'));
    const file = join(dir, 'initial.sl');
    writeFileSync(
      file,
      `(set-logic SLIA)
(synth-fun f ((firstname String) (lastname String)) String
  ((Start String (ntString))
   (ntString String (firstname lastname " " "." (str.++ ntString ntString) (str.at ntString ntInt)))
   (ntInt Int (0 1))))
(declare-var firstname String)
(declare-var lastname String)
(constraint (= (f "Nancy" "FreeHafer") "Nancy F."))
(constraint (= (f "Andrew" "Cencici") "Andrew C."))
(check-synth)
`,
    );
    const { report } = await evaluateDataset({
      dataset: 'sygus',
      dataFile: file,
      mode: 'symbolic',
      verifiers: ['syntax', 'tests'],
    });
    expect(report.solved).toBe(1);
    const entry = report.perTask[0]!;
    expect(entry.program).toBe(
      '(define-fun f ((firstname String) (lastname String)) String (str.++ (str.++ (str.++ firstname " ") (str.at lastname 0)) "."))',
    );
    expect(entry.renderings?.python).toContain('return firstname + " " + _char_at(lastname, 0) + "."');
    expect(entry.renderings?.typescript).toContain('return firstname + " " + charAt(lastname, 0) + ".";');
  }, 60_000);
});

describe('SyGuS grammars restrict the answer', () => {
  const problem = (output: string) =>
    parseSygus(
      `(set-logic SLIA)
(synth-fun f ((name String)) String ((Start String ((str.++ name Tail))) (Tail String ("!" "?"))))
(declare-var name String)
(constraint (= (f "a") "${output}"))
(constraint (= (f "bc") "bc${output.slice(-1) === '!' ? '!' : ''}"))
(check-synth)`,
      'tail.sl',
      'tail',
    );

  it('accepts a program the grammar derives and refuses one it does not', async () => {
    const agent = new SymbolicAgent({ budget: { timeMs: 2_000 } });
    const inside = await agent.synthesizeTask(problem('a!'));
    expect(inside.status === 'solved' && inside.rendering.sygus).toBe(
      '(define-fun f ((name String)) String (str.++ name "!"))',
    );
    // Merging the two String nonterminals admits "!" ++ name; the grammar does not.
    const outside = await agent.synthesizeTask(
      parseSygus(
        `(set-logic SLIA)
(synth-fun f ((name String)) String ((Start String ((str.++ name Tail))) (Tail String ("!" "?"))))
(declare-var name String)
(constraint (= (f "a") "!a"))
(check-synth)`,
        'head.sl',
        'head',
      ),
    );
    expect(outside.status).toBe('unsolved');
    if (outside.status === 'unsolved') expect(outside.message).toContain("outside the problem's grammar");
  });
});

describe('examples read off the tests', () => {
  it('takes literal asserts in Python and TypeScript forms, and leaves other lines alone', () => {
    const python = examplesFromTests(
      task({
        id: 'f',
        signature: { params: [int('x'), str('s')], returns: 'str' },
        tests:
          'assert f(1, "a") == "a1"\nassert f(-2, \'b\') == \'\'\nassert len(f(1, "a")) == 2\nfor x in range(3): pass',
      }),
    );
    expect(python).toEqual([
      { input: [1, 'a'], output: 'a1' },
      { input: [-2, 'b'], output: '' },
    ]);
    const typescript = examplesFromTests(
      task({
        id: 'g',
        language: 'typescript',
        signature: { params: [{ name: 'xs', type: 'list[int]' }], returns: 'int' },
        tests: 'assert.strictEqual(g([1, 2]), 3);\nconsole.assert(g([]) === 0);\nassert.ok(g([1]) > 0);',
      }),
    );
    expect(typescript).toEqual([
      { input: [[1, 2]], output: 3 },
      { input: [[]], output: 0 },
    ]);
  });

  it('a contract too weak alone is completed by the test cases (clamp)', async () => {
    const episode = await solve(
      task({
        id: 'clamp',
        signature: { params: [int('x'), int('lo'), int('hi')], returns: 'int' },
        tests: 'assert clamp(5, 0, 3) == 3\nassert clamp(-1, 0, 3) == 0\nassert clamp(2, 0, 3) == 2\n',
        contract: { pre: 'lo <= hi', post: 'lo <= result <= hi and (result == x or x < lo or x > hi)' },
      }),
      { mode: 'symbolic', model: 'none', verifiers: ['syntax', 'tests', 'contracts'] },
    );
    expect(episode.status).toBe('solved');
  }, 60_000);
});

describe('JavaScript tasks', () => {
  it('get the TypeScript rendering without annotations, runnable as plain JavaScript', async () => {
    const agent = new SymbolicAgent({ budget: { timeMs: 5_000 } });
    const [candidate] = await agent.propose({
      task: task({
        id: 'initial',
        language: 'javascript',
        signature: { params: [str('name')], returns: 'str' },
        examples: [
          { input: ['Ada Lovelace'], output: 'L' },
          { input: ['Alan Turing'], output: 'T' },
          { input: ['Grace Hopper'], output: 'H' },
        ],
      }),
      mode: 'symbolic',
      round: 0,
    });
    expect(candidate!.code).not.toMatch(/: (string|number)|export /);
    const initial = new Function(`${candidate!.code}\nreturn initial;`)() as (name: string) => string;
    expect(initial('Barbara Liskov')).toBe('L');
  });
});
