/**
 * The state of a guarded symbolic execution, shared by the Python and TypeScript
 * front-ends. Instead of forking paths, every statement runs under the condition that
 * reaches it (the path stack, not yet returned, not broken out of); an assignment stores
 * `ite(active, new, old)`. Branches therefore cost a merge, not a fork, and loops unroll
 * to a bound, recording where the bound was reached so a second query can tell whether
 * it covers every input the precondition admits.
 *
 * Operations here implement the value semantics both languages share (lists, strings,
 * comparisons) and the two integer divisions (Python floors, JavaScript truncates).
 */
import type { Node } from 'web-tree-sitter';
import {
  and,
  app,
  eq,
  FALSE,
  implies,
  intLiteral,
  ite,
  not,
  or,
  type ScriptBuilder,
  stringLiteral,
  type Term,
  TRUE,
} from '../terms.js';
import {
  isScalar,
  type ListValue,
  NONE,
  type ScalarKind,
  type ScalarValue,
  SORT_OF,
  scalar,
  UnsupportedConstruct,
  type Value,
} from './values.js';

/** Unrolling and capacity limits. */
export interface Bounds {
  /** Iterations unrolled for a loop whose count is symbolic. */
  loopBound: number;
  /** Element slots of a list parameter (its length is at most this). */
  listCapacity: number;
  /** Most iterations unrolled even when the count is a literal. */
  maxConcreteIterations: number;
  /**
   * Ceilings for bounds read from the precondition (`len(xs) <= 8`, `n < 12`): a literal
   * bound up to these raises `listCapacity` / `loopBound` so the proof can be complete.
   */
  maxListCapacityFromPre: number;
  maxLoopBoundFromPre: number;
}

/** A safety condition that must hold where it is reached (index in range, divisor not 0). */
export interface Obligation {
  /** Bool term: true when safe (already guarded by the condition that reaches it). */
  term: Term;
  violates: string;
}

interface LoopFlags {
  broken: Term;
  continued: Term;
}

export interface Frame {
  name: string;
  env: Map<string, Value>;
  returned: Term;
  result: Value | undefined;
  loops: LoopFlags[];
  /** Names whose list may be shared with another name: mutating them is not modelled. */
  shared: Set<string>;
  /** Names assigned on some paths only: the condition under which each holds a value. */
  definedWhen: Map<string, Term>;
}

export interface Iteration {
  count: number;
  /** Whether iteration `index` runs (given the loop was entered). */
  has(index: number): Term;
  element(index: number): Value;
}

export class Machine {
  readonly builder: ScriptBuilder;
  readonly bounds: Bounds;
  readonly obligations: Obligation[] = [];
  /** Conditions under which an unrolling or capacity bound was reached. */
  readonly boundHits: Term[] = [];
  readonly path: Term[] = [];
  readonly frames: Frame[] = [];
  /** Module-level constants (read-only from functions), by name. */
  readonly globals = new Map<string, Value>();
  /** Set when some loop was unrolled (the answer holds up to the bounds unless shown complete). */
  unrolled = false;
  /** Set when a product or a division has no literal operand (the solver needs nonlinear arithmetic). */
  nonlinear = false;

  constructor(options: { builder: ScriptBuilder; bounds: Bounds }) {
    this.builder = options.builder;
    this.bounds = options.bounds;
  }

  get frame(): Frame {
    const frame = this.frames.at(-1);
    if (!frame) throw new Error('no active frame');
    return frame;
  }

  pushFrame(name: string, env: Map<string, Value>, shared: Iterable<string> = []): Frame {
    const frame: Frame = {
      name,
      env,
      returned: FALSE,
      result: undefined,
      loops: [],
      shared: new Set(shared),
      definedWhen: new Map(),
    };
    this.frames.push(frame);
    return frame;
  }

  popFrame(): Frame {
    const frame = this.frames.pop();
    if (!frame) throw new Error('no frame to pop');
    return frame;
  }

  /** The condition under which the statement being executed runs. */
  active(): Term {
    const frame = this.frames.at(-1);
    const flags = frame
      ? [not(frame.returned), ...frame.loops.map((loop) => not(or(loop.broken, loop.continued)))]
      : [];
    return this.builder.share('Bool', and(...this.path, ...flags));
  }

  withPath<T>(condition: Term, run: () => T): T {
    this.path.push(condition);
    try {
      return run();
    } finally {
      this.path.pop();
    }
  }

  require(safe: Term, violates: string): void {
    const term = implies(this.active(), safe);
    if (term !== TRUE) this.obligations.push({ term: this.builder.share('Bool', term), violates });
  }

  hitBound(condition: Term): void {
    const term = and(this.active(), condition);
    if (term !== FALSE) this.boundHits.push(this.builder.share('Bool', term));
  }

  /**
   * The list a statement is about to mutate in place. Module-level lists and lists that may
   * have another name (an alias or a caller's argument) are outside the subset.
   */
  mutableList(holder: Node, noun: 'list' | 'array'): ListValue {
    if (!this.frame.env.has(holder.text) && this.globals.has(holder.text)) {
      throw new UnsupportedConstruct(`mutation of a module-level ${noun}`, holder, holder.text);
    }
    const list = this.lookup(holder.text, holder);
    if (list.kind !== 'list') throw new UnsupportedConstruct('mutation', holder, `of a ${list.kind}`);
    if (this.frame.shared.has(holder.text)) {
      throw new UnsupportedConstruct(
        `mutation of a shared ${noun}`,
        holder,
        `"${holder.text}" may have another name`,
      );
    }
    return list;
  }

  lookup(name: string, node: Node): Value {
    const value = this.frame.env.get(name) ?? this.globals.get(name);
    if (!value) throw new UnsupportedConstruct('name', node, `"${name}" is not defined here`);
    const defined = this.frame.definedWhen.get(name);
    if (defined !== undefined) {
      this.require(
        defined,
        `"${name}" is read before any assignment on some path (line ${node.startPosition.row + 1})`,
      );
    }
    return value;
  }

  assign(name: string, value: Value): void {
    const { env, definedWhen } = this.frame;
    const old = env.get(name);
    const active = this.active();
    if (active === TRUE) definedWhen.delete(name);
    else if (old === undefined) definedWhen.set(name, active);
    else if (definedWhen.has(name))
      definedWhen.set(name, this.builder.share('Bool', or(definedWhen.get(name)!, active)));
    env.set(name, old === undefined || active === TRUE ? value : this.merge(active, value, old));
  }

  doReturn(value: Value): void {
    const frame = this.frame;
    const active = this.active();
    frame.result = frame.result === undefined ? value : this.merge(active, value, frame.result);
    frame.returned = this.builder.share('Bool', or(frame.returned, active));
  }

  /** Runs an unrolled loop: `bind` stores the element, `body` runs one iteration. */
  loop(iteration: Iteration, bind: (value: Value) => void, body: () => void): void {
    const flags: LoopFlags = { broken: FALSE, continued: FALSE };
    this.frame.loops.push(flags);
    let depth = 0;
    try {
      for (let index = 0; index < iteration.count; index++) {
        this.path.push(iteration.has(index));
        depth++;
        flags.continued = FALSE;
        bind(iteration.element(index));
        body();
      }
      flags.continued = FALSE;
      const more = iteration.has(iteration.count);
      if (more !== FALSE) {
        this.unrolled = true;
        this.path.push(more);
        depth++;
        this.hitBound(TRUE);
      }
    } finally {
      this.path.splice(this.path.length - depth, depth);
      this.frame.loops.pop();
    }
  }

  /**
   * A `while` loop: `condition` is evaluated before each iteration in the current state;
   * `after` (a C-style `for` increment) runs after the body, also after a `continue`.
   */
  whileLoop(condition: () => Term, body: () => void, after?: () => void): void {
    const flags: LoopFlags = { broken: FALSE, continued: FALSE };
    this.frame.loops.push(flags);
    let depth = 0;
    try {
      for (let index = 0; index < this.bounds.loopBound; index++) {
        flags.continued = FALSE;
        const holds = condition();
        if (holds === FALSE) return;
        this.path.push(holds);
        depth++;
        body();
        flags.continued = FALSE;
        after?.();
      }
      flags.continued = FALSE;
      const more = condition();
      if (more !== FALSE) {
        this.unrolled = true;
        this.path.push(more);
        depth++;
        this.hitBound(TRUE);
      }
    } finally {
      this.path.splice(this.path.length - depth, depth);
      this.frame.loops.pop();
    }
  }

  doBreak(node: Node): void {
    const loop = this.frame.loops.at(-1);
    if (!loop) throw new UnsupportedConstruct('break outside a loop', node);
    loop.broken = this.builder.share('Bool', or(loop.broken, this.active()));
  }

  doContinue(node: Node): void {
    const loop = this.frame.loops.at(-1);
    if (!loop) throw new UnsupportedConstruct('continue outside a loop', node);
    loop.continued = this.builder.share('Bool', or(loop.continued, this.active()));
  }

  // -------------------------------------------------------------------------------------
  // Merging and conversions

  merge(condition: Term, then: Value, otherwise: Value): Value {
    if (condition === TRUE) return then;
    if (condition === FALSE) return otherwise;
    if (then === otherwise) return then;
    if (isScalar(then) && isScalar(otherwise)) {
      if (then.kind === otherwise.kind) {
        return scalar(
          then.kind,
          this.builder.share(SORT_OF[then.kind], ite(condition, then.term, otherwise.term)),
        );
      }
      if (isNumeric(then) && isNumeric(otherwise)) {
        return scalar('real', this.builder.share('Real', ite(condition, toReal(then), toReal(otherwise))));
      }
    }
    if (then.kind === 'list' && otherwise.kind === 'list') {
      const elem = then.elem ?? otherwise.elem;
      const capacity = Math.max(then.items.length, otherwise.items.length);
      const left = this.padList(then, capacity, elem);
      const right = this.padList(otherwise, capacity, elem);
      return {
        kind: 'list',
        elem,
        len: this.builder.share('Int', ite(condition, left.len, right.len)),
        items: left.items.map(
          (item, index) => this.merge(condition, item, right.items[index]!) as ScalarValue,
        ),
      };
    }
    if (then.kind === 'none' && otherwise.kind === 'none') return NONE;
    if (then.kind === 'tuple' && otherwise.kind === 'tuple' && then.items.length === otherwise.items.length) {
      return {
        kind: 'tuple',
        items: then.items.map((item, index) => this.merge(condition, item, otherwise.items[index]!)),
      };
    }
    throw new UnsupportedConstruct(
      'value',
      undefined,
      `a variable or result holds a ${then.kind} on one path and a ${otherwise.kind} on another`,
    );
  }

  padList(list: ListValue, capacity: number, elem: ScalarKind | undefined): ListValue {
    if (list.items.length >= capacity) return { ...list, elem };
    const fill = defaultScalar(elem ?? 'int');
    const items = [...list.items];
    while (items.length < capacity) items.push(fill);
    return { kind: 'list', elem, len: list.len, items };
  }

  // -------------------------------------------------------------------------------------
  // Arithmetic

  arith(op: '+' | '-' | '*', left: Value, right: Value, node: Node): Value {
    if (op === '*' && isScalar(left) && isScalar(right) && !isLiteral(left.term) && !isLiteral(right.term)) {
      this.nonlinear = true;
    }
    if (left.kind === 'int' && right.kind === 'int')
      return scalar('int', this.builder.share('Int', app(op, left.term, right.term)));
    if (isNumeric(left) && isNumeric(right)) {
      return scalar('real', this.builder.share('Real', app(op, toReal(left), toReal(right))));
    }
    if (op === '+' && left.kind === 'str' && right.kind === 'str') {
      return scalar('str', this.builder.share('String', app('str.++', left.term, right.term)));
    }
    if (op === '+' && left.kind === 'list' && right.kind === 'list')
      return this.concatLists(left, right, node);
    throw new UnsupportedConstruct(`operator ${op}`, node, `on ${left.kind} and ${right.kind}`);
  }

  negate(value: Value, node: Node): Value {
    if (value.kind === 'int' || value.kind === 'real') return scalar(value.kind, app('-', value.term));
    throw new UnsupportedConstruct('unary -', node, `on ${value.kind}`);
  }

  /** `/`: true division on numbers (both languages), with a divisor-not-zero obligation. */
  trueDivide(left: Value, right: Value, node: Node, violates: string): Value {
    if (!isNumeric(left) || !isNumeric(right))
      throw new UnsupportedConstruct('operator /', node, `on ${left.kind}`);
    if (!isLiteral(right.term)) this.nonlinear = true;
    this.require(not(eq(right.term, right.kind === 'int' ? '0' : '0.0')), violates);
    return scalar('real', this.builder.share('Real', app('/', toReal(left), toReal(right))));
  }

  /**
   * Integer division and remainder. Z3's `div`/`mod` are Euclidean (remainder >= 0); one
   * pair plus a sign correction gives Python's floor semantics and JavaScript's truncating
   * remainder (the probe found this proves where nested if-then-else encodings time out).
   */
  intDivMod(left: Term, right: Term, semantics: 'floor' | 'truncate'): { quotient: Term; remainder: Term } {
    const b = this.builder;
    if (!isLiteral(right)) this.nonlinear = true;
    const q = b.share('Int', app('div', left, right));
    const r = b.share('Int', app('mod', left, right));
    const inexact = not(eq(r, '0'));
    // A positive literal divisor (the common `% 2`, `// 10`): floor and Euclid agree, and
    // truncation only differs for a negative dividend.
    const positive = /^\d+$/.test(right) && right !== '0';
    if (semantics === 'floor') {
      if (positive) return { quotient: q, remainder: r };
      const fix = b.share('Bool', and(app('<', right, '0'), inexact));
      return {
        quotient: b.share('Int', ite(fix, app('-', q, '1'), q)),
        remainder: b.share('Int', ite(fix, app('+', r, right), r)),
      };
    }
    const fix = b.share('Bool', and(app('<', left, '0'), inexact));
    const absRight = positive ? right : ite(app('<', right, '0'), app('-', right), right);
    const step = positive ? app('+', q, '1') : ite(app('>', right, '0'), app('+', q, '1'), app('-', q, '1'));
    return {
      quotient: b.share('Int', ite(fix, step, q)),
      remainder: b.share('Int', ite(fix, app('-', r, absRight), r)),
    };
  }

  // -------------------------------------------------------------------------------------
  // Comparisons

  equals(left: Value, right: Value, node: Node): Term {
    if (isScalar(left) && isScalar(right)) {
      if (left.kind === right.kind) return eq(left.term, right.term);
      if (isNumeric(left) && isNumeric(right)) return eq(toReal(left), toReal(right));
      // Python's True == 1 holds and JavaScript's true === 1 does not: not modelled.
      if (left.kind === 'bool' || right.kind === 'bool') {
        throw new UnsupportedConstruct('comparison', node, `between ${left.kind} and ${right.kind}`);
      }
      return FALSE;
    }
    if (left.kind === 'none' || right.kind === 'none') return left.kind === right.kind ? TRUE : FALSE;
    if (left.kind === 'list' && right.kind === 'list') {
      const capacity = Math.max(left.items.length, right.items.length);
      const elem = left.elem ?? right.elem;
      const a = this.padList(left, capacity, elem);
      const c = this.padList(right, capacity, elem);
      const parts = [eq(a.len, c.len)];
      for (let index = 0; index < capacity; index++) {
        parts.push(implies(app('<', `${index}`, a.len), this.equals(a.items[index]!, c.items[index]!, node)));
      }
      return this.builder.share('Bool', and(...parts));
    }
    if (left.kind === 'tuple' && right.kind === 'tuple' && left.items.length === right.items.length) {
      return and(...left.items.map((item, index) => this.equals(item, right.items[index]!, node)));
    }
    throw new UnsupportedConstruct('comparison ==', node, `between ${left.kind} and ${right.kind}`);
  }

  compare(op: '<' | '<=' | '>' | '>=', left: Value, right: Value, node: Node): Term {
    if (left.kind === 'int' && right.kind === 'int') return app(op, left.term, right.term);
    if (isNumeric(left) && isNumeric(right)) return app(op, toReal(left), toReal(right));
    if (left.kind === 'str' && right.kind === 'str') {
      if (op === '<') return app('str.<', left.term, right.term);
      if (op === '<=') return app('str.<=', left.term, right.term);
      if (op === '>') return app('str.<', right.term, left.term);
      return app('str.<=', right.term, left.term);
    }
    throw new UnsupportedConstruct(`comparison ${op}`, node, `between ${left.kind} and ${right.kind}`);
  }

  /** `needle in haystack` for a list or a string haystack. */
  contains(haystack: Value, needle: Value, node: Node): Term {
    if (haystack.kind === 'str' && needle.kind === 'str')
      return app('str.contains', haystack.term, needle.term);
    if (haystack.kind === 'list') {
      return this.builder.share(
        'Bool',
        or(
          ...haystack.items.map((item, index) =>
            and(app('<', `${index}`, haystack.len), this.equals(item, needle, node)),
          ),
        ),
      );
    }
    if (haystack.kind === 'range' && needle.kind === 'int' && haystack.step === 1) {
      return and(app('<=', haystack.start, needle.term), app('<', needle.term, haystack.stop));
    }
    throw new UnsupportedConstruct('membership test', node, `in a ${haystack.kind}`);
  }

  // -------------------------------------------------------------------------------------
  // Sequences

  length(value: Value, node: Node): Term {
    if (value.kind === 'str') return app('str.len', value.term);
    if (value.kind === 'list') return value.len;
    if (value.kind === 'range' && value.step === 1) {
      return this.builder.share(
        'Int',
        ite(app('<', value.start, value.stop), app('-', value.stop, value.start), '0'),
      );
    }
    throw new UnsupportedConstruct('length', node, `of a ${value.kind}`);
  }

  /** The element at a (normalised, in-range) symbolic position, as an if-then-else chain. */
  select(list: ListValue, index: Term): ScalarValue {
    const elem = list.elem ?? 'int';
    const literal = /^\d+$/.test(index) ? Number(index) : undefined;
    if (literal !== undefined) return list.items[literal] ?? defaultScalar(elem);
    if (list.items.length === 0) return defaultScalar(elem);
    let term = list.items.at(-1)!.term;
    for (let position = list.items.length - 2; position >= 0; position--) {
      term = ite(eq(index, `${position}`), list.items[position]!.term, term);
    }
    return scalar(elem, this.builder.share(SORT_OF[elem], term));
  }

  /** Python-style position: negative counts from the end; the result must be in range. */
  normaliseIndex(index: Term, length: Term, negativeFromEnd: boolean, violates: string): Term {
    const position = negativeFromEnd
      ? this.builder.share('Int', ite(app('<', index, '0'), app('+', index, length), index))
      : index;
    this.require(and(app('<=', '0', position), app('<', position, length)), violates);
    return position;
  }

  index(
    container: Value,
    index: Value,
    node: Node,
    options: { negativeFromEnd: boolean; violates: string },
  ): Value {
    if (index.kind !== 'int') throw new UnsupportedConstruct('subscript', node, `with a ${index.kind} index`);
    if (container.kind === 'list') {
      const position = this.normaliseIndex(
        index.term,
        container.len,
        options.negativeFromEnd,
        options.violates,
      );
      return this.select(container, position);
    }
    if (container.kind === 'str') {
      const position = this.normaliseIndex(
        index.term,
        app('str.len', container.term),
        options.negativeFromEnd,
        options.violates,
      );
      return scalar('str', this.builder.share('String', app('str.at', container.term, position)));
    }
    throw new UnsupportedConstruct('subscript', node, `of a ${container.kind}`);
  }

  /** Stores into a list slot (the position must already be normalised and checked). */
  store(list: ListValue, position: Term, value: Value, node: Node): ListValue {
    const elem = this.elementKind(list, value, node);
    const stored = coerce(value, elem, node);
    return {
      kind: 'list',
      elem,
      len: list.len,
      items: list.items.map((item, slot) => this.merge(eq(position, `${slot}`), stored, item) as ScalarValue),
    };
  }

  /** Python slice clamping: negative bounds count from the end, then clamp to [0, len]. */
  clampBound(bound: Term | undefined, length: Term, fallback: Term): Term {
    if (bound === undefined) return fallback;
    const b = this.builder;
    const shifted = ite(app('<', bound, '0'), app('+', bound, length), bound);
    return b.share('Int', ite(app('<', shifted, '0'), '0', ite(app('>', shifted, length), length, shifted)));
  }

  slice(container: Value, start: Term | undefined, stop: Term | undefined, node: Node): Value {
    const length = this.length(container, node);
    const from = this.clampBound(start, length, '0');
    const to = this.clampBound(stop, length, length);
    const count = this.builder.share('Int', ite(app('<', from, to), app('-', to, from), '0'));
    if (container.kind === 'str') {
      return scalar('str', this.builder.share('String', app('str.substr', container.term, from, count)));
    }
    if (container.kind === 'list') {
      // A literal non-negative start shifts slots statically (when it is past the end the
      // slice is empty and its slots are unobservable): no if-then-else chains.
      const shift = start !== undefined && /^\d+$/.test(start) ? Number(start) : undefined;
      return {
        kind: 'list',
        elem: container.elem,
        len: count,
        items: container.items.map((_, slot) =>
          shift !== undefined
            ? (container.items[shift + slot] ?? defaultScalar(container.elem ?? 'int'))
            : this.select(container, this.builder.share('Int', app('+', from, `${slot}`))),
        ),
      };
    }
    throw new UnsupportedConstruct('slice', node, `of a ${container.kind}`);
  }

  reversed(container: Value, node: Node): Value {
    if (container.kind !== 'list') throw new UnsupportedConstruct('reversal', node, `of a ${container.kind}`);
    return {
      kind: 'list',
      elem: container.elem,
      len: container.len,
      items: container.items.map((_, slot) =>
        this.select(container, this.builder.share('Int', app('-', container.len, `${slot + 1}`))),
      ),
    };
  }

  append(list: ListValue, value: Value, node: Node): ListValue {
    const elem = this.elementKind(list, value, node);
    const stored = coerce(value, elem, node);
    const capacity = list.items.length;
    const items = list.items.map(
      (item, slot) => this.merge(eq(list.len, `${slot}`), stored, item) as ScalarValue,
    );
    items.push(stored);
    return {
      kind: 'list',
      elem,
      len: this.builder.share('Int', app('+', list.len, '1')),
      items: items.slice(0, capacity + 1),
    };
  }

  concatLists(left: ListValue, right: ListValue, node: Node): ListValue {
    let out: ListValue = { ...left, items: [...left.items] };
    const iteration = this.iterate(right, node);
    for (let index = 0; index < iteration.count; index++) {
      out = this.merge(
        iteration.has(index),
        this.append(out, iteration.element(index), node),
        out,
      ) as ListValue;
    }
    return out;
  }

  emptyList(elem: ScalarKind | undefined): ListValue {
    return { kind: 'list', elem, len: '0', items: [] };
  }

  literalList(values: Value[], node: Node): ListValue {
    let list = this.emptyList(undefined);
    for (const value of values) list = this.append(list, value, node);
    return { ...list, len: `${values.length}` };
  }

  elementKind(list: ListValue, value: Value, node: Node): ScalarKind {
    if (!isScalar(value))
      throw new UnsupportedConstruct('list element', node, `a ${value.kind} (only scalars)`);
    if (list.elem === undefined || list.elem === value.kind) return value.kind;
    if (isNumeric(value) && (list.elem === 'int' || list.elem === 'real')) return 'real';
    throw new UnsupportedConstruct('list element', node, `a ${value.kind} in a list of ${list.elem}`);
  }

  /** How a `for` loop walks a value: a list's slots, a range's steps, a string's characters. */
  iterate(value: Value, node: Node): Iteration {
    if (value.kind === 'list') {
      return {
        count: value.items.length,
        has: (index) => (index >= value.items.length ? FALSE : app('<', `${index}`, value.len)),
        element: (index) => value.items[index]!,
      };
    }
    if (value.kind === 'range') {
      const { start, stop, step } = value;
      const at = (index: number): Term => (index === 0 ? start : app('+', start, intLiteral(index * step)));
      const literalCount = rangeLiteralCount(start, stop, step);
      const count =
        literalCount !== undefined && literalCount <= this.bounds.maxConcreteIterations
          ? literalCount
          : this.bounds.loopBound;
      return {
        count,
        has: (index) => {
          if (literalCount !== undefined) return index < literalCount ? TRUE : FALSE;
          return this.builder.share('Bool', app(step > 0 ? '<' : '>', at(index), stop));
        },
        element: (index) => scalar('int', this.builder.share('Int', at(index))),
      };
    }
    if (value.kind === 'str') {
      return {
        count: this.bounds.loopBound,
        has: (index) => app('<', `${index}`, app('str.len', value.term)),
        element: (index) => scalar('str', app('str.at', value.term, `${index}`)),
      };
    }
    if (value.kind === 'tuple') {
      return {
        count: value.items.length,
        has: (index) => (index < value.items.length ? TRUE : FALSE),
        element: (index) => value.items[index]!,
      };
    }
    throw new UnsupportedConstruct('iteration', node, `over a ${value.kind}`);
  }

  /** A list built by walking a value (`list(range(n))`, `[*xs]`). */
  materialise(value: Value, node: Node): ListValue {
    if (value.kind === 'list') return value;
    const iteration = this.iterate(value, node);
    let out = this.emptyList(undefined);
    for (let index = 0; index < iteration.count; index++) {
      out = this.merge(
        iteration.has(index),
        this.append(out, iteration.element(index), node),
        out,
      ) as ListValue;
    }
    const more = iteration.has(iteration.count);
    if (more !== FALSE) {
      this.unrolled = true;
      this.withPath(more, () => this.hitBound(TRUE));
    }
    return out;
  }

  /**
   * A sorted copy, built by a compare-exchange network over the slots (a permutation by
   * construction): slots past the length sort last, the rest by value.
   */
  sortList(value: Value, node: Node, options: { descending: boolean }): ListValue {
    const list = this.materialise(value, node);
    const elem = list.elem ?? 'int';
    if (elem === 'bool') throw new UnsupportedConstruct('sorting', node, 'a list of booleans');
    let slots = list.items.map((item, index) => ({
      value: item as Value,
      valid: app('<', `${index}`, list.len),
    }));
    for (let pass = 0; pass < slots.length; pass++) {
      for (let index = 0; index + 1 < slots.length - pass; index++) {
        const a = slots[index]!;
        const b = slots[index + 1]!;
        const outOfOrder = this.compare(options.descending ? '<' : '>', a.value, b.value, node);
        const swap = this.builder.share(
          'Bool',
          or(and(not(a.valid), b.valid), and(a.valid, b.valid, outOfOrder)),
        );
        slots = [...slots];
        slots[index] = {
          value: this.merge(swap, b.value, a.value),
          valid: this.builder.share('Bool', ite(swap, b.valid, a.valid)),
        };
        slots[index + 1] = {
          value: this.merge(swap, a.value, b.value),
          valid: this.builder.share('Bool', ite(swap, a.valid, b.valid)),
        };
      }
    }
    return { kind: 'list', elem, len: list.len, items: slots.map((slot) => slot.value as ScalarValue) };
  }

  /** `sum`, `min`, `max` over a list. */
  fold(kind: 'sum' | 'min' | 'max', value: Value, node: Node, violates: string): Value {
    const list = this.materialise(value, node);
    const elem = list.elem ?? 'int';
    if (elem !== 'int' && elem !== 'real' && !(kind !== 'sum' && elem === 'str')) {
      throw new UnsupportedConstruct(kind, node, `over a list of ${elem}`);
    }
    if (kind === 'sum') {
      let total: Value = scalar(elem, elem === 'int' ? '0' : '0.0');
      list.items.forEach((item, index) => {
        total = this.merge(app('<', `${index}`, list.len), this.arith('+', total, item, node), total);
      });
      return total;
    }
    this.require(app('>', list.len, '0'), violates);
    let best: Value = list.items[0] ?? defaultScalar(elem);
    list.items.slice(1).forEach((item, offset) => {
      const better = this.compare(kind === 'min' ? '<' : '>', item, best, node);
      best = this.merge(and(app('<', `${offset + 1}`, list.len), better), item, best);
    });
    return best;
  }

  /** `min(a, b, ...)` / `max(a, b, ...)` over scalar arguments. */
  extreme(kind: 'min' | 'max', values: Value[], node: Node): Value {
    let best = values[0];
    if (!best) throw new UnsupportedConstruct(kind, node, 'without arguments');
    for (const value of values.slice(1)) {
      best = this.merge(this.compare(kind === 'min' ? '<' : '>', value, best, node), value, best);
    }
    return best;
  }

  abs(value: Value, node: Node): Value {
    if (value.kind !== 'int' && value.kind !== 'real')
      throw new UnsupportedConstruct('abs', node, `of a ${value.kind}`);
    const zero = value.kind === 'int' ? '0' : '0.0';
    return scalar(
      value.kind,
      this.builder.share(
        SORT_OF[value.kind],
        ite(app('<', value.term, zero), app('-', value.term), value.term),
      ),
    );
  }
}

export function isNumeric(value: Value): value is ScalarValue & { kind: 'int' | 'real' } {
  return value.kind === 'int' || value.kind === 'real';
}

export function toReal(value: ScalarValue): Term {
  return value.kind === 'int' ? app('to_real', value.term) : value.term;
}

export function defaultScalar(kind: ScalarKind): ScalarValue {
  switch (kind) {
    case 'int':
      return scalar('int', '0');
    case 'real':
      return scalar('real', '0.0');
    case 'bool':
      return scalar('bool', FALSE);
    case 'str':
      return scalar('str', stringLiteral(''));
  }
}

export function coerce(value: Value, kind: ScalarKind, node: Node): ScalarValue {
  if (!isScalar(value))
    throw new UnsupportedConstruct('value', node, `a ${value.kind} where a ${kind} is expected`);
  if (value.kind === kind) return value;
  if (kind === 'real' && value.kind === 'int') return scalar('real', toReal(value));
  throw new UnsupportedConstruct('value', node, `a ${value.kind} where a ${kind} is expected`);
}

function isLiteral(term: Term): boolean {
  return /^(\d+(\.\d+)?|\(- \d+(\.\d+)?\))$/.test(term);
}

function rangeLiteralCount(start: Term, stop: Term, step: number): number | undefined {
  const literal = (term: Term): number | undefined => {
    if (/^\d+$/.test(term)) return Number(term);
    const negative = /^\(- (\d+)\)$/.exec(term);
    return negative ? -Number(negative[1]) : undefined;
  };
  const from = literal(start);
  const to = literal(stop);
  if (from === undefined || to === undefined) return undefined;
  return Math.max(0, Math.ceil((to - from) / step));
}
