export { type Clause, parseClause } from './contract-expression.js';
export { evaluate, type Program, type Sort, type Value } from './language.js';
export { type Rendering, renderAll, renderPython, renderSygus, renderTypeScript } from './render.js';
export {
  type Point,
  type SearchSpace,
  SYNTHESIS_DEFAULTS,
  type SynthesisBudget,
  type SynthesisResult,
  type SynthesisStats,
} from './search-space.js';
export { searchSpaceOf } from './search-space-from-task.js';
export {
  type ContractChecker,
  SymbolicAgent,
  type SymbolicAgentOptions,
  type TaskSynthesis,
} from './symbolic-agent.js';
export { synthesize } from './synthesize.js';
