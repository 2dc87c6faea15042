/**
 * SyGuS-IF problems (`.sl`, the v1 syntax of the PBE tracks and v2; logics SLIA and LIA) as
 * tasks. A constraint `(= (f c1 … cn) c)` on literals becomes an example and a Python
 * `assert`; constraints over the declared variables that call `f` on exactly those
 * variables (single invocation, as max3 does) become the task's contract, with `result`
 * for the call. `metadata.sygus` keeps the function, its grammar (which restricts the
 * synthesizer's search) and the constraints as s-expressions.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { type Example, errorInfo, NsgenError, type Task } from '../../core/index.js';
import { readUtf8File } from './read-text-file.js';
import {
  isStringLiteral,
  locationOf,
  parseSExprs,
  printSExpr,
  type SExpr,
  stringValue,
} from './sygus-sexpr.js';

export const SYGUS_LOGICS = ['SLIA', 'LIA'] as const;
const SORTS: Record<string, string> = { Int: 'int', String: 'str', Bool: 'bool' };
const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield len str int bool result'.split(
    ' ',
  ),
);

/** One nonterminal of a synth-fun grammar. */
export interface SygusNonterminal {
  name: string;
  sort: string;
  productions: SExpr[];
}

/** What `metadata.sygus` holds: plain data the symbolic agent reads. */
export interface SygusProblem {
  logic: string;
  version: 1 | 2;
  function: { name: string; params: { name: string; sort: string }[]; returns: string };
  /** Absent when the synth-fun gives none (the logic's full language). */
  grammar?: SygusNonterminal[];
  /** Declared universally quantified variables. */
  variables: { name: string; sort: string }[];
  constraints: SExpr[];
}

export interface SygusMetadata {
  [key: string]: unknown;
  dataset: 'sygus';
  sourceTaskId: string;
  sygus?: SygusProblem;
  /** Set when the file could not be loaded as a task (a directory keeps its other files). */
  loadError?: { code: string; message: string };
}

/** Loads one `.sl` file, or every `.sl` file under a directory (ids are relative paths). */
export async function loadSygus(path: string): Promise<Task[]> {
  let isDirectory = false;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw new NsgenError('IO_ERROR', 'cannot read the SyGuS file or folder (no such file)', {
      where: path,
      cause: error,
    });
  }
  if (!isDirectory) {
    const file = path;
    return [parseSygus(await readUtf8File(file), file, basename(file).replace(/\.sl$/, ''))];
  }
  const files = (await listSlFiles(path)).sort();
  if (files.length === 0)
    throw new NsgenError('INVALID_DATA', 'the folder holds no .sl files', { where: path });
  const tasks: Task[] = [];
  for (const file of files) {
    const id = relative(path, file).replace(/\.sl$/, '').split('\\').join('/');
    try {
      tasks.push(parseSygus(await readUtf8File(file), file, id));
    } catch (error) {
      tasks.push(failedTask(id, errorInfo(error)));
    }
  }
  return tasks;
}

async function listSlFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listSlFiles(full)));
    else if (entry.name.endsWith('.sl')) files.push(full);
  }
  return files;
}

function failedTask(id: string, error: { code: string; message: string }): Task {
  const metadata: SygusMetadata = { dataset: 'sygus', sourceTaskId: id, loadError: error };
  return {
    id,
    language: 'python',
    prompt: `SyGuS problem ${id} (not loaded: ${error.message})`,
    entryPoint: 'f',
    metadata,
  };
}

/** Parses one SyGuS problem into a task; throws NsgenError naming the file, line and column. */
export function parseSygus(text: string, file: string, id: string): Task {
  const forms = parseSExprs(text, file);
  let logic: string | undefined;
  let synthFun: SygusProblem['function'] | undefined;
  let grammar: SygusNonterminal[] | undefined;
  let version: 1 | 2 = 1;
  const variables: SygusProblem['variables'] = [];
  const constraints: SExpr[] = [];
  for (const form of forms) {
    const at = locationOf(form, file);
    if (!Array.isArray(form) || typeof form[0] !== 'string') {
      throw new NsgenError('INVALID_DATA', `expected a command in parentheses, found ${printSExpr(form)}`, {
        where: at,
      });
    }
    switch (form[0]) {
      case 'set-logic': {
        logic = atom(form[1], 'a logic name', at);
        if (!(SYGUS_LOGICS as readonly string[]).includes(logic)) {
          throw new NsgenError(
            'UNSUPPORTED',
            `logic ${logic} is not supported; supported: ${SYGUS_LOGICS.join(', ')}`,
            {
              where: at,
            },
          );
        }
        break;
      }
      case 'synth-fun': {
        if (synthFun)
          throw new NsgenError('UNSUPPORTED', 'more than one synth-fun is not supported', { where: at });
        const name = atom(form[1], 'a function name', at);
        const params = sortedVars(form[2], at);
        const returns = sortName(form[3], at);
        synthFun = { name, params, returns };
        if (form.length === 6) {
          version = 2;
          grammar = grammarV2(form[4], form[5], at);
        } else if (form.length === 5) {
          grammar = grammarV1(form[4], at);
        } else if (form.length !== 4) {
          throw new NsgenError(
            'INVALID_DATA',
            'synth-fun: expected (synth-fun NAME (PARAMS) SORT [GRAMMAR])',
            {
              where: at,
            },
          );
        }
        break;
      }
      case 'declare-var':
        variables.push({ name: atom(form[1], 'a variable name', at), sort: sortName(form[2], at) });
        break;
      case 'constraint':
        if (form.length !== 2)
          throw new NsgenError('INVALID_DATA', 'constraint: expected one term', { where: at });
        constraints.push(form[1]!);
        break;
      case 'check-synth':
      case 'set-option':
      case 'set-info':
        break;
      default:
        throw new NsgenError('UNSUPPORTED', `the command ${form[0]} is not supported`, { where: at });
    }
  }
  if (!logic) throw new NsgenError('INVALID_DATA', 'no (set-logic …) command', { where: file });
  if (!synthFun) throw new NsgenError('INVALID_DATA', 'no (synth-fun …) command', { where: file });
  if (constraints.length === 0) throw new NsgenError('INVALID_DATA', 'no constraints', { where: file });

  const fn = synthFun;
  const entryPoint = pythonName(fn.name);
  const params = fn.params.map((param) => ({ name: pythonName(param.name), type: SORTS[param.sort]! }));
  const examples: Example[] = [];
  const asserts: string[] = [];
  const post: string[] = [];
  for (const constraint of constraints) {
    const where = locationOf(constraint, file);
    const example = asExample(constraint, fn.name, fn.params.length);
    if (example) {
      examples.push(example);
      asserts.push(
        `assert ${entryPoint}(${example.input.map(pythonLiteral).join(', ')}) == ${pythonLiteral(example.output)}`,
      );
      continue;
    }
    const call = singleInvocation(constraint, fn.name, variables, where);
    const renames = new Map(call.map((variable, index) => [variable, params[index]!.name]));
    post.push(toPython(constraint, fn.name, renames, variables, where));
  }
  const sygus: SygusProblem = {
    logic,
    version,
    function: fn,
    ...(grammar ? { grammar } : {}),
    variables,
    constraints,
  };
  const metadata: SygusMetadata = { dataset: 'sygus', sourceTaskId: id, sygus };
  const signature = { params, returns: SORTS[fn.returns]! };
  const shown = params.map((param) => `${param.name}: ${param.type}`).join(', ');
  return {
    id,
    language: 'python',
    prompt: `def ${entryPoint}(${shown}) -> ${signature.returns}:\n    """SyGuS problem ${id} (${logic}): satisfy ${constraints.length} constraint(s)."""\n`,
    entryPoint,
    signature,
    ...(examples.length > 0 ? { examples, tests: `${asserts.join('\n')}\n` } : {}),
    ...(post.length > 0 ? { contract: { post: post.map((clause) => `(${clause})`).join(' and ') } } : {}),
    metadata,
  };
}

function atom(expr: SExpr | undefined, what: string, at: string): string {
  if (typeof expr !== 'string') throw new NsgenError('INVALID_DATA', `expected ${what}`, { where: at });
  return expr;
}

function sortName(expr: SExpr | undefined, at: string): string {
  if (typeof expr === 'string' && expr in SORTS) return expr;
  throw new NsgenError(
    'UNSUPPORTED',
    `the sort ${expr === undefined ? '(missing)' : printSExpr(expr)} is not supported; supported: ${Object.keys(SORTS).join(', ')}`,
    { where: at },
  );
}

function sortedVars(expr: SExpr | undefined, at: string): { name: string; sort: string }[] {
  if (!Array.isArray(expr)) throw new NsgenError('INVALID_DATA', 'expected a parameter list', { where: at });
  return expr.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new NsgenError('INVALID_DATA', 'expected (NAME SORT) in the parameter list', { where: at });
    }
    return { name: atom(pair[0], 'a parameter name', at), sort: sortName(pair[1], at) };
  });
}

function grammarV1(expr: SExpr | undefined, at: string): SygusNonterminal[] {
  if (!Array.isArray(expr)) throw new NsgenError('INVALID_DATA', 'expected a grammar', { where: at });
  return expr.map((rule) => {
    if (!Array.isArray(rule) || rule.length !== 3 || !Array.isArray(rule[2])) {
      throw new NsgenError('INVALID_DATA', 'expected (NONTERMINAL SORT (PRODUCTIONS)) in the grammar', {
        where: locationOf(Array.isArray(rule) ? rule : expr, at),
      });
    }
    return { name: atom(rule[0], 'a nonterminal', at), sort: sortName(rule[1], at), productions: rule[2] };
  });
}

function grammarV2(declared: SExpr | undefined, rules: SExpr | undefined, at: string): SygusNonterminal[] {
  if (!Array.isArray(declared) || !Array.isArray(rules)) {
    throw new NsgenError(
      'INVALID_DATA',
      'expected the v2 grammar: ((NT SORT) …) ((NT SORT (PRODUCTIONS)) …)',
      {
        where: at,
      },
    );
  }
  return grammarV1(rules, at);
}

function literalValue(expr: SExpr): unknown {
  if (typeof expr === 'string') {
    if (isStringLiteral(expr)) return stringValue(expr);
    if (/^-?[0-9]+$/.test(expr)) return Number(expr);
    if (expr === 'true') return true;
    if (expr === 'false') return false;
    return undefined;
  }
  if (expr.length === 2 && expr[0] === '-' && typeof expr[1] === 'string' && /^[0-9]+$/.test(expr[1])) {
    return -Number(expr[1]);
  }
  return undefined;
}

function asExample(constraint: SExpr, name: string, arity: number): Example | undefined {
  if (!Array.isArray(constraint) || constraint[0] !== '=' || constraint.length !== 3) return undefined;
  for (const [call, other] of [
    [constraint[1]!, constraint[2]!],
    [constraint[2]!, constraint[1]!],
  ] as const) {
    if (!Array.isArray(call) || call[0] !== name || call.length !== arity + 1) continue;
    const input = call.slice(1).map(literalValue);
    const output = literalValue(other);
    if (output !== undefined && input.every((value) => value !== undefined)) return { input, output };
  }
  return undefined;
}

/** The declared variables `f` is applied to, the same in every call; else UNSUPPORTED. */
function singleInvocation(
  constraint: SExpr,
  name: string,
  variables: SygusProblem['variables'],
  where: string,
): string[] {
  const declared = new Set(variables.map((variable) => variable.name));
  let call: string[] | undefined;
  const visit = (expr: SExpr): void => {
    if (!Array.isArray(expr)) return;
    if (expr[0] === name) {
      const args = expr.slice(1);
      if (!args.every((arg): arg is string => typeof arg === 'string' && declared.has(arg))) {
        throw new NsgenError(
          'UNSUPPORTED',
          `constraint calls ${name} on ${printSExpr(expr)}: only examples on literals and calls on the declared variables are supported`,
          { where },
        );
      }
      if (call && call.join(' ') !== args.join(' ')) {
        throw new NsgenError(
          'UNSUPPORTED',
          `${name} is called on different arguments (not single-invocation)`,
          {
            where,
          },
        );
      }
      call = args;
    }
    for (const child of expr) visit(child);
  };
  visit(constraint);
  if (!call)
    throw new NsgenError('UNSUPPORTED', `a constraint that never calls ${name} is not supported`, { where });
  return call;
}

const PYTHON_BINARY: Record<string, string> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '=': '==',
  and: 'and',
  or: 'or',
};

/** A declarative constraint as a Python expression over the parameters and `result`. */
function toPython(
  expr: SExpr,
  name: string,
  renames: Map<string, string>,
  variables: SygusProblem['variables'],
  where: string,
): string {
  const literal = literalValue(expr);
  if (literal !== undefined) return pythonLiteral(literal);
  if (typeof expr === 'string') {
    const renamed = renames.get(expr);
    if (renamed) return renamed;
    throw new NsgenError('UNSUPPORTED', `the variable ${expr} is not an argument of ${name}`, { where });
  }
  const [head, ...args] = expr;
  const sub = (arg: SExpr) => toPython(arg, name, renames, variables, where);
  if (head === name) return 'result';
  if (head === 'not' && args.length === 1) return `(not ${sub(args[0]!)})`;
  if (head === '-' && args.length === 1) return `(-${sub(args[0]!)})`;
  if (head === '=>' && args.length === 2) return `((not ${sub(args[0]!)}) or ${sub(args[1]!)})`;
  if (head === 'ite' && args.length === 3)
    return `(${sub(args[1]!)} if ${sub(args[0]!)} else ${sub(args[2]!)})`;
  if (head === 'str.len' && args.length === 1) return `len(${sub(args[0]!)})`;
  if (head === 'str.++' && args.length >= 2) return `(${args.map(sub).join(' + ')})`;
  const binary = typeof head === 'string' ? PYTHON_BINARY[head] : undefined;
  if (binary && args.length >= 2) return `(${args.map(sub).join(` ${binary} `)})`;
  throw new NsgenError(
    'UNSUPPORTED',
    `the constraint operation ${printSExpr(expr)} is not supported in contracts`,
    {
      where,
    },
  );
}

function pythonLiteral(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return value < 0 ? `(${value})` : String(value);
  return JSON.stringify(value);
}

function pythonName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1');
  return PYTHON_KEYWORDS.has(cleaned) ? `${cleaned}_` : cleaned;
}
