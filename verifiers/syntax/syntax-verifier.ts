/**
 * The syntax verifier: the cheapest hard gate. A candidate passes when tree-sitter parses
 * it without an error or a missing token, and when it defines the task's entry point at
 * the top level (where the appended tests call it).
 */
import { functionsOf, moduleBindingsOf, syntaxErrorsOf, withTree } from '../../src/ast/index.js';
import {
  type CallOptions,
  type Candidate,
  type Diagnostic,
  errorInfo,
  type Task,
  throwIfAborted,
  type Verdict,
  type Verifier,
} from '../../src/core/index.js';

export interface SyntaxVerifierOptions {
  /**
   * Whether a candidate must define `task.entryPoint` at its top level to pass.
   * @default true
   */
  requireEntryPoint?: boolean;
}

/** What the syntax verdict's `details` hold. */
export interface SyntaxDetails {
  syntaxErrors: number;
  /** Absent when the entry point was not checked. */
  entryPointDefined?: boolean;
  /** Names bound at the top level, for repair prompts when the entry point is missing. */
  topLevelNames: string[];
}

export class SyntaxVerifier implements Verifier {
  readonly name = 'syntax';
  readonly cost = 1;
  readonly hard = true;
  readonly #requireEntryPoint: boolean;

  constructor(options: SyntaxVerifierOptions = {}) {
    this.#requireEntryPoint = options.requireEntryPoint ?? true;
  }

  appliesTo(_task: Task): boolean {
    return true;
  }

  async verify(candidate: Candidate, task: Task, options: CallOptions = {}): Promise<Verdict> {
    throwIfAborted(options.signal);
    const started = performance.now();
    try {
      const { diagnostics, details } = await withTree(candidate.code, task.language, (tree) => {
        const found = syntaxErrorsOf(tree);
        const bindings = moduleBindingsOf(tree, task.language);
        const topLevelNames = [...bindings.keys()];
        const result: { diagnostics: Diagnostic[]; details: SyntaxDetails } = {
          diagnostics: found,
          details: { syntaxErrors: found.length, topLevelNames },
        };
        if (this.#requireEntryPoint) {
          const defined = bindings.has(task.entryPoint);
          result.details.entryPointDefined = defined;
          if (!defined) {
            const nested = functionsOf(tree, task.language).find((f) => f.name === task.entryPoint);
            result.diagnostics = [...found, missingEntryPoint(task.entryPoint, topLevelNames, nested)];
          }
        }
        return result;
      });
      const passed = diagnostics.length === 0;
      return verdict({
        status: passed ? 'pass' : 'fail',
        score: passed ? 1 : 0,
        diagnostics,
        details,
        started,
      });
    } catch (error) {
      const info = errorInfo(error);
      if (info.code === 'ABORTED') throw error;
      const diagnostic: Diagnostic = {
        message: `the syntax check could not run: ${info.message}`,
        severity: 'error',
        rule: 'verifier-error',
      };
      return verdict({ status: 'error', score: 0, diagnostics: [diagnostic], started });
    }
  }
}

export function createSyntaxVerifier(options?: SyntaxVerifierOptions): SyntaxVerifier {
  return new SyntaxVerifier(options);
}

function missingEntryPoint(
  entryPoint: string,
  topLevelNames: string[],
  nested:
    | { className?: string; parentFunction?: string; range: { line: number; column: number } }
    | undefined,
): Diagnostic {
  const where = nested?.className ?? nested?.parentFunction;
  const known =
    topLevelNames.length > 0 ? ` (top-level names: ${topLevelNames.slice(0, 10).join(', ')})` : '';
  const message = where
    ? `entry point "${entryPoint}" is defined only inside "${where}"; the tests call it at the top level`
    : `entry point "${entryPoint}" is not defined at the top level of the candidate${known}`;
  return {
    message,
    severity: 'error',
    rule: 'missing-entry-point',
    ...(nested && { location: { line: nested.range.line, column: nested.range.column } }),
  };
}

interface VerdictInput {
  status: Verdict['status'];
  score: number;
  diagnostics: Diagnostic[];
  details?: SyntaxDetails;
  started: number;
}

function verdict({ status, score, diagnostics, details, started }: VerdictInput): Verdict {
  return {
    verifier: 'syntax',
    status,
    score,
    diagnostics,
    counterexamples: [],
    durationMs: performance.now() - started,
    ...(details && { details: { ...details } }),
  };
}
