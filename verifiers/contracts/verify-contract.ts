/**
 * The one-call form behind `nsgen verify --task TASK.json --code FILE`: the contract
 * outcome exactly as DESIGN.md shows it (`status`, `bounded`, `counterexample`, `reason`).
 */
import type { CallOptions, ContractOutcome, Sandbox, Task } from '../../src/core/index.js';
import { createSolverPool, type SolverPool } from '../../src/smt/index.js';
import { type ContractCheckSettings, checkContract } from './check-contract.js';

export interface VerifyContractInput {
  task: Task;
  code: string;
  sandbox: Sandbox;
  /** A solver pool to reuse; without one a single-worker pool is started and closed. */
  solver?: SolverPool;
  settings?: ContractCheckSettings;
}

export async function verifyContract(
  input: VerifyContractInput,
  options: CallOptions = {},
): Promise<ContractOutcome> {
  const solver = input.solver ?? createSolverPool({ workers: 1 });
  try {
    const report = await checkContract(
      {
        task: input.task,
        code: input.code,
        sandbox: input.sandbox,
        solver,
        ...(input.settings ? { settings: input.settings } : {}),
      },
      options,
    );
    return report.outcome;
  } finally {
    if (!input.solver) await solver.close();
  }
}
