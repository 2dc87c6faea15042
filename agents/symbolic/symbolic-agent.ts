/**
 * The symbolic agent: programs without a language model, from a task's examples and
 * contract. Enumerative synthesis (with conditionals by unification and integer constants
 * solved by Z3) proposes a program consistent with what is known; with a contract, the
 * contract checker either proves it or returns a counterexample that becomes one more
 * example (counterexample-guided synthesis). The program is rendered in the task's
 * language and goes through the ordinary verifiers like any candidate.
 */
import {
  type Agent,
  type CallOptions,
  type Candidate,
  type ContractOutcome,
  NsgenError,
  type ProposeInput,
  type Task,
  throwIfAborted,
} from '../../src/core/index.js';
import type { SolverPool } from '../../src/smt/index.js';
import { type Clause, parseClause } from './contract-expression.js';
import { examplesFromTests } from './examples-from-tests.js';
import { grammarDerives } from './grammar-membership.js';
import type { Program, Sort, Value } from './language.js';
import { solveAffine } from './linear-constants.js';
import { type Rendering, renderAll, renderJavaScript } from './render.js';
import {
  type Point,
  type SearchSpace,
  SYNTHESIS_DEFAULTS,
  type SynthesisBudget,
  type SynthesisStats,
} from './search-space.js';
import { searchSpaceOf, sygusOf } from './search-space-from-task.js';
import { satisfies, synthesize } from './synthesize.js';

/** Checks a candidate against the task's contract (the runtime passes `checkContract` of the contracts verifier). */
export type ContractChecker = (
  input: { task: Task; code: string },
  options?: CallOptions,
) => Promise<{ outcome: ContractOutcome }>;

export interface SymbolicAgentOptions {
  /** Limits per task. @default SYNTHESIS_DEFAULTS (10 s) */
  budget?: SynthesisBudget;
  /** Proves candidates against contracts or returns counterexamples; without it contracts only filter. */
  checkContract?: ContractChecker;
  /** Z3 for integer constants; without it only enumerated constants are used. */
  solver?: SolverPool;
  /** Counterexample rounds before giving up (the time budget bounds them too). @default 64 */
  maxRounds?: number;
}

/** What the synthesizer concluded for one task. */
export type TaskSynthesis =
  | {
      status: 'solved';
      program: Program;
      rendering: Rendering;
      /** `proved` when the contract checker proved it; `examples` when only examples back it. */
      evidence: 'proved' | 'examples' | 'contract-unknown';
      rounds: number;
      stats: SynthesisStats;
    }
  | { status: 'unsolved'; message: string; rounds: number; stats?: SynthesisStats };

/** Inputs tried first when a contract gives no examples. */
const SEEDS: Record<Sort, Value[]> = {
  Int: [0, 1, -1, 2, 5, -3, 7, 10],
  String: ['', 'a', 'ab', 'hello world', 'x,y'],
  Bool: [false, true],
  IntList: [[], [3], [1, 2], [4, -1, 2]],
};
const SEED_POINTS = 5;

export class SymbolicAgent implements Agent {
  readonly name = 'symbolic';
  readonly #options: SymbolicAgentOptions;

  constructor(options: SymbolicAgentOptions = {}) {
    this.#options = options;
  }

  async propose(input: ProposeInput, options: CallOptions = {}): Promise<Candidate[]> {
    const { task } = input;
    const result = await this.synthesizeTask(task, options);
    if (result.status !== 'solved') return [];
    const code = sourceFor(task, result.rendering, result.program);
    return [
      {
        id: `${task.id}/symbolic`,
        taskId: task.id,
        code,
        origin: { agent: this.name, mode: input.mode, repairRound: input.round },
        metadata: {
          program: result.rendering.sygus,
          renderings: { python: result.rendering.python, typescript: result.rendering.typescript },
          evidence: result.evidence,
          rounds: result.rounds,
          synthesis: result.stats,
        },
      },
    ];
  }

  /**
   * Synthesizes a program for a task. Throws NsgenError for tasks it cannot take
   * (unsupported types or grammar, contradictory examples, a file that did not load);
   * returns `unsolved` when the budget ran out or nothing in the space fits.
   */
  async synthesizeTask(task: Task, options: CallOptions = {}): Promise<TaskSynthesis> {
    const loadError = task.metadata?.loadError as { code?: string; message?: string } | undefined;
    if (loadError?.message) throw new NsgenError('INVALID_TASK', loadError.message, { where: task.id });
    const budget = { ...SYNTHESIS_DEFAULTS, ...this.#options.budget };
    const deadline = performance.now() + budget.timeMs;
    const { space, sygusName, sygusParams } = searchSpaceOf(task);
    const language = task.language;
    const post = clause(task.contract?.post, language);
    const pre = clause(task.contract?.pre, language);
    const names = space.params.map((param) => param.name);
    const relational = (input: Value[]): Point => ({
      input,
      accepts: (output) => holds(post!, names, input, output),
    });
    // SyGuS tasks' tests repeat their examples; other tasks' literal asserts add to them.
    const fromTests = (sygusOf(task) ? [] : examplesFromTests(task)).filter(
      (example) => example.input.length === space.params.length,
    );
    const points: Point[] = [...(task.examples ?? []), ...fromTests].map((example) => ({
      input: example.input.map(toValue),
      expected: toValue(example.output),
    }));
    if (points.length === 0) {
      if (!post) {
        throw new NsgenError(
          'INVALID_TASK',
          'symbolic mode needs examples or a postcondition to synthesize from',
          {
            where: task.id,
          },
        );
      }
      for (const input of seedInputs(space, pre, names)) points.push(relational(input));
    }
    const render = (program: Program) =>
      renderAll({
        program,
        name: task.entryPoint,
        params: space.params,
        returns: space.returns,
        sygusName,
        sygusParams,
      });
    const maxRounds = this.#options.maxRounds ?? 64;
    for (let round = 0; ; round++) {
      throwIfAborted(options.signal);
      const timeMs = Math.max(0, deadline - performance.now());
      const found = synthesize({ space, points, budget: { ...budget, timeMs } });
      if (found.status === 'contradictory')
        throw new NsgenError('INVALID_TASK', found.message, { where: task.id });
      let program = found.status === 'solved' ? found.program : undefined;
      if (!program && found.status === 'unsolved' && this.#options.solver && deadline > performance.now()) {
        program = await solveAffine(space, points, this.#options.solver, {
          ...options,
          timeoutMs: Math.max(100, Math.min(2_000, deadline - performance.now())),
        });
      }
      if (!program || !points.every((point) => satisfies(program!, point))) {
        return {
          status: 'unsolved',
          message: found.status === 'unsolved' ? found.message : 'no program found',
          rounds: round,
          stats: found.stats,
        };
      }
      const sygus = sygusOf(task);
      if (sygus && !grammarDerives(sygus, program)) {
        return {
          status: 'unsolved',
          message: `the program found is outside the problem's grammar: ${render(program).sygus}`,
          rounds: round,
          stats: found.stats,
        };
      }
      const rendering = render(program);
      const solved = (evidence: 'proved' | 'examples' | 'contract-unknown'): TaskSynthesis => ({
        status: 'solved',
        program: program!,
        rendering,
        evidence,
        rounds: round,
        stats: found.stats,
      });
      const checker = this.#options.checkContract;
      if (!task.contract?.post || !checker) return solved('examples');
      const code = sourceFor(task, rendering, program);
      const report = await checker({ task, code }, options);
      if (report.outcome.status === 'proved') return solved('proved');
      const counterexample = report.outcome.counterexample;
      if (report.outcome.status !== 'counterexample' || !counterexample) return solved('contract-unknown');
      const input = names.map((name) => toValue(counterexample.input[name]));
      if (!post || round + 1 >= maxRounds || points.some((point) => sameInput(point.input, input))) {
        return {
          status: 'unsolved',
          message: `the contract refutes every program found (last counterexample: ${JSON.stringify(counterexample.input)})`,
          rounds: round + 1,
          stats: found.stats,
        };
      }
      points.push(relational(input));
    }
  }
}

/** The rendering in the task's language (JavaScript: the TypeScript one without types). */
function sourceFor(task: Task, rendering: Rendering, program: Program): string {
  if (task.language === 'python') return rendering.python;
  if (task.language === 'typescript') return rendering.typescript;
  const { space } = searchSpaceOf(task);
  return renderJavaScript({ program, name: task.entryPoint, params: space.params, returns: space.returns });
}

function clause(text: string | undefined, language: Task['language']): Clause | undefined {
  if (!text?.trim()) return undefined;
  return parseClause(text, language);
}

function holds(post: Clause, names: readonly string[], input: readonly Value[], output: Value): boolean {
  const env = new Map<string, Value>(names.map((name, i) => [name, input[i]!]));
  env.set('result', output);
  try {
    return post.evaluate(env);
  } catch {
    // A clause that cannot be evaluated on this output (an index out of range) rejects it.
    return false;
  }
}

function toValue(value: unknown): Value {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((item) => Number(item));
  return value as Value;
}

function sameInput(a: readonly Value[], b: readonly Value[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Deterministic small inputs satisfying the precondition, for contract-only tasks. */
function seedInputs(space: SearchSpace, pre: Clause | undefined, names: readonly string[]): Value[][] {
  const inputs: Value[][] = [];
  const pools = space.params.map((param) => SEEDS[param.sort]);
  // Walk the product of the seed pools along a stride so parameters vary together.
  const total = pools.reduce((product, pool) => product * pool.length, 1);
  for (let k = 0; k < Math.min(total, 5_000) && inputs.length < SEED_POINTS; k++) {
    let rest = (k * 7919) % total;
    const input = pools.map((pool) => {
      const value = pool[rest % pool.length]!;
      rest = Math.floor(rest / pool.length);
      return value;
    });
    if (pre) {
      const env = new Map<string, Value>(names.map((name, i) => [name, input[i]!]));
      try {
        if (!pre.evaluate(env)) continue;
      } catch {
        continue;
      }
    }
    if (!inputs.some((known) => sameInput(known, input))) inputs.push(input);
  }
  return inputs;
}
