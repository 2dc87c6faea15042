/** The Z3 connector and the symbolic execution that feeds it. */
export {
  blockingAssertion,
  boundsFromPrecondition,
  type ContractClause,
  type ContractProblemInput,
  DEFAULT_BOUNDS,
  decodeInputs,
  type EncodedContractProblem,
  encodeContractProblem,
  type InputVariable,
} from './contract-problem.js';
export {
  type ModelScalar,
  parseModelBool,
  parseModelInt,
  parseModelReal,
  parseModelString,
} from './model-values.js';
export {
  createSolverPool,
  type SmtCheckRequest,
  type SmtResult,
  type SmtStatus,
  SOLVER_POOL_DEFAULTS,
  type SolverPool,
  type SolverPoolOptions,
} from './solver-pool.js';
export type { Bounds } from './symbolic/machine.js';
export { ContractProblem, UnsupportedConstruct } from './symbolic/values.js';
