/**
 * Integer constants by solving rather than guessing: an affine template
 * `c0 + c1·x1 + … + cn·xn` over the integer parameters, its coefficients found by Z3 from
 * the examples. Enumeration only reaches the constants it was given (0, 1 and what the
 * examples show); `3·x + 7` it would need to build from ones.
 */
import type { CallOptions } from '../../src/core/index.js';
import { parseModelInt, type SolverPool } from '../../src/smt/index.js';
import type { Program } from './language.js';
import type { Point, SearchSpace } from './search-space.js';

/** Coefficients are kept small so the program stays readable and the query easy. */
const COEFFICIENT_BOUND = 10_000;

export async function solveAffine(
  space: SearchSpace,
  points: readonly Point[],
  solver: SolverPool,
  options: CallOptions & { timeoutMs: number },
): Promise<Program | undefined> {
  if (space.returns !== 'Int') return undefined;
  const ints = space.params.flatMap((param, index) => (param.sort === 'Int' ? [index] : []));
  const examples = points.filter((point) => typeof point.expected === 'number');
  if (examples.length === 0 || examples.length !== points.length) return undefined;
  const coefficients = ['c0', ...ints.map((index) => `c${index + 1}`)];
  const lines = coefficients.map((name) => `(declare-const ${name} Int)`);
  for (const name of coefficients)
    lines.push(`(assert (<= (- ${COEFFICIENT_BOUND}) ${name} ${COEFFICIENT_BOUND}))`);
  const literal = (value: number) => (value < 0 ? `(- ${-value})` : String(value));
  for (const point of examples) {
    const terms = ints.map((index) => `(* c${index + 1} ${literal(point.input[index] as number)})`);
    lines.push(`(assert (= (+ c0 ${terms.join(' ')}) ${literal(point.expected as number)}))`);
  }
  const answer = await solver.check(
    {
      script: lines.join('\n'),
      logic: 'QF_LIA',
      timeoutMs: options.timeoutMs,
      read: coefficients.map((name) => ({ name, sort: 'Int' as const })),
    },
    options,
  );
  if (answer.status !== 'sat' || !answer.model) return undefined;
  const value = (name: string) => Number(parseModelInt(answer.model![name] ?? '0'));
  let program: Program | undefined;
  const add = (term: Program) => {
    program = program ? { kind: 'call', op: '+', args: [program, term], sort: 'Int' } : term;
  };
  ints.forEach((index) => {
    const coefficient = value(`c${index + 1}`);
    if (coefficient === 0) return;
    const param = space.params[index]!;
    const variable: Program = { kind: 'var', index, name: param.name, sort: 'Int' };
    add(
      coefficient === 1
        ? variable
        : {
            kind: 'call',
            op: '*',
            args: [{ kind: 'const', value: coefficient, sort: 'Int' }, variable],
            sort: 'Int',
          },
    );
  });
  const offset = value('c0');
  if (offset !== 0 || !program) add({ kind: 'const', value: offset, sort: 'Int' });
  return program;
}
