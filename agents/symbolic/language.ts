/**
 * The synthesizer's expression language: typed terms over integers, strings, booleans and
 * integer lists. Semantics follow SMT-LIB 2.6 (the theory of strings and linear integer
 * arithmetic), so a program found here means the same thing as its SyGuS `define-fun`
 * and as its Python and TypeScript renderings, whose helpers reproduce the same edge cases.
 */

/** A sort of the language. */
export type Sort = 'Int' | 'String' | 'Bool' | 'IntList';
export const SORTS: readonly Sort[] = ['Int', 'String', 'Bool', 'IntList'];

export type Value = number | string | boolean | readonly number[];

export type Program =
  | { kind: 'var'; index: number; name: string; sort: Sort }
  | { kind: 'const'; value: Value; sort: Sort }
  | { kind: 'call'; op: string; args: Program[]; sort: Sort };

export interface Operator {
  /** The SMT-LIB / SyGuS name (`str.++`, `+`, `ite`); list operations use `list.*`. */
  name: string;
  args: readonly Sort[];
  result: Sort;
  /** Throws `Undefined` where the operation has no value (never in SMT-LIB's total theories). */
  apply(args: readonly Value[]): Value;
  /** Arguments may be swapped without changing the value (halves the enumeration). */
  commutative?: boolean;
}

/** Raised by operations that have no value on their arguments (list index out of range). */
export class Undefined extends Error {}

const int = (value: Value | undefined): number => value as number;
const str = (value: Value | undefined): string => value as string;
const bool = (value: Value | undefined): boolean => value as boolean;
const list = (value: Value | undefined): readonly number[] => value as readonly number[];

export function substring(s: string, start: number, length: number): string {
  if (start < 0 || length <= 0 || start >= s.length) return '';
  return s.slice(start, start + length);
}

export function indexOf(s: string, t: string, start: number): number {
  if (start < 0 || start > s.length) return -1;
  return s.indexOf(t, start);
}

export function replaceFirst(s: string, t: string, u: string): string {
  if (t === '') return u + s;
  const at = s.indexOf(t);
  return at < 0 ? s : s.slice(0, at) + u + s.slice(at + t.length);
}

export function toInt(s: string): number {
  return /^[0-9]+$/.test(s) ? Number(s) : -1;
}

function op(
  name: string,
  args: readonly Sort[],
  result: Sort,
  apply: (args: readonly Value[]) => Value,
  commutative = false,
): Operator {
  return { name, args, result, apply, ...(commutative ? { commutative } : {}) };
}

/** Every operation, keyed by `name/arg sorts` (the same name may exist at several sorts). */
const OPERATOR_LIST: Operator[] = [
  op('+', ['Int', 'Int'], 'Int', (v) => int(v[0]) + int(v[1]), true),
  op('-', ['Int', 'Int'], 'Int', (v) => int(v[0]) - int(v[1])),
  op('*', ['Int', 'Int'], 'Int', (v) => int(v[0]) * int(v[1]), true),
  op('str.len', ['String'], 'Int', (v) => str(v[0]).length),
  op('str.to.int', ['String'], 'Int', (v) => toInt(str(v[0]))),
  op('str.indexof', ['String', 'String', 'Int'], 'Int', (v) => indexOf(str(v[0]), str(v[1]), int(v[2]))),
  op('str.++', ['String', 'String'], 'String', (v) => str(v[0]) + str(v[1])),
  op('str.replace', ['String', 'String', 'String'], 'String', (v) =>
    replaceFirst(str(v[0]), str(v[1]), str(v[2])),
  ),
  op('str.at', ['String', 'Int'], 'String', (v) => substring(str(v[0]), int(v[1]), 1)),
  op('int.to.str', ['Int'], 'String', (v) => (int(v[0]) >= 0 ? String(int(v[0])) : '')),
  op('str.substr', ['String', 'Int', 'Int'], 'String', (v) => substring(str(v[0]), int(v[1]), int(v[2]))),
  op('str.to_lower', ['String'], 'String', (v) => str(v[0]).toLowerCase()),
  op('str.to_upper', ['String'], 'String', (v) => str(v[0]).toUpperCase()),
  op('str.prefixof', ['String', 'String'], 'Bool', (v) => str(v[1]).startsWith(str(v[0]))),
  op('str.suffixof', ['String', 'String'], 'Bool', (v) => str(v[1]).endsWith(str(v[0]))),
  op('str.contains', ['String', 'String'], 'Bool', (v) => str(v[0]).includes(str(v[1]))),
  op('=', ['Int', 'Int'], 'Bool', (v) => v[0] === v[1], true),
  op('=', ['String', 'String'], 'Bool', (v) => v[0] === v[1], true),
  op('<', ['Int', 'Int'], 'Bool', (v) => int(v[0]) < int(v[1])),
  op('<=', ['Int', 'Int'], 'Bool', (v) => int(v[0]) <= int(v[1])),
  op('>', ['Int', 'Int'], 'Bool', (v) => int(v[0]) > int(v[1])),
  op('>=', ['Int', 'Int'], 'Bool', (v) => int(v[0]) >= int(v[1])),
  op('and', ['Bool', 'Bool'], 'Bool', (v) => bool(v[0]) && bool(v[1]), true),
  op('or', ['Bool', 'Bool'], 'Bool', (v) => bool(v[0]) || bool(v[1]), true),
  op('not', ['Bool'], 'Bool', (v) => !bool(v[0])),
  op('ite', ['Bool', 'Int', 'Int'], 'Int', (v) => (bool(v[0]) ? v[1]! : v[2]!)),
  op('ite', ['Bool', 'String', 'String'], 'String', (v) => (bool(v[0]) ? v[1]! : v[2]!)),
  op('ite', ['Bool', 'Bool', 'Bool'], 'Bool', (v) => (bool(v[0]) ? v[1]! : v[2]!)),
  op('ite', ['Bool', 'IntList', 'IntList'], 'IntList', (v) => (bool(v[0]) ? v[1]! : v[2]!)),
  op('list.len', ['IntList'], 'Int', (v) => list(v[0]).length),
  op('list.sum', ['IntList'], 'Int', (v) => list(v[0]).reduce((total, x) => total + x, 0)),
  op('list.at', ['IntList', 'Int'], 'Int', (v) => {
    const items = list(v[0]);
    const index = int(v[1]);
    if (index < 0 || index >= items.length) throw new Undefined('index out of range');
    return items[index]!;
  }),
  op('list.max', ['IntList'], 'Int', (v) => {
    if (list(v[0]).length === 0) throw new Undefined('max of an empty list');
    return Math.max(...list(v[0]));
  }),
  op('list.min', ['IntList'], 'Int', (v) => {
    if (list(v[0]).length === 0) throw new Undefined('min of an empty list');
    return Math.min(...list(v[0]));
  }),
  op('list.reverse', ['IntList'], 'IntList', (v) => [...list(v[0])].reverse()),
  op('list.sort', ['IntList'], 'IntList', (v) => [...list(v[0])].sort((a, b) => a - b)),
];

export const OPERATORS: ReadonlyMap<string, Operator> = new Map(
  OPERATOR_LIST.map((operator) => [operatorKey(operator.name, operator.args), operator]),
);

/** SyGuS v2 spellings of v1 names. */
export const OPERATOR_ALIASES: Readonly<Record<string, string>> = {
  'str.to_int': 'str.to.int',
  'str.from_int': 'int.to.str',
  'str.to-int': 'str.to.int',
  'int.to_str': 'int.to.str',
};

export function operatorKey(name: string, args: readonly Sort[]): string {
  return `${name}/${args.join(',')}`;
}

/** The operators with this name, at every sort they exist for. */
export function operatorsNamed(name: string): Operator[] {
  const canonical = OPERATOR_ALIASES[name] ?? name;
  return OPERATOR_LIST.filter((operator) => operator.name === canonical);
}

export function evaluate(program: Program, inputs: readonly Value[]): Value {
  switch (program.kind) {
    case 'var':
      return inputs[program.index]!;
    case 'const':
      return program.value;
    case 'call': {
      if (program.op === 'ite') {
        return evaluate(program.args[0]!, inputs)
          ? evaluate(program.args[1]!, inputs)
          : evaluate(program.args[2]!, inputs);
      }
      const operator = OPERATORS.get(
        operatorKey(
          program.op,
          program.args.map((arg) => arg.sort),
        ),
      );
      if (!operator) throw new Error(`unknown operation ${program.op}`);
      return operator.apply(program.args.map((arg) => evaluate(arg, inputs)));
    }
  }
}

export function programSize(program: Program): number {
  return program.kind === 'call' ? 1 + program.args.reduce((total, arg) => total + programSize(arg), 0) : 1;
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** Operators a program uses (for rendering helpers). */
export function operatorsUsed(program: Program, into = new Set<string>()): Set<string> {
  if (program.kind === 'call') {
    into.add(program.op);
    for (const arg of program.args) operatorsUsed(arg, into);
  }
  return into;
}
