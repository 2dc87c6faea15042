/**
 * What the learned embedder reads of a query and of a code chunk: bags of code terms (the
 * same stemmed sub-words BM25 uses), each term tagged with the field it came from. A
 * chunk has five fields — its qualified name, its signature, what is left of its
 * docstring, its whole text and its file's path — because a word in a function's name
 * says more than the same word deep in its body; the model learns how much more.
 *
 * Terms are mapped to rows of the model's embedding table through its vocabulary; terms
 * outside it share a fixed number of hashed rows, so a rare word of a query still meets
 * the same rare word in code. Training and inference build their bags with these same
 * functions, so the two can never drift apart.
 */
import type { CodeChunk } from '../../src/core/index.js';
import { codeTerms } from '../text/code-tokens.js';

export const CODE_FIELDS = ['name', 'signature', 'docstring', 'body', 'path'] as const;
export type CodeField = (typeof CODE_FIELDS)[number];

/** The parts of a chunk the code tower reads. */
export type CodeView = Pick<CodeChunk, 'qualifiedName' | 'signature' | 'text' | 'path'> & {
  docstring?: string | undefined;
};

/** Distinct terms kept per field (a long body's tail adds little and costs time). */
export const MAX_TERMS_PER_FIELD = 160;

/**
 * A bag of features: parallel arrays of embedding rows, field numbers (an index into
 * {@link CODE_FIELDS}; queries use 0) and sublinear term-frequency weights.
 */
export interface FeatureBag {
  rows: number[];
  fields: number[];
  counts: number[];
}

/** Term → row of the embedding table, with hashed rows for the rest. */
export class Vocabulary {
  readonly terms: readonly string[];
  readonly buckets: number;
  readonly #rowOf: Map<string, number>;

  constructor(terms: readonly string[], buckets: number) {
    this.terms = terms;
    this.buckets = buckets;
    this.#rowOf = new Map(terms.map((term, i) => [term, i]));
  }

  /** Rows in the embedding table: the vocabulary, then the hashed buckets. */
  get rows(): number {
    return this.terms.length + this.buckets;
  }

  rowOf(term: string): number {
    const row = this.#rowOf.get(term);
    if (row !== undefined) return row;
    return this.buckets > 0 ? this.terms.length + (fnv1a(term) % this.buckets) : -1;
  }

  has(term: string): boolean {
    return this.#rowOf.has(term);
  }
}

/** The query's bag: its distinct terms, each weighted by 1 + log(count). */
export function queryBag(text: string, vocabulary: Vocabulary): FeatureBag & { terms: string[] } {
  const bag: FeatureBag & { terms: string[] } = { rows: [], fields: [], counts: [], terms: [] };
  for (const [term, count] of countTerms(codeTerms(text), Number.POSITIVE_INFINITY)) {
    const row = vocabulary.rowOf(term);
    if (row < 0) continue;
    bag.rows.push(row);
    bag.fields.push(0);
    bag.counts.push(1 + Math.log(count));
    bag.terms.push(term);
  }
  return bag;
}

/** The terms of each field of a chunk, in field order. */
export function codeFieldTerms(chunk: CodeView): string[][] {
  const path = chunk.path.replace(/\.[A-Za-z0-9]+$/, '');
  return [
    codeTerms(chunk.qualifiedName),
    codeTerms(chunk.signature),
    codeTerms(chunk.docstring ?? ''),
    codeTerms(chunk.text),
    codeTerms(path),
  ];
}

/** A chunk's bag: each field's distinct terms (up to {@link MAX_TERMS_PER_FIELD}). */
export function codeBag(chunk: CodeView, vocabulary: Vocabulary): FeatureBag {
  const bag: FeatureBag = { rows: [], fields: [], counts: [] };
  codeFieldTerms(chunk).forEach((terms, field) => {
    for (const [term, count] of countTerms(terms, MAX_TERMS_PER_FIELD)) {
      const row = vocabulary.rowOf(term);
      if (row < 0) continue;
      bag.rows.push(row);
      bag.fields.push(field);
      bag.counts.push(1 + Math.log(count));
    }
  });
  return bag;
}

/** A plain text read as code (no structure known): all of it is body. */
export function textView(text: string): CodeView {
  return { qualifiedName: '', signature: '', text, path: '' };
}

/** Distinct terms in order of first appearance with their counts, the first `limit` of them. */
function countTerms(terms: readonly string[], limit: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) {
    const count = counts.get(term);
    if (count !== undefined) counts.set(term, count + 1);
    else if (counts.size < limit) counts.set(term, 1);
  }
  return counts;
}

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
