/**
 * The search space of a task: its signature gives the sorts, a SyGuS grammar (in
 * `metadata.sygus`) gives the operations and constants it allows, otherwise every
 * operation over the sorts in play, with constants read off the examples.
 */
import { NsgenError, type Task } from '../../src/core/index.js';
import { OPERATORS, type Operator, operatorKey, operatorsNamed, type Sort, type Value } from './language.js';
import type { SearchSpace } from './search-space.js';

/** The shape of `metadata.sygus` (written by the SyGuS loader of `src/eval`). */
export interface SygusMetadata {
  logic: string;
  function: { name: string; params: { name: string; sort: string }[]; returns: string };
  grammar?: { name: string; sort: string; productions: SExpr[] }[];
}
type SExpr = string | SExpr[];

const TYPE_SORTS: Record<string, Sort> = {
  int: 'Int',
  str: 'String',
  bool: 'Bool',
  'list[int]': 'IntList',
  number: 'Int',
  string: 'String',
  boolean: 'Bool',
  'number[]': 'IntList',
  Int: 'Int',
  String: 'String',
  Bool: 'Bool',
};

export function sortOf(type: string, where: string): Sort {
  const sort = TYPE_SORTS[type.replace(/\s+/g, '')];
  if (!sort) {
    throw new NsgenError(
      'UNSUPPORTED',
      `the type ${type} is outside the synthesizer's language (int, str, bool, list[int])`,
      { where },
    );
  }
  return sort;
}

export function sygusOf(task: Task): SygusMetadata | undefined {
  const sygus = task.metadata?.sygus;
  return typeof sygus === 'object' && sygus !== null ? (sygus as SygusMetadata) : undefined;
}

export interface TaskSpace {
  space: SearchSpace;
  /** SyGuS spelling of the function and parameters, for the `define-fun`. */
  sygusName: string;
  sygusParams: string[];
}

export function searchSpaceOf(task: Task): TaskSpace {
  const sygus = sygusOf(task);
  if (!task.signature) {
    throw new NsgenError(
      'INVALID_TASK',
      'symbolic mode needs the task signature (parameter and return types)',
      {
        where: task.id,
      },
    );
  }
  const params = task.signature.params.map((param) => ({
    name: param.name,
    sort: sortOf(param.type, task.id),
  }));
  const returns = sortOf(task.signature.returns, task.id);
  const sygusName = sygus?.function.name ?? task.entryPoint;
  const sygusParams = sygus?.function.params.map((param) => param.name) ?? params.map((param) => param.name);
  if (sygus?.grammar) {
    return { space: grammarSpace(sygus, params, returns, task.id), sygusName, sygusParams };
  }
  return { space: openSpace(task, params, returns, sygus?.logic), sygusName, sygusParams };
}

function literal(expr: SExpr): { sort: Sort; value: Value } | undefined {
  if (typeof expr === 'string') {
    if (expr.startsWith('"')) return { sort: 'String', value: expr.slice(1, -1).replace(/""/g, '"') };
    if (/^-?[0-9]+$/.test(expr)) return { sort: 'Int', value: Number(expr) };
    if (expr === 'true' || expr === 'false') return { sort: 'Bool', value: expr === 'true' };
    return undefined;
  }
  if (expr.length === 2 && expr[0] === '-' && typeof expr[1] === 'string' && /^[0-9]+$/.test(expr[1])) {
    return { sort: 'Int', value: -Number(expr[1]) };
  }
  return undefined;
}

/**
 * The grammar's operations and constants by sort. Nonterminals of one sort are merged: the
 * PBE grammars have one per sort, and a program found is checked against the grammar.
 */
function grammarSpace(
  sygus: SygusMetadata,
  params: SearchSpace['params'],
  returns: Sort,
  where: string,
): SearchSpace {
  const grammar = sygus.grammar!;
  const nonterminals = new Map(grammar.map((rule) => [rule.name, sortOf(rule.sort, where)]));
  const paramSorts = new Map(sygus.function.params.map((param, i) => [param.name, params[i]!.sort]));
  const operators = new Map<string, Operator>();
  const constants = new Map<string, { sort: Sort; value: Value }>();
  const argSort = (arg: SExpr): Sort | undefined => {
    if (typeof arg === 'string') {
      const sort = nonterminals.get(arg) ?? paramSorts.get(arg);
      if (sort) return sort;
    }
    const value = literal(arg);
    if (value) {
      constants.set(JSON.stringify(value), value);
      return value.sort;
    }
    return undefined;
  };
  for (const rule of grammar) {
    for (const production of rule.productions) {
      if (typeof production === 'string') {
        const value = literal(production);
        if (value) constants.set(JSON.stringify(value), value);
        continue;
      }
      const value = literal(production);
      if (value) {
        constants.set(JSON.stringify(value), value);
        continue;
      }
      const [head, ...args] = production;
      if (head === 'Constant' || head === 'Variable') continue;
      const sorts = args.map(argSort);
      const name = typeof head === 'string' ? head : '';
      const match = sorts.every((sort) => sort !== undefined)
        ? operatorsNamed(name).find(
            (op) => operatorKey(op.name, op.args) === operatorKey(op.name, sorts as Sort[]),
          )
        : undefined;
      if (!match) {
        throw new NsgenError(
          'UNSUPPORTED',
          `the grammar operation (${[name, ...args.map((arg) => (typeof arg === 'string' ? arg : '…'))].join(' ')}) is outside the synthesizer's language`,
          { where },
        );
      }
      operators.set(operatorKey(match.name, match.args), match);
    }
  }
  return { params, returns, operators: [...operators.values()], constants: [...constants.values()] };
}

const STRING_OPS = [
  'str.++',
  'str.replace',
  'str.at',
  'int.to.str',
  'str.substr',
  'str.len',
  'str.to.int',
  'str.indexof',
  'str.prefixof',
  'str.suffixof',
  'str.contains',
];
const CASE_OPS = ['str.to_lower', 'str.to_upper'];
const INT_OPS = ['+', '-', '<', '<=', '=', 'and', 'or', 'not', 'ite'];
const LIST_OPS = ['list.len', 'list.sum', 'list.at', 'list.max', 'list.min', 'list.reverse', 'list.sort'];

/** Every operation over the sorts in play; constants 0, 1 and pieces of the examples. */
function openSpace(task: Task, params: SearchSpace['params'], returns: Sort, logic?: string): SearchSpace {
  const sorts = new Set<Sort>([returns, ...params.map((param) => param.sort)]);
  const names = new Set(INT_OPS);
  if (sorts.has('String') || logic === 'SLIA') {
    for (const name of STRING_OPS) names.add(name);
    if (!logic) for (const name of CASE_OPS) names.add(name);
  }
  if (sorts.has('IntList')) for (const name of LIST_OPS) names.add(name);
  if (!logic) names.add('*');
  const operators = [...OPERATORS.values()].filter(
    (op) =>
      names.has(op.name) &&
      [op.result, ...op.args].every(
        (sort) =>
          sort === 'Int' || sort === 'Bool' || sorts.has(sort) || (sort === 'String' && names.has('str.++')),
      ),
  );
  const constants: { sort: Sort; value: Value }[] = [
    { sort: 'Int', value: 0 },
    { sort: 'Int', value: 1 },
  ];
  if (names.has('str.++')) {
    constants.push({ sort: 'String', value: '' }, { sort: 'String', value: ' ' });
    for (const piece of stringPieces(task)) constants.push({ sort: 'String', value: piece });
  }
  return { params, returns, operators, constants };
}

/**
 * Short strings in the outputs that no input contains: separators and suffixes
 * (`", "`, `"@"`, `".com"`) that enumeration over the inputs alone could never build.
 */
function stringPieces(task: Task): string[] {
  const counts = new Map<string, number>();
  for (const example of task.examples ?? []) {
    if (typeof example.output !== 'string') continue;
    let rest = example.output;
    const inputs = example.input.filter(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
    for (const input of inputs.sort((a, b) => b.length - a.length)) rest = rest.split(input).join('\u0000');
    for (const piece of rest.split('\u0000')) {
      const fresh = !inputs.some((input) => input.includes(piece));
      if (fresh && piece.length > 0 && piece.length <= 12 && piece !== ' ')
        counts.set(piece, (counts.get(piece) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([piece]) => piece);
}
