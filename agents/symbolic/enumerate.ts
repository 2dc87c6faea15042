/**
 * Bottom-up enumeration by size with observational equivalence: a term is kept only when
 * its values on the examples differ from every smaller term's of its sort, so the bank
 * grows with behaviours, not with syntax.
 */
import { type Bits, emptyBits, setBit } from './bitset.js';
import { type Operator, type Program, type Sort, Undefined, type Value, valuesEqual } from './language.js';
import type { Point, SearchSpace } from './search-space.js';

export interface Term {
  program: Program;
  values: Value[];
  size: number;
}

/** Why enumeration stopped early. */
export class BudgetExceeded extends Error {
  constructor(readonly reason: 'time' | 'memory') {
    super(reason === 'time' ? 'out of time' : 'out of memory for terms');
  }
}

export function accepts(point: Point, output: Value): boolean {
  if (point.expected !== undefined) return valuesEqual(point.expected, output);
  return point.accepts ? point.accepts(output) : false;
}

// No closures in the hot path: the loader's name-keeping wrapper would run per call.
function mix(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** A 32-bit FNV-1a hash of a value vector; equal hashes are confirmed value by value. */
function valuesHash(values: readonly Value[]): number {
  let hash = 0x811c9dc5;
  for (const value of values) {
    if (typeof value === 'string') {
      hash = mix(hash, 0x73);
      for (let i = 0; i < value.length; i++) hash = mix(hash, value.charCodeAt(i));
    } else if (typeof value === 'number') {
      hash = mix(mix(mix(hash, 0x6e), value | 0), (value / 4294967296) | 0);
    } else if (typeof value === 'boolean') {
      hash = mix(hash, value ? 0x74 : 0x66);
    } else {
      hash = mix(hash, 0x6c);
      for (const item of value) hash = mix(hash, item | 0);
    }
    hash = mix(hash, 0);
  }
  return hash >>> 0;
}

function sameValues(a: readonly Value[], b: readonly Value[]): boolean {
  for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i]!, b[i]!)) return false;
  return true;
}

export interface EnumeratorOptions {
  space: SearchSpace;
  points: readonly Point[];
  deadline: number;
  maxValues: number;
  /** Operators left out (the result sort's `ite`, which unification builds instead). */
  skip?: (operator: Operator) => boolean;
  /** Called with each new term of the return sort; return true to stop. */
  onGoalTerm: (term: Term, cover: Bits) => boolean;
}

export class Enumerator {
  readonly bySort = new Map<Sort, Term[][]>();
  readonly #seen = new Map<Sort, Map<number, Value[][]>>();
  readonly #options: EnumeratorOptions;
  readonly #operators: Operator[];
  #stored = 0;
  #steps = 0;
  #stopped = false;
  size = 0;

  constructor(options: EnumeratorOptions) {
    this.#options = options;
    this.#operators = options.space.operators.filter((operator) => !options.skip?.(operator));
    const sorts = new Set<Sort>([options.space.returns, ...options.space.params.map((p) => p.sort)]);
    for (const operator of this.#operators) {
      sorts.add(operator.result);
      for (const arg of operator.args) sorts.add(arg);
    }
    for (const sort of sorts) {
      this.bySort.set(sort, [[]]);
      this.#seen.set(sort, new Map());
    }
  }

  get termCount(): number {
    return this.#stored;
  }

  /** Terms of a sort up to the current size, smallest first. */
  terms(sort: Sort): Term[] {
    return (this.bySort.get(sort) ?? []).flat();
  }

  /** Enumerates every term of the next size; returns true when `onGoalTerm` asked to stop. */
  grow(): boolean {
    const size = ++this.size;
    for (const levels of this.bySort.values()) levels[size] = [];
    const { space, points } = this.#options;
    if (size === 1) {
      space.params.forEach((param, index) => {
        this.#add(
          param.sort,
          { kind: 'var', index, name: param.name, sort: param.sort },
          points.map((point) => point.input[index]!),
          1,
        );
      });
      for (const constant of space.constants) {
        this.#add(
          constant.sort,
          { kind: 'const', value: constant.value, sort: constant.sort },
          points.map(() => constant.value),
          1,
        );
      }
      return this.#stopped;
    }
    for (const operator of this.#operators) {
      this.#combine(operator, size);
      if (this.#stopped) return true;
    }
    return this.#stopped;
  }

  #combine(operator: Operator, size: number): void {
    const arity = operator.args.length;
    const childSizes = new Array<number>(arity).fill(1);
    const points = this.#options.points.length;
    const split = (position: number, remaining: number): void => {
      if (this.#stopped) return;
      if (position === arity - 1) {
        childSizes[position] = remaining;
        this.#apply(operator, childSizes, size, points);
        return;
      }
      for (let first = 1; first <= remaining - (arity - 1 - position); first++) {
        childSizes[position] = first;
        split(position + 1, remaining - first);
      }
    };
    if (size - 1 >= arity) split(0, size - 1);
  }

  #apply(operator: Operator, childSizes: number[], size: number, points: number): void {
    const lists = operator.args.map((sort, position) => this.bySort.get(sort)?.[childSizes[position]!] ?? []);
    if (lists.some((terms) => terms.length === 0)) return;
    const chosen = new Array<Term>(lists.length);
    const args = new Array<Value>(lists.length);
    const symmetric = operator.commutative === true && childSizes[0] === childSizes[1];
    const scratch = new Array<Value>(points);
    const walk = (position: number, from: number): void => {
      if (this.#stopped) return;
      if (position === lists.length) {
        this.#tick();
        try {
          for (let j = 0; j < points; j++) {
            for (let a = 0; a < chosen.length; a++) args[a] = chosen[a]!.values[j]!;
            scratch[j] = operator.apply(args);
          }
        } catch (error) {
          if (error instanceof Undefined) return;
          throw error;
        }
        const values = this.#admit(operator.result, scratch);
        if (values) {
          const args = chosen.map((term) => term.program);
          this.#store({
            program: { kind: 'call', op: operator.name, args, sort: operator.result },
            values,
            size,
          });
        }
        return;
      }
      const terms = lists[position]!;
      const start = symmetric && position === 1 ? from : 0;
      for (let i = start; i < terms.length; i++) {
        chosen[position] = terms[i]!;
        walk(position + 1, i);
        if (this.#stopped) return;
      }
    };
    walk(0, 0);
  }

  #tick(): void {
    if ((++this.#steps & 1023) === 0 && performance.now() > this.#options.deadline)
      throw new BudgetExceeded('time');
  }

  /** A copy of `scratch` when no term of the sort has these values yet, else undefined. */
  #admit(sort: Sort, scratch: readonly Value[]): Value[] | undefined {
    const seen = this.#seen.get(sort);
    if (!seen) return undefined;
    const hash = valuesHash(scratch);
    const bucket = seen.get(hash);
    if (bucket) for (const known of bucket) if (sameValues(known, scratch)) return undefined;
    const values = scratch.slice();
    if (bucket) bucket.push(values);
    else seen.set(hash, [values]);
    return values;
  }

  #add(sort: Sort, program: Program, scratch: readonly Value[], size: number): void {
    const values = this.#admit(sort, scratch);
    if (!values) return;
    this.#store({ program, values, size });
  }

  #store(term: Term): void {
    const { program, values } = term;
    const sort = program.sort;
    this.bySort.get(sort)![term.size]!.push(term);
    this.#stored++;
    if (this.#stored * Math.max(1, values.length) > this.#options.maxValues)
      throw new BudgetExceeded('memory');
    if (sort === this.#options.space.returns) {
      const points = this.#options.points;
      const cover = emptyBits(points.length);
      for (let j = 0; j < points.length; j++) if (accepts(points[j]!, values[j]!)) setBit(cover, j);
      if (this.#options.onGoalTerm(term, cover)) this.#stopped = true;
    }
  }
}
