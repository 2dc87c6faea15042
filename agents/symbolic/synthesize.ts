/**
 * One synthesis call: enumerate terms on a working subset of the examples, join them with
 * conditions when no single term fits, check the result on every example, and grow the
 * subset with the examples that refute it (counterexample-guided over the example set).
 */
import { type Bits, count, emptyBits, fullBits, or, setBit } from './bitset.js';
import { concatenate } from './concatenate.js';
import { accepts, BudgetExceeded, Enumerator } from './enumerate.js';
import { evaluate, type Program, Undefined, type Value } from './language.js';
import {
  type Point,
  type SearchSpace,
  SYNTHESIS_DEFAULTS,
  type SynthesisBudget,
  type SynthesisResult,
  type SynthesisStats,
} from './search-space.js';
import { type CoverTerm, type Predicate, unify, usefulTerms } from './unify.js';

/** Examples the first round works on when there are more. */
const INITIAL_EXAMPLES = 6;

export interface SynthesizeInput {
  space: SearchSpace;
  points: readonly Point[];
  budget?: SynthesisBudget;
}

export function synthesize(input: SynthesizeInput): SynthesisResult {
  const budget = { ...SYNTHESIS_DEFAULTS, ...input.budget };
  const started = performance.now();
  const deadline = started + budget.timeMs;
  const stats: SynthesisStats = { terms: 0, size: 0, examplesUsed: 0, durationMs: 0 };
  const done = <T extends SynthesisResult>(result: T): T => {
    stats.durationMs = Math.round(performance.now() - started);
    return result;
  };
  const clash = contradiction(input.points);
  if (clash) return done({ status: 'contradictory', message: clash, stats });
  if (input.points.length === 0) {
    return done({
      status: 'unsolved',
      reason: 'exhausted',
      message: 'no examples to synthesize from',
      stats,
    });
  }

  const all = input.points;
  const working = initialSubset(all.length).map((index) => all[index]!);
  for (;;) {
    stats.examplesUsed = working.length;
    const result = search(input.space, working, budget, deadline, stats);
    if (result.status !== 'solved') return done(result);
    const refuting = all.filter((point) => !satisfies(result.program, point)).slice(0, 2);
    if (refuting.length === 0) return done(result);
    working.push(...refuting);
  }
}

function initialSubset(total: number): number[] {
  if (total <= INITIAL_EXAMPLES) return Array.from({ length: total }, (_, i) => i);
  const step = total / INITIAL_EXAMPLES;
  return Array.from({ length: INITIAL_EXAMPLES }, (_, i) => Math.floor(i * step));
}

export function satisfies(program: Program, point: Point): boolean {
  let output: Value;
  try {
    output = evaluate(program, point.input);
  } catch (error) {
    if (error instanceof Undefined) return false;
    throw error;
  }
  return accepts(point, output);
}

function contradiction(points: readonly Point[]): string | undefined {
  const outputs = new Map<string, Value>();
  for (const point of points) {
    if (point.expected === undefined) continue;
    const key = JSON.stringify(point.input);
    const known = outputs.get(key);
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(point.expected)) {
      return `contradictory examples: input ${key} maps to both ${JSON.stringify(known)} and ${JSON.stringify(point.expected)}`;
    }
    outputs.set(key, point.expected);
  }
  return undefined;
}

function search(
  space: SearchSpace,
  points: readonly Point[],
  budget: Required<SynthesisBudget>,
  deadline: number,
  stats: SynthesisStats,
): SynthesisResult {
  const conditionals = space.operators.some((op) => op.name === 'ite' && op.result === space.returns);
  const goals: CoverTerm[] = [];
  const target = fullBits(points.length);
  let union: Bits = emptyBits(points.length);
  let found: Program | undefined;
  const enumerator = new Enumerator({
    space,
    points,
    deadline,
    maxValues: budget.maxValues,
    // Terms are conditional-free (the EUSolver split): unification builds the result's
    // conditionals, and an `ite` inside a term multiplies the bank for little gain.
    skip: (op) => op.name === 'ite' && (conditionals || op.result !== space.returns),
    onGoalTerm: (term, cover) => {
      if (count(cover) === points.length) {
        found = term.program;
        return true;
      }
      goals.push({ program: term.program, cover, size: term.size });
      union = or(union, cover);
      return false;
    },
  });
  const outputs = points.map((point) => point.expected);
  const concatenation =
    space.returns === 'String' &&
    space.operators.some((op) => op.name === 'str.++') &&
    outputs.every((output): output is string => typeof output === 'string');
  let emptyLevels = 0;
  let unifiedAt = -1;
  try {
    while (enumerator.size < budget.maxSize) {
      const before = enumerator.termCount;
      if (enumerator.grow()) break;
      stats.size = enumerator.size;
      stats.terms = enumerator.termCount;
      emptyLevels = enumerator.termCount === before ? emptyLevels + 1 : 0;
      if (
        conditionals &&
        count(union) === points.length &&
        enumerator.size >= 2 &&
        goals.length !== unifiedAt
      ) {
        unifiedAt = goals.length;
        found = unify({
          terms: usefulTerms(goals),
          predicates: predicates(enumerator, points.length),
          target,
          sort: space.returns,
          maxDepth: budget.maxTreeDepth,
        });
        if (found) break;
      }
      if (concatenation && enumerator.size >= 2) {
        found = concatenate({
          terms: enumerator.terms('String'),
          outputs: outputs as string[],
          maxPieces: 6,
          maxStates: 5_000,
          deadline,
        });
        if (found) break;
      }
      if (emptyLevels >= 4) {
        return {
          status: 'unsolved',
          reason: 'exhausted',
          message: 'no program of the grammar fits the examples (every term enumerated)',
          stats,
        };
      }
      if (performance.now() > deadline) throw new BudgetExceeded('time');
    }
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    return {
      status: 'unsolved',
      reason: error.reason,
      message: `unsolved within budget: ${error.reason === 'time' ? `${budget.timeMs} ms` : `${budget.maxValues} stored values`} spent, terms enumerated up to size ${stats.size}`,
      stats,
    };
  }
  if (found) return { status: 'solved', program: found, stats };
  return {
    status: 'unsolved',
    reason: 'size',
    message: `unsolved within budget: no program of size ≤ ${budget.maxSize} fits the examples`,
    stats,
  };
}

function predicates(enumerator: Enumerator, width: number): Predicate[] {
  return enumerator.terms('Bool').map((term) => {
    const truth = emptyBits(width);
    term.values.forEach((value, j) => {
      if (value === true) setBit(truth, j);
    });
    return { program: term.program, truth };
  });
}
