/**
 * The `contracts` verifier: Z3 proves the candidate meets its contract, or finds an input
 * that breaks it, which the sandbox must reproduce before it counts.
 *
 * Verdict status: `proved` → `pass` (score 1); a confirmed counterexample → `fail`
 * (score 0, with `counterexamples` the repair loop turns into failing tests); `unknown`
 * → `skipped` (neither a proof nor a failure, score 0, the reason in a diagnostic),
 * except an invalid contract or unparsable code, which are `error`.
 */
import {
  type CallOptions,
  type Candidate,
  type ContractOutcome,
  errorInfo,
  type Sandbox,
  type Task,
  type Verdict,
  type Verifier,
} from '../../src/core/index.js';
import { createSolverPool, type SolverPool, type SolverPoolOptions } from '../../src/smt/index.js';
import { type ContractCheckSettings, type ContractReport, checkContract } from './check-contract.js';

/** Options of {@link createContractVerifier}. */
export interface ContractVerifierOptions extends ContractCheckSettings {
  /** Replays counterexamples: the port, never a concrete sandbox import. */
  sandbox: Sandbox;
  /**
   * A shared solver pool. Without one the verifier starts its own on first use (with
   * `solverPool` options) and stops it in `close`.
   */
  solver?: SolverPool;
  solverPool?: SolverPoolOptions;
}

const SUPPORTED = new Set(['python', 'typescript', 'javascript']);

export class ContractVerifier implements Verifier {
  readonly name = 'contracts';
  readonly cost = 1000;
  readonly hard = true;
  readonly #options: ContractVerifierOptions;
  #ownSolver: SolverPool | undefined;

  constructor(options: ContractVerifierOptions) {
    this.#options = options;
  }

  /**
   * True for a task with a contract, and for any Python/TypeScript task, whose code may
   * state its own (`assert`, `@require`/`@ensure`, JSDoc `@pre`/`@post`); a candidate
   * without any contract gets a quick `skipped` verdict without touching the solver.
   */
  appliesTo(task: Task): boolean {
    return Boolean(task.contract?.pre || task.contract?.post) || SUPPORTED.has(task.language);
  }

  /** The full report of one check (outcome, counterexamples, timings). */
  async check(
    candidate: Candidate | { code: string },
    task: Task,
    options: CallOptions = {},
  ): Promise<ContractReport> {
    return checkContract(
      {
        task,
        code: candidate.code,
        sandbox: this.#options.sandbox,
        solver: this.#solver(),
        settings: this.#options,
      },
      options,
    );
  }

  async verify(candidate: Candidate, task: Task, options: CallOptions = {}): Promise<Verdict> {
    const started = performance.now();
    let report: ContractReport;
    try {
      report = await this.check(candidate, task, options);
    } catch (error) {
      if (errorInfo(error).code === 'ABORTED') throw error;
      const { message } = errorInfo(error);
      const outcome: ContractOutcome = {
        status: 'unknown',
        bounded: false,
        reason: `contract check failed: ${message}`,
      };
      return {
        verifier: this.name,
        status: 'error',
        score: 0,
        diagnostics: [{ severity: 'error', rule: 'contract-check-error', message: outcome.reason! }],
        counterexamples: [],
        durationMs: performance.now() - started,
        contract: outcome,
      };
    }
    return reportToVerdict(report, performance.now() - started);
  }

  /** Stops the solver pool this verifier started (a shared one is left to its owner). */
  async close(): Promise<void> {
    const own = this.#ownSolver;
    this.#ownSolver = undefined;
    await own?.close();
  }

  #solver(): SolverPool {
    if (this.#options.solver) return this.#options.solver;
    this.#ownSolver ??= createSolverPool(this.#options.solverPool);
    return this.#ownSolver;
  }
}

export function createContractVerifier(options: ContractVerifierOptions): ContractVerifier {
  return new ContractVerifier(options);
}

/** Maps a contract report to a verdict (see the module comment for the status rules). */
export function reportToVerdict(report: ContractReport, durationMs: number): Verdict {
  const { outcome } = report;
  const status =
    outcome.status === 'proved'
      ? 'pass'
      : outcome.status === 'counterexample'
        ? 'fail'
        : report.kind === 'invalid-contract' || report.kind === 'invalid-code'
          ? 'error'
          : 'skipped';
  return {
    verifier: 'contracts',
    status,
    score: outcome.status === 'proved' ? 1 : 0,
    diagnostics: report.diagnostics,
    counterexamples: report.counterexamples,
    durationMs,
    contract: outcome,
    details: { kind: report.kind, timings: report.timings, queries: report.queries, replays: report.replays },
  };
}
