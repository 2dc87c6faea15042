/**
 * Symbolic values: what a variable holds during symbolic execution. Scalars are SMT
 * terms; a list is a symbolic length plus a fixed number of element slots (its capacity),
 * which the probe measured ~6x faster than Z3 sequences; a range stays lazy for loops.
 */
import type { Node } from 'web-tree-sitter';
import type { Sort, Term } from '../terms.js';

export type ScalarKind = 'int' | 'real' | 'bool' | 'str';

export type ScalarValue =
  | { kind: 'int'; term: Term }
  | { kind: 'real'; term: Term }
  | { kind: 'bool'; term: Term }
  | { kind: 'str'; term: Term };

export interface ListValue {
  kind: 'list';
  /** Undefined for an empty literal whose element type is not known yet. */
  elem: ScalarKind | undefined;
  len: Term;
  /** Slots 0..capacity-1; slots at or past `len` hold values nobody can observe. */
  items: ScalarValue[];
}

export type Value =
  | ScalarValue
  | ListValue
  | { kind: 'none' }
  | { kind: 'range'; start: Term; stop: Term; step: number }
  | { kind: 'tuple'; items: Value[] };

export const SORT_OF: Record<ScalarKind, Sort> = { int: 'Int', real: 'Real', bool: 'Bool', str: 'String' };

export const NONE: Value = { kind: 'none' };

export function scalar(kind: ScalarKind, term: Term): ScalarValue {
  return { kind, term } as ScalarValue;
}

export function isScalar(value: Value): value is ScalarValue {
  return value.kind === 'int' || value.kind === 'real' || value.kind === 'bool' || value.kind === 'str';
}

/** A construct the symbolic executor does not model: the check answers unknown, naming it. */
export class UnsupportedConstruct extends Error {
  readonly construct: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(construct: string, node?: Node, detail?: string) {
    const at = node ? ` at line ${node.startPosition.row + 1}, column ${node.startPosition.column + 1}` : '';
    super(`unsupported ${construct}${detail ? ` (${detail})` : ''}${at}`);
    this.name = 'UnsupportedConstruct';
    this.construct = construct;
    this.line = node ? node.startPosition.row + 1 : undefined;
    this.column = node ? node.startPosition.column + 1 : undefined;
  }
}

/** A contract or call that names something that does not exist, or has the wrong type. */
export class ContractProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractProblem';
  }
}

/** A short, single-line excerpt of a node's source for messages. */
export function excerpt(node: Node): string {
  const text = node.text.replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Parses a language-neutral (or TypeScript) type name into a value shape. */
export type TypeShape = { kind: ScalarKind } | { kind: 'list'; elem: ScalarKind } | { kind: 'none' };

export function parseTypeName(text: string, language: 'python' | 'typescript'): TypeShape | undefined {
  const type = text.replace(/\s+/g, '');
  const scalarOf = (name: string): ScalarKind | undefined => {
    switch (name) {
      case 'int':
      case 'integer':
        return 'int';
      case 'float':
        return 'real';
      case 'number':
        return language === 'typescript' ? 'real' : undefined;
      case 'bool':
      case 'boolean':
        return 'bool';
      case 'str':
      case 'string':
        return 'str';
      default:
        return undefined;
    }
  };
  const direct = scalarOf(type);
  if (direct) return { kind: direct };
  if (type === 'None' || type === 'void' || type === 'undefined') return { kind: 'none' };
  const generic =
    /^(?:list|List|Array|ReadonlyArray|Sequence)[[<](.+)[\]>]$/.exec(type) ?? /^(.+)\[\]$/.exec(type);
  if (generic) {
    const elem = scalarOf(generic[1]!);
    if (elem) return { kind: 'list', elem };
  }
  return undefined;
}
