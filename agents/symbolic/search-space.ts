import type { Operator, Program, Sort, Value } from './language.js';

/** What the enumerator may build: the signature, the operations and the constants. */
export interface SearchSpace {
  params: { name: string; sort: Sort }[];
  returns: Sort;
  operators: Operator[];
  constants: { sort: Sort; value: Value }[];
}

/**
 * One example the program must satisfy: either an expected output, or (from a contract or
 * a declarative SyGuS constraint) a check on the output for this input.
 */
export interface Point {
  input: Value[];
  expected?: Value;
  /** True when `output` satisfies the specification at this input. */
  accepts?: (output: Value) => boolean;
}

/** Limits of one synthesis call. */
export interface SynthesisBudget {
  /** Wall-clock limit. @default 10_000 */
  timeMs?: number;
  /** Largest program size (nodes) enumerated as one term. @default 24 */
  maxSize?: number;
  /** Cap on stored term values (terms × examples), bounding memory. @default 20_000_000 */
  maxValues?: number;
  /** Depth of the decision trees that join terms with conditions. @default 8 */
  maxTreeDepth?: number;
}

export const SYNTHESIS_DEFAULTS = {
  timeMs: 10_000,
  maxSize: 24,
  maxValues: 20_000_000,
  maxTreeDepth: 8,
} satisfies Required<SynthesisBudget>;

export interface SynthesisStats {
  /** Distinct terms kept after observational-equivalence pruning. */
  terms: number;
  /** Largest size fully enumerated. */
  size: number;
  /** Examples the search worked on (a subset grows as the full set refutes candidates). */
  examplesUsed: number;
  durationMs: number;
}

export type SynthesisResult =
  | { status: 'solved'; program: Program; stats: SynthesisStats }
  | {
      status: 'unsolved';
      /** `time`, `size` and `memory` are budgets; `exhausted`: nothing in the space fits. */
      reason: 'time' | 'size' | 'memory' | 'exhausted';
      message: string;
      stats: SynthesisStats;
    }
  | { status: 'contradictory'; message: string; stats: SynthesisStats };
