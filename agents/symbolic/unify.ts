/**
 * Conditionals by divide and conquer (the EUSolver idea): terms that are right on subsets
 * of the examples, joined by a decision tree whose conditions are enumerated predicates.
 * Programs with branches are found without enumerating them whole.
 */
import { and, andNot, type Bits, bitsKey, count, countAnd, countAndNot, isSubset } from './bitset.js';
import type { Program, Sort } from './language.js';

export interface CoverTerm {
  program: Program;
  cover: Bits;
  size: number;
}

export interface Predicate {
  program: Program;
  /** Examples where the predicate is true. */
  truth: Bits;
}

/** Keeps the smallest term per cover, then drops terms whose cover another's contains. */
export function usefulTerms(terms: readonly CoverTerm[]): CoverTerm[] {
  const byCover = new Map<string, CoverTerm>();
  for (const term of terms) {
    if (count(term.cover) === 0) continue;
    const key = bitsKey(term.cover);
    const known = byCover.get(key);
    if (!known || term.size < known.size) byCover.set(key, term);
  }
  const distinct = [...byCover.values()].sort((a, b) => count(b.cover) - count(a.cover) || a.size - b.size);
  if (distinct.length > 4000) return distinct.slice(0, 4000);
  const kept: CoverTerm[] = [];
  for (const term of distinct) {
    if (!kept.some((other) => isSubset(term.cover, other.cover))) kept.push(term);
  }
  return kept;
}

export interface UnifyInput {
  terms: readonly CoverTerm[];
  predicates: readonly Predicate[];
  /** The examples to cover. */
  target: Bits;
  sort: Sort;
  maxDepth: number;
}

/** A decision tree over the predicates with a term at each leaf, or undefined. */
export function unify(input: UnifyInput): Program | undefined {
  const { terms, predicates, sort } = input;
  const learn = (examples: Bits, depth: number): Program | undefined => {
    let leaf: CoverTerm | undefined;
    for (const term of terms) {
      if (isSubset(examples, term.cover) && (!leaf || term.size < leaf.size)) leaf = term;
    }
    if (leaf) return leaf.program;
    if (depth === 0) return undefined;
    const total = count(examples);
    let best: { predicate: Predicate; score: number } | undefined;
    for (const predicate of predicates) {
      const yes = countAnd(examples, predicate.truth);
      if (yes === 0 || yes === total) continue;
      const trueSide = and(examples, predicate.truth);
      const falseSide = andNot(examples, predicate.truth);
      let coverTrue = 0;
      let coverFalse = 0;
      for (const term of terms) {
        coverTrue = Math.max(coverTrue, countAnd(trueSide, term.cover));
        coverFalse = Math.max(coverFalse, countAnd(falseSide, term.cover));
      }
      // Sides a single term finishes count double: they close a branch.
      const score =
        coverTrue +
        coverFalse +
        (coverTrue === yes ? yes : 0) +
        (coverFalse === total - yes ? total - yes : 0);
      if (!best || score > best.score) best = { predicate, score };
    }
    if (!best) return undefined;
    const whenTrue = learn(and(examples, best.predicate.truth), depth - 1);
    if (!whenTrue) return undefined;
    const whenFalse = learn(andNot(examples, best.predicate.truth), depth - 1);
    if (!whenFalse) return undefined;
    return { kind: 'call', op: 'ite', args: [best.predicate.program, whenTrue, whenFalse], sort };
  };
  if (countAndNot(input.target, unionOf(terms, input.target)) > 0) return undefined;
  return learn(input.target, input.maxDepth);
}

function unionOf(terms: readonly CoverTerm[], width: Bits): Bits {
  let union = width.map(() => 0);
  for (const term of terms) union = union.map((word, i) => word | term.cover[i]!);
  return union;
}
