/**
 * SMT-LIB2 terms as text, with the light folding that keeps scripts small (`true`/`false`
 * absorb, literal arithmetic is left to Z3). A {@link ScriptBuilder} collects the
 * declarations and shared definitions of one query; long terms are named with
 * `define-fun` so that merging branches (`ite`) never copies a term twice in the text.
 */
export type Sort = 'Int' | 'Real' | 'Bool' | 'String';

/** A term's SMT-LIB text. */
export type Term = string;

export const TRUE: Term = 'true';
export const FALSE: Term = 'false';

export function intLiteral(value: number | bigint): Term {
  const big = BigInt(value);
  return big < 0n ? `(- ${-big})` : `${big}`;
}

export function realLiteral(value: number): Term {
  if (!Number.isFinite(value)) throw new RangeError(`no SMT-LIB real for ${value}`);
  const text = Math.abs(value).toString();
  const decimal = text.includes('e') ? Math.abs(value).toFixed(20) : text.includes('.') ? text : `${text}.0`;
  return value < 0 ? `(- ${decimal})` : decimal;
}

/** A string literal: printable ASCII stays, everything else (and `\`) becomes `\u{hex}`. */
export function stringLiteral(value: string): Term {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '""';
    else if (code >= 0x20 && code <= 0x7e && char !== '\\') out += char;
    else out += `\\u{${code.toString(16)}}`;
  }
  return `${out}"`;
}

export function and(...terms: Term[]): Term {
  const kept = terms.filter((term) => term !== TRUE);
  if (kept.includes(FALSE)) return FALSE;
  if (kept.length === 0) return TRUE;
  if (kept.length === 1) return kept[0]!;
  return `(and ${kept.join(' ')})`;
}

export function or(...terms: Term[]): Term {
  const kept = terms.filter((term) => term !== FALSE);
  if (kept.includes(TRUE)) return TRUE;
  if (kept.length === 0) return FALSE;
  if (kept.length === 1) return kept[0]!;
  return `(or ${kept.join(' ')})`;
}

export function not(term: Term): Term {
  if (term === TRUE) return FALSE;
  if (term === FALSE) return TRUE;
  const inner = /^\(not (.*)\)$/s.exec(term);
  if (inner && balanced(inner[1]!)) return inner[1]!;
  return `(not ${term})`;
}

export function implies(premise: Term, conclusion: Term): Term {
  if (premise === TRUE) return conclusion;
  if (premise === FALSE || conclusion === TRUE) return TRUE;
  return `(=> ${premise} ${conclusion})`;
}

export function ite(condition: Term, then: Term, otherwise: Term): Term {
  if (condition === TRUE || then === otherwise) return then;
  if (condition === FALSE) return otherwise;
  return `(ite ${condition} ${then} ${otherwise})`;
}

export function eq(left: Term, right: Term): Term {
  if (left === right) return TRUE;
  return `(= ${left} ${right})`;
}

export function app(op: string, ...args: Term[]): Term {
  return `(${op} ${args.join(' ')})`;
}

function balanced(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (quoted) continue;
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Terms longer than this are named with `define-fun` when shared. */
const SHARE_THRESHOLD = 48;

/** The declarations, definitions and assertions of one query under construction. */
export class ScriptBuilder {
  readonly #lines: string[] = [];
  readonly #names = new Set<string>();
  readonly #shared = new Map<Term, string>();
  #counter = 0;

  /** Declares a fresh constant named after `hint` (sanitised, made unique). */
  declare(hint: string, sort: Sort): Term {
    const name = this.fresh(hint);
    this.#lines.push(`(declare-const ${name} ${sort})`);
    return name;
  }

  /** Names a long term with `define-fun` so that later uses refer to it by name. */
  share(sort: Sort, term: Term): Term {
    if (term.length <= SHARE_THRESHOLD) return term;
    // The same term built twice (say by the code and again by the contract) gets one name.
    const known = this.#shared.get(term);
    if (known) return known;
    const name = this.fresh('t');
    this.#lines.push(`(define-fun ${name} () ${sort} ${term})`);
    this.#shared.set(term, name);
    return name;
  }

  assert(term: Term): void {
    if (term !== TRUE) this.#lines.push(`(assert ${term})`);
  }

  fresh(hint: string): string {
    const base = `${hint.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 24) || 'v'}`;
    let name = base;
    while (this.#names.has(name) || /^\d/.test(name)) name = `${base}_${++this.#counter}`;
    this.#names.add(name);
    return name;
  }

  /** A copy that shares nothing with this builder afterwards (for alternative queries). */
  fork(): ScriptBuilder {
    const copy = new ScriptBuilder();
    copy.#lines.push(...this.#lines);
    for (const name of this.#names) copy.#names.add(name);
    for (const [term, name] of this.#shared) copy.#shared.set(term, name);
    copy.#counter = this.#counter;
    return copy;
  }

  text(): string {
    return this.#lines.join('\n');
  }
}
