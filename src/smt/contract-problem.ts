/**
 * Turns a function and its contract into SMT queries. The function's parameters become
 * symbolic inputs; the precondition, the body (symbolically executed) and the
 * postcondition become terms; two scripts come out:
 * - `violation`: some input meets the precondition (within the bounds) yet the
 *   postcondition or a safety obligation fails. Unsat means proved up to the bounds.
 * - `completeness`: some input meeting the precondition reaches a bound (a loop needs
 *   more iterations, a list is longer than its slots). Unsat means the proof is complete.
 *
 * Parsing is the caller's job (this layer sees tree-sitter nodes only, so `src/smt` does
 * not depend on `src/ast`).
 */
import type { Node } from 'web-tree-sitter';
import type { Signature } from '../core/index.js';
import {
  type ModelScalar,
  parseModelBool,
  parseModelInt,
  parseModelReal,
  parseModelString,
} from './model-values.js';
import { booleanTerm, type LanguageExecutor } from './symbolic/executor.js';
import { type Bounds, Machine } from './symbolic/machine.js';
import { PythonExecutor } from './symbolic/python.js';
import { TypeScriptExecutor } from './symbolic/typescript.js';
import {
  ContractProblem,
  parseTypeName,
  type ScalarKind,
  SORT_OF,
  scalar,
  type TypeShape,
  UnsupportedConstruct,
  type Value,
} from './symbolic/values.js';
import { and, app, eq, not, or, ScriptBuilder, type Sort, type Term } from './terms.js';

export const DEFAULT_BOUNDS: Bounds = {
  loopBound: 8,
  listCapacity: 5,
  maxConcreteIterations: 64,
  maxListCapacityFromPre: 10,
  maxLoopBoundFromPre: 16,
};

/**
 * Raises the bounds to literal limits the precondition states: `len(xs) <= 8` makes room
 * for 8 list slots (and as many loop iterations), `n <= 12` for 12 iterations, up to the
 * ceilings. Literals above the ceilings are left to the completeness query.
 */
export function boundsFromPrecondition(pre: ContractClause[], base: Bounds): Bounds {
  let { loopBound, listCapacity } = base;
  for (const clause of pre) {
    const comparisons = [
      clause.node,
      ...clause.node.descendantsOfType(['comparison_operator', 'binary_expression']),
    ];
    for (const comparison of comparisons) {
      if (!comparison || !/^(comparison_operator|binary_expression)$/.test(comparison.type)) continue;
      if (!/<|>/.test(comparison.text)) continue;
      const lengthBound = /\blen\(|\.length\b/.test(comparison.text);
      for (const child of comparison.namedChildren) {
        if (!child || !/^(integer|number)$/.test(child.type) || !/^\d+$/.test(child.text)) continue;
        const literal = Number(child.text);
        if (lengthBound && literal <= base.maxListCapacityFromPre)
          listCapacity = Math.max(listCapacity, literal);
        if (literal <= base.maxLoopBoundFromPre) loopBound = Math.max(loopBound, literal);
      }
    }
  }
  return { ...base, loopBound: Math.max(loopBound, listCapacity), listCapacity };
}

/** One pre- or postcondition: an expression, or a Python `lambda` whose body is the condition. */
export interface ContractClause {
  /** The source text, for messages and counterexamples (`post: lo <= result <= hi`). */
  text: string;
  node: Node;
  /** Where it came from: `task`, `assert`, `@require`, `@ensure`, `@pre`, `@post`. */
  origin: string;
}

export interface ContractProblemInput {
  language: 'python' | 'typescript' | 'javascript';
  /** The root node of the parsed program. */
  program: Node;
  entryPoint: string;
  /** Parameter types; declared types in the code are used where this is absent. */
  signature?: Signature;
  pre: ContractClause[];
  post: ContractClause[];
  bounds?: Partial<Bounds>;
}

/** A symbolic input and the constants that hold it in a model. */
export interface InputVariable {
  name: string;
  shape: TypeShape;
  /** Scalar: one constant. List: the length constant, then one per slot. */
  constants: string[];
}

export interface EncodedContractProblem {
  violation: string;
  /** Absent when nothing was bounded: a proof is then complete. */
  completeness: string | undefined;
  inputs: InputVariable[];
  /** Bool constants in the violation model: false ones say what failed. */
  checks: { constant: string; violates: string }[];
  /** The constants to read from a violation model (inputs and checks), with their sorts. */
  read: { name: string; sort: Sort }[];
  /** True when loops were unrolled or list lengths capped. */
  bounded: boolean;
  /** Shared prefix of both scripts, for follow-up queries (e.g. blocking a model). */
  base: string;
  /** True when products or divisions have no literal operand (the usual cause of timeouts). */
  nonlinear: boolean;
  /** True when floats are involved: they are modelled as exact reals, without rounding. */
  realArithmetic: boolean;
  /** True when string terms are involved (Z3's string solver is the usual cause of timeouts). */
  strings: boolean;
}

export function encodeContractProblem(input: ContractProblemInput): EncodedContractProblem {
  const bounds = boundsFromPrecondition(input.pre, { ...DEFAULT_BOUNDS, ...input.bounds });
  const builder = new ScriptBuilder();
  const machine = new Machine({ builder, bounds });
  const executor: LanguageExecutor =
    input.language === 'python'
      ? new PythonExecutor({ machine, program: input.program })
      : new TypeScriptExecutor({ machine, program: input.program });
  const definition = executor.functions.get(input.entryPoint);
  if (!definition) {
    throw new ContractProblem(
      `the code defines no function "${input.entryPoint}"${executor.functions.size ? ` (it defines ${[...executor.functions.keys()].join(', ')})` : ''}`,
    );
  }

  executor.initialiseModule();
  const declared = executor.parameters(definition);
  const parameters = declared.map((parameter, position) => {
    const typeText = input.signature?.params[position]?.type ?? parameter.type;
    const shape = typeText
      ? parseTypeName(typeText, input.language === 'python' ? 'python' : 'typescript')
      : undefined;
    if (!shape || shape.kind === 'none') {
      throw new UnsupportedConstruct(
        'parameter type',
        definition,
        `"${parameter.name}" has ${typeText ? `type ${typeText}` : 'no declared type'}`,
      );
    }
    return { name: parameter.name, shape };
  });
  if (input.signature && input.signature.params.length !== declared.length) {
    throw new ContractProblem(
      `the signature has ${input.signature.params.length} parameters but ${input.entryPoint} takes ${declared.length}`,
    );
  }

  const inputs: InputVariable[] = [];
  const env = new Map<string, Value>();
  const assumptions: Term[] = [];
  for (const { name, shape } of parameters) {
    if (shape.kind === 'list') {
      const length = builder.declare(`${name}_len`, 'Int');
      const items = Array.from({ length: bounds.listCapacity }, (_, slot) =>
        scalar(shape.elem, builder.declare(`${name}_${slot}`, SORT_OF[shape.elem])),
      );
      assumptions.push(app('>=', length, '0'));
      machine.boundHits.push(app('>', length, `${bounds.listCapacity}`));
      env.set(name, { kind: 'list', elem: shape.elem, len: length, items });
      inputs.push({ name, shape, constants: [length, ...items.map((item) => item.term)] });
    } else {
      const constant = builder.declare(name, SORT_OF[shape.kind as ScalarKind]);
      env.set(name, scalar(shape.kind as ScalarKind, constant));
      inputs.push({ name, shape, constants: [constant] });
    }
  }
  const capped = machine.boundHits.length > 0;

  // Preconditions, with their own safety obligations folded in (a precondition that
  // cannot be evaluated does not admit the input).
  machine.pushFrame('<pre>', new Map(env));
  const preTerms = input.pre.map((clause) => clauseTerm(executor, clause, 'precondition'));
  const preSafety = machine.obligations.splice(0).map((obligation) => obligation.term);
  machine.popFrame();

  const args = parameters.map(({ name }) => env.get(name)!);
  const result = executor.invoke(input.entryPoint, args, definition, { entry: true });
  const bodyObligations = machine.obligations.splice(0);

  const postEnv = new Map(env);
  postEnv.set('result', result);
  machine.pushFrame('<post>', postEnv);
  const postTerms = input.post.map((clause) => clauseTerm(executor, clause, 'postcondition'));
  const postSafety = machine.obligations.splice(0).map((obligation) => obligation.term);
  machine.popFrame();

  const checks: { constant: string; violates: string }[] = [];
  const okLines: string[] = [];
  const addCheck = (term: Term, violates: string): void => {
    const constant = builder.fresh('ok');
    okLines.push(`(declare-const ${constant} Bool)`, `(assert (= ${constant} ${term}))`);
    checks.push({ constant, violates });
  };
  input.post.forEach((clause, index) => {
    addCheck(and(postTerms[index]!, ...postSafety), `post: ${clause.text}`);
  });
  for (const obligation of bodyObligations) addCheck(obligation.term, obligation.violates);

  const precondition = and(...assumptions, ...preTerms, ...preSafety);
  const base = `${builder.text()}\n${okLines.join('\n')}\n(assert ${precondition})`;
  const hits = machine.boundHits;
  const violation = [
    base,
    ...hits.map((hit) => `(assert ${not(hit)})`),
    `(assert ${not(and(...checks.map((check) => check.constant)))})`,
  ].join('\n');
  const completeness = hits.length > 0 ? `${base}\n(assert ${or(...hits)})` : undefined;
  const read = [
    ...inputs.flatMap((variable) =>
      variable.constants.map((name, index) => ({
        name,
        sort:
          variable.shape.kind === 'list'
            ? index === 0
              ? ('Int' as const)
              : SORT_OF[variable.shape.elem]
            : SORT_OF[variable.shape.kind as ScalarKind],
      })),
    ),
    ...checks.map((check) => ({ name: check.constant, sort: 'Bool' as const })),
  ];
  return {
    violation,
    completeness,
    read,
    nonlinear: machine.nonlinear,
    realArithmetic: /\bReal\b|to_real/.test(violation),
    strings: /\bString\b|str\./.test(violation),
    inputs,
    checks,
    bounded: machine.unrolled || capped,
    base: [base, ...hits.map((hit) => `(assert ${not(hit)})`)].join('\n'),
  };
}

function clauseTerm(executor: LanguageExecutor, clause: ContractClause, what: string): Term {
  const expression = clause.node.type === 'lambda' ? clause.node.childForFieldName('body') : clause.node;
  if (!expression) throw new ContractProblem(`${what} "${clause.text}" has no body`);
  try {
    return booleanTerm(executor.evaluate(expression), `${what} "${clause.text}"`);
  } catch (error) {
    if (error instanceof UnsupportedConstruct && error.construct === 'name') {
      throw new ContractProblem(
        `${what} "${clause.text}" names an unknown variable: ${error.message.replace(/^unsupported name \((.*?)\).*$/, '$1')}`,
      );
    }
    throw error;
  }
}

/** Reads the inputs of a counterexample from a model (missing constants are unconstrained). */
export function decodeInputs(
  model: Record<string, string>,
  inputs: InputVariable[],
): Record<string, ModelScalar | ModelScalar[]> {
  const out: Record<string, ModelScalar | ModelScalar[]> = {};
  for (const variable of inputs) {
    if (variable.shape.kind === 'list') {
      const [lengthConstant, ...slots] = variable.constants;
      const length = Number(
        model[lengthConstant!] === undefined ? 0n : parseModelInt(model[lengthConstant!]!),
      );
      const elem = variable.shape.elem;
      out[variable.name] = slots.slice(0, length).map((slot) => readScalar(model[slot], elem));
    } else {
      out[variable.name] = readScalar(model[variable.constants[0]!], variable.shape.kind as ScalarKind);
    }
  }
  return out;
}

/** An assertion that excludes these input values, to ask the solver for a different model. */
export function blockingAssertion(model: Record<string, string>, inputs: InputVariable[]): string {
  const parts: Term[] = [];
  for (const variable of inputs) {
    for (const constant of variable.constants) {
      const value = model[constant];
      if (value !== undefined) parts.push(eq(constant, value));
    }
  }
  return parts.length === 0 ? '' : `(assert ${not(and(...parts))})`;
}

function readScalar(text: string | undefined, kind: ScalarKind): ModelScalar {
  switch (kind) {
    case 'int':
      return text === undefined ? 0n : parseModelInt(text);
    case 'real':
      return text === undefined ? 0 : parseModelReal(text);
    case 'bool':
      return text === undefined ? false : parseModelBool(text);
    case 'str':
      return text === undefined ? '' : parseModelString(text);
  }
}
