import { afterAll, describe, expect, it } from 'vitest';
import { parse, type Tree } from '../ast/parser.js';
import type { Signature } from '../core/index.js';
import { type ContractClause, decodeInputs, encodeContractProblem } from './contract-problem.js';
import { createSolverPool } from './solver-pool.js';
import { ContractProblem, UnsupportedConstruct } from './symbolic/values.js';

const pool = createSolverPool({ workers: 1, timeoutMs: 5_000 });
const trees: Tree[] = [];
afterAll(async () => {
  for (const tree of trees) tree.delete();
  await pool.close();
});

type Lang = 'python' | 'typescript';

async function clause(text: string, language: Lang): Promise<ContractClause> {
  const tree = await parse(language === 'python' ? text : `(${text});`, language);
  trees.push(tree);
  const statement = tree.rootNode.namedChildren[0]!;
  const expression = statement.namedChildren[0]!;
  const node = language === 'python' ? expression : expression.namedChildren[0]!;
  return { text, node, origin: 'task' };
}

async function encode(options: {
  language: Lang;
  code: string;
  entry: string;
  pre?: string;
  post: string;
  signature?: Signature;
}) {
  const tree = await parse(options.code, options.language);
  trees.push(tree);
  return encodeContractProblem({
    language: options.language,
    program: tree.rootNode,
    entryPoint: options.entry,
    ...(options.signature ? { signature: options.signature } : {}),
    pre: options.pre ? [await clause(options.pre, options.language)] : [],
    post: [await clause(options.post, options.language)],
  });
}

async function solve(options: Parameters<typeof encode>[0]) {
  const problem = await encode(options);
  const answer = await pool.check({ script: problem.violation, read: problem.read });
  const completeness = problem.completeness ? await pool.check({ script: problem.completeness }) : undefined;
  return {
    problem,
    status: answer.status,
    input: answer.model ? decodeInputs(answer.model, problem.inputs) : undefined,
    violated: problem.checks
      .filter((check) => answer.model?.[check.constant] === 'false')
      .map((check) => check.violates),
    complete: completeness ? completeness.status === 'unsat' : true,
  };
}

describe('Python semantics', () => {
  it('floors // and % on negative numbers like Python', async () => {
    const code = 'def f(a: int, b: int) -> int:\n    return a // b * 100 + a % b\n';
    for (const [a, b, expected] of [
      [-7, 2, -4 * 100 + 1],
      [7, -2, -4 * 100 - 1],
      [-7, -2, 3 * 100 - 1],
      [7, 2, 3 * 100 + 1],
    ]) {
      const outcome = await solve({
        language: 'python',
        code,
        entry: 'f',
        pre: `a == ${a} and b == ${b}`,
        post: `result == ${expected}`,
      });
      expect(outcome.status, `${a} // ${b}`).toBe('unsat');
    }
  });

  it('finds the input that breaks a postcondition and names the clause', async () => {
    const outcome = await solve({
      language: 'python',
      code: 'def f(x: int) -> int:\n    if x > 10:\n        return x - 1\n    return x\n',
      entry: 'f',
      post: 'result == x',
    });
    expect(outcome.status).toBe('sat');
    expect(Number(outcome.input?.x)).toBeGreaterThan(10);
    expect(outcome.violated).toEqual(['post: result == x']);
  });

  it('reports an index out of range as a safety violation', async () => {
    const outcome = await solve({
      language: 'python',
      code: 'def first(xs: list[int]) -> int:\n    return xs[0]\n',
      entry: 'first',
      post: 'True',
    });
    expect(outcome.status).toBe('sat');
    expect(outcome.input?.xs).toEqual([]);
    expect(outcome.violated[0]).toMatch(/^IndexError/);
  });

  it('proves a loop over a list completely when the precondition bounds its length', async () => {
    const code =
      'def total(xs: list[int]) -> int:\n    s = 0\n    for x in xs:\n        s += x\n    return s\n';
    const bounded = await solve({
      language: 'python',
      code,
      entry: 'total',
      pre: 'len(xs) <= 3',
      post: 'result == sum(xs)',
    });
    expect(bounded.status).toBe('unsat');
    expect(bounded.complete).toBe(true);
    const open = await solve({ language: 'python', code, entry: 'total', post: 'result == sum(xs)' });
    expect(open.status).toBe('unsat');
    expect(open.complete).toBe(false);
  });

  it('takes loop and list bounds from the precondition', async () => {
    const code =
      'def total(xs: list[int]) -> int:\n    s = 0\n    for x in xs:\n        s += x\n    return s\n';
    const outcome = await solve({
      language: 'python',
      code,
      entry: 'total',
      pre: 'len(xs) <= 8',
      post: 'result == sum(xs)',
    });
    expect(outcome.status).toBe('unsat');
    expect(outcome.complete).toBe(true);
    expect(outcome.problem.inputs[0]!.constants).toHaveLength(1 + 8);
  });

  it('flags a variable read on a path where it was never assigned', async () => {
    const outcome = await solve({
      language: 'python',
      code: 'def f(x: int) -> int:\n    if x > 0:\n        y = 1\n    return y\n',
      entry: 'f',
      post: 'result == 1',
    });
    expect(outcome.status).toBe('sat');
    expect(Number(outcome.input?.x)).toBeLessThanOrEqual(0);
    expect(outcome.violated).toContain('"y" is read before any assignment on some path (line 4)');
  });

  it('does not model comparisons between booleans and numbers', async () => {
    await expect(
      encode({
        language: 'python',
        code: 'def f(x: int) -> bool:\n    return x > 0\n',
        entry: 'f',
        post: 'result == 1',
      }),
    ).rejects.toThrow(/comparison.*between bool and int/);
  });

  it('reads module-level constants', async () => {
    const code =
      'LIMIT = 10\nSMALL = [1, 2]\n\ndef cap(x: int) -> int:\n    return min(x, LIMIT + len(SMALL))\n';
    const outcome = await solve({ language: 'python', code, entry: 'cap', post: 'result <= 12' });
    expect(outcome.status).toBe('unsat');
  });

  it('inlines helpers and follows elif chains, while loops and early returns', async () => {
    const code = [
      'def step(n: int) -> int:',
      '    return n - 1',
      '',
      'def classify(n: int) -> int:',
      '    if n < 0:',
      '        return -1',
      '    elif n == 0:',
      '        return 0',
      '    k = n',
      '    while k > 0:',
      '        k = step(k)',
      '    return 1 + k',
    ].join('\n');
    const outcome = await solve({
      language: 'python',
      code,
      entry: 'classify',
      pre: 'n <= 5',
      post: '(result > 0) == (n > 0)',
    });
    expect(outcome.status).toBe('unsat');
  });

  it('handles strings: slicing, membership, startswith, concatenation', async () => {
    const outcome = await solve({
      language: 'python',
      code: 'def f(s: str, t: str) -> str:\n    return s[:2] + t\n',
      entry: 'f',
      post: 'result.startswith(s[:2]) and t in result and len(result) == min(len(s), 2) + len(t)',
    });
    expect(outcome.status).toBe('unsat');
  });

  it('names an unsupported construct and its line', async () => {
    await expect(
      encode({
        language: 'python',
        code: 'def f(s: str) -> str:\n    return s.upper()\n',
        entry: 'f',
        post: 'len(result) == len(s)',
      }),
    ).rejects.toThrow(/str\.upper\(\).*case conversion.*line 2/);
    await expect(
      encode({
        language: 'python',
        code: 'def f(x: int) -> int:\n    try:\n        return x\n    except Exception:\n        return 0\n',
        entry: 'f',
        post: 'True',
      }),
    ).rejects.toBeInstanceOf(UnsupportedConstruct);
  });

  it('rejects contracts that name unknown variables or are not boolean', async () => {
    const code = 'def f(x: int) -> int:\n    return x\n';
    await expect(encode({ language: 'python', code, entry: 'f', post: 'result == y' })).rejects.toThrow(
      /unknown variable.*"y"/,
    );
    await expect(encode({ language: 'python', code, entry: 'f', post: 'result + 1' })).rejects.toBeInstanceOf(
      ContractProblem,
    );
  });
});

describe('TypeScript semantics', () => {
  const ints: Signature = {
    params: [
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int' },
    ],
    returns: 'int',
  };

  it('gives % the sign of the dividend and Math.floor of a quotient floors', async () => {
    const code = 'function f(a: number, b: number): number { return (a % b) * 100 + Math.floor(a / b); }';
    for (const [a, b, expected] of [
      [-7, 2, -100 - 4],
      [7, -2, 100 - 4],
      [-7, -2, -100 + 3],
    ]) {
      const outcome = await solve({
        language: 'typescript',
        code,
        entry: 'f',
        signature: ints,
        pre: `a === ${a} && b === ${b}`,
        post: `result === ${expected}`,
      });
      expect(outcome.status, `${a} % ${b}`).toBe('unsat');
    }
  });

  it('treats numbers as reals unless the signature says int', async () => {
    const code = 'function half(a: number, b: number): number { return a / 2; }';
    const real = await solve({ language: 'typescript', code, entry: 'half', post: 'result * 2 === a' });
    expect(real.status).toBe('unsat');
    expect(real.problem.inputs[0]!.shape).toEqual({ kind: 'real' });
  });

  it('reads module-level constants', async () => {
    const code =
      'const LIMIT = 10;\nexport function cap(x: number): number {\n  return Math.min(x, LIMIT);\n}';
    const outcome = await solve({
      language: 'typescript',
      code,
      entry: 'cap',
      signature: { params: [{ name: 'x', type: 'int' }], returns: 'int' },
      post: 'result <= 10',
    });
    expect(outcome.status).toBe('unsat');
  });

  it('scopes let and const to their block', async () => {
    const code = [
      'function f(c: boolean): number {',
      '  let x = 0;',
      '  if (c) {',
      '    let x = 5;',
      '    x = x + 1;',
      '  }',
      '  for (let i = 0; i < 2; i++) {',
      '    const x = i;',
      '  }',
      '  return x;',
      '}',
    ].join('\n');
    const outcome = await solve({
      language: 'typescript',
      code,
      entry: 'f',
      signature: { params: [{ name: 'c', type: 'bool' }], returns: 'int' },
      post: 'result === 0',
    });
    expect(outcome.status).toBe('unsat');
  });

  it('refuses a callback that assigns a variable outside it', async () => {
    const code =
      'function f(xs: number[]): number {\n  let n = 0;\n  xs.map((x) => { n = n + 1; return x; });\n  return n;\n}';
    await expect(
      encode({
        language: 'typescript',
        code,
        entry: 'f',
        signature: { params: [{ name: 'xs', type: 'list[int]' }], returns: 'int' },
        post: 'result === xs.length',
      }),
    ).rejects.toThrow(/assignment to an outer variable from a callback/);
  });

  it('follows for loops with continue, arrays and higher-order methods', async () => {
    const code = [
      'function positives(xs: number[]): number[] {',
      '  const out: number[] = [];',
      '  for (let i = 0; i < xs.length; i++) {',
      '    if (xs[i] <= 0) continue;',
      '    out.push(xs[i]);',
      '  }',
      '  return out;',
      '}',
    ].join('\n');
    const outcome = await solve({
      language: 'typescript',
      code,
      entry: 'positives',
      signature: { params: [{ name: 'xs', type: 'list[int]' }], returns: 'list[int]' },
      post: 'result.every((x) => x > 0) && result.length === xs.filter((x) => x > 0).length',
    });
    expect(outcome.status).toBe('unsat');
  });
});
