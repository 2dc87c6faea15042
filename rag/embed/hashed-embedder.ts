/**
 * The default code embedder: runs in process with nothing to download. A text's features
 * (identifier sub-words, stemmed; their character trigrams, so `tokenize` meets `token`;
 * sub-word pairs, for phrases) are hashed into a fixed number of dimensions with a random
 * sign (the hashing trick), weighted by sublinear term frequency, and scaled to unit
 * length, so an inner product is a cosine similarity over a bag of code words. Queries
 * may weight their terms (`embedWeighted`), the retriever by inverse document frequency.
 */
import type { Embedder } from '../../src/core/index.js';
import { NsgenError } from '../../src/core/index.js';
import { codeTerms } from '../text/code-tokens.js';

export interface HashedEmbedderOptions {
  /** @default 256 */
  dimension?: number;
  /** Weight of character trigrams relative to whole sub-words. @default 0.35 */
  trigramWeight?: number;
  /** Weight of adjacent sub-word pairs. @default 0.5 */
  pairWeight?: number;
}

export const DEFAULT_EMBEDDING_DIMENSION = 256;

/**
 * An embedder whose features are terms can weight a query's terms (by their rarity in the
 * index, say) so that common words count less: the inner product with unweighted chunk
 * vectors then weighs each shared term by its weight, as TF-IDF does.
 */
export interface TermWeightedEmbedder {
  embedWeighted(text: string, termWeight: (term: string) => number): Float32Array;
}

export function isTermWeighted(embedder: unknown): embedder is TermWeightedEmbedder {
  return typeof (embedder as Partial<TermWeightedEmbedder>).embedWeighted === 'function';
}

export class HashedCodeEmbedder implements Embedder {
  readonly dimension: number;
  readonly spec: string;
  readonly #trigramWeight: number;
  readonly #pairWeight: number;

  constructor(options: HashedEmbedderOptions = {}) {
    this.dimension = options.dimension ?? DEFAULT_EMBEDDING_DIMENSION;
    if (!Number.isInteger(this.dimension) || this.dimension < 8) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `embedding dimension must be an integer >= 8, got ${this.dimension}`,
        {
          where: 'HashedCodeEmbedder',
        },
      );
    }
    this.#trigramWeight = options.trigramWeight ?? 0.35;
    this.#pairWeight = options.pairWeight ?? 0.5;
    this.spec = `hashed:${this.dimension}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  /** The query side of {@link TermWeightedEmbedder}: each term's features scaled by its weight. */
  embedWeighted(text: string, termWeight: (term: string) => number): Float32Array {
    return this.embedOne(text, termWeight);
  }

  embedOne(text: string, termWeight?: (term: string) => number): Float32Array {
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number) => counts.set(feature, (counts.get(feature) ?? 0) + weight);
    const terms = codeTerms(text);
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i]!;
      const w = termWeight ? termWeight(term) : 1;
      add(`w:${term}`, w);
      const padded = `<${term}>`;
      for (let j = 0; j + 3 <= padded.length; j++)
        add(`t:${padded.slice(j, j + 3)}`, this.#trigramWeight * w);
      const next = terms[i + 1];
      if (next !== undefined)
        add(`p:${term} ${next}`, this.#pairWeight * (termWeight ? (w + termWeight(next)) / 2 : 1));
    }
    const vector = new Float32Array(this.dimension);
    for (const [feature, count] of counts) {
      const hash = fnv1a(feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      // Sublinear frequency: a word repeated ten times is not ten times as telling.
      vector[(hash & 0x7fffffff) % this.dimension]! +=
        sign * (1 + Math.log(Math.max(count, 1))) * Math.min(count, 1);
    }
    return normalise(vector);
  }
}

export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  }
  return vector;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
