/** What the contract checker needs from a language front-end. */
import type { Node } from 'web-tree-sitter';
import type { Term } from '../terms.js';
import { ContractProblem, type Value } from './values.js';

/** The evaluator a contract expression or a function body runs in. */
export interface LanguageExecutor {
  /** Top-level functions of the program, by name. */
  readonly functions: Map<string, Node>;
  /** Runs a function on argument values in a fresh frame; returns its result. */
  invoke(name: string, args: Value[], node: Node, options?: { entry?: boolean }): Value;
  /** Evaluates an expression in the current frame. */
  evaluate(node: Node): Value;
  /** Truthiness of a value as a Bool term. */
  truthy(value: Value, node: Node): Term;
  /**
   * Evaluates module-level constants (`LIMIT = 10`, `const LIMIT = 10;`) into the machine's
   * globals; a constant outside the subset is left undefined (reading it answers unknown).
   */
  initialiseModule(): void;
  /** Parameter names and declared types of a function. */
  parameters(definition: Node): { name: string; type: string | undefined }[];
}

/** Checks a value is a Bool and returns its term; contracts must be boolean. */
export function booleanTerm(value: Value, what: string): Term {
  if (value.kind !== 'bool')
    throw new ContractProblem(`${what} is not a boolean expression (it is a ${value.kind})`);
  return value.term;
}
