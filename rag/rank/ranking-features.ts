/**
 * What the learned ranker knows about one candidate for one query. Score fusion sees only
 * two numbers per chunk, BM25's and the vector's; the ranker also sees where in the chunk
 * the query's words are found (its name, signature, docstring, body or path), how close
 * the nearest word of each field comes to each query word in the embedder's space when the
 * exact word is missing, how well the query matches each field on its own, how much of the
 * function's name the query covers, and what kind of chunk it is.
 *
 * Every feature is computed from the learned embedder's model (its embedding table and
 * term weights) and the index's idf, the same way for training and for search.
 */
import type { CodeChunk } from '../../src/core/index.js';
import {
  CODE_FIELDS,
  type CodeView,
  codeFieldTerms,
  MAX_TERMS_PER_FIELD,
  queryBag,
} from '../embed/code-features.js';
import type { NbowModel } from '../embed/nbow-model.js';
import { codeTerms } from '../text/code-tokens.js';

export const RANKING_FEATURES = [
  'keyword.score',
  'keyword.listed',
  'keyword.reciprocalRank',
  'vector.cosine',
  'vector.gapToBest',
  'vector.reciprocalRank',
  'fused.score',
  'exact.name',
  'exact.signature',
  'exact.docstring',
  'exact.body',
  'exact.path',
  'soft.name',
  'soft.signature',
  'soft.docstring',
  'soft.body',
  'nameCovered.exact',
  'nameCovered.soft',
  'fieldCosine.name',
  'fieldCosine.docstring',
  'fieldCosine.body',
  'kind.method',
  'name.private',
  'name.dunder',
  'size.log',
  'docstring.empty',
  'query.terms',
] as const;

/** A chunk proposed by either list, with its place in each (absent: not listed). */
export interface RankingCandidate {
  chunk: CodeView & Pick<CodeChunk, 'kind'>;
  /** Its BM25 score, listed by BM25 or not. @default the listed score, else 0 */
  keywordScore?: number;
  keyword?: { score: number; rank: number };
  vector?: { score: number; rank: number };
}

/** The query's side, computed once per search. */
export interface RankingQuery {
  terms: string[];
  rows: number[];
  /** idf of each term, at least 1e-3. */
  weights: number[];
  weightSum: number;
  vector: Float32Array;
  termSet: Set<string>;
  /** Row → its cosine with each query term (filled as candidates are scored). */
  similarities: Map<number, Float32Array>;
  /** What the score fusion used: BM25's share, the two lists' best scores. */
  keywordWeight: number;
  keywordBest: number;
  vectorBest: number;
}

/** Fields matched word by word in the embedding space (the path is too short to need it). */
const SOFT_FIELDS = ['name', 'signature', 'docstring', 'body'] as const;
const FIELD = Object.fromEntries(CODE_FIELDS.map((field, i) => [field, i])) as Record<
  (typeof CODE_FIELDS)[number],
  number
>;

export class RankingFeatures {
  readonly #model: NbowModel;
  /** The embedding table with every row scaled to unit length (term-to-term cosines). */
  readonly #unitRows: Float32Array;

  constructor(model: NbowModel) {
    this.#model = model;
    const { embeddings, dimension, vocabulary } = model.weights;
    this.#unitRows = new Float32Array(embeddings.length);
    for (let row = 0; row < vocabulary.rows; row++) {
      const offset = row * dimension;
      let norm = 0;
      for (let j = 0; j < dimension; j++) norm += embeddings[offset + j]! ** 2;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let j = 0; j < dimension; j++) this.#unitRows[offset + j] = embeddings[offset + j]! * scale;
    }
  }

  query(
    text: string,
    idf: (term: string) => number,
    lists: { keywordWeight: number; keywordBest: number; vectorBest: number },
  ): RankingQuery {
    const bag = queryBag(text, this.#model.weights.vocabulary);
    const weights = bag.terms.map((term) => Math.max(idf(term), 1e-3));
    return {
      terms: bag.terms,
      rows: bag.rows,
      weights,
      weightSum: weights.reduce((sum, weight) => sum + weight, 0) || 1,
      vector: this.#model.embedQuery(text, idf),
      termSet: new Set(bag.terms),
      similarities: new Map(),
      ...lists,
    };
  }

  /** The feature vector of one candidate, in {@link RANKING_FEATURES} order. */
  features(query: RankingQuery, candidate: RankingCandidate): Float32Array {
    const { vocabulary, dimension } = this.#model.weights;
    const { chunk, keyword, vector } = candidate;
    // Each field's distinct terms (in order of appearance) with their counts and rows.
    const fields = codeFieldTerms(chunk).map((terms) => {
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      return { counts, rows: [...counts.keys()].map((term) => vocabulary.rowOf(term)) };
    });
    const fieldVectors = fields.map((field) => this.#fieldVector(field));
    const whole = new Float32Array(dimension);
    fieldVectors.forEach((fieldVector, field) => {
      const scale = Math.exp(this.#model.weights.fieldWeights[field]!);
      for (let j = 0; j < dimension; j++) whole[j]! += scale * fieldVector[j]!;
    });
    const cosine = cosineWith(query.vector, whole);

    const exact = fields.map(({ counts }) => {
      let found = 0;
      query.terms.forEach((term, i) => {
        if (counts.has(term)) found += query.weights[i]!;
      });
      return found / query.weightSum;
    });
    const soft = SOFT_FIELDS.map((field) => this.#softMatch(query, fields[FIELD[field]]!.rows));
    const name = chunk.qualifiedName.split('.').pop() ?? '';
    const ownName = codeTerms(name);
    const nameCovered = ownName.length
      ? ownName.filter((term) => query.termSet.has(term)).length / ownName.length
      : 0;
    const nameSoft = ownName.length ? this.#coverage(query, ownName) : 0;
    const keywordScore =
      query.keywordBest > 0 ? (candidate.keywordScore ?? keyword?.score ?? 0) / query.keywordBest : 0;
    const listedKeywordScore = keyword && query.keywordBest > 0 ? keyword.score / query.keywordBest : 0;
    const vectorScore = vector && query.vectorBest > 0 ? vector.score / query.vectorBest : 0;
    return Float32Array.from([
      keywordScore,
      keyword ? 1 : 0,
      keyword ? 1 / (1 + keyword.rank) : 0,
      cosine,
      cosine - query.vectorBest,
      vector ? 1 / (1 + vector.rank) : 0,
      query.keywordWeight * listedKeywordScore + (1 - query.keywordWeight) * vectorScore,
      ...exact,
      ...soft,
      nameCovered,
      nameSoft,
      cosineWith(query.vector, fieldVectors[FIELD.name]!),
      cosineWith(query.vector, fieldVectors[FIELD.docstring]!),
      cosineWith(query.vector, fieldVectors[FIELD.body]!),
      chunk.kind === 'method' ? 1 : 0,
      name.startsWith('_') && !name.startsWith('__') ? 1 : 0,
      name.startsWith('__') ? 1 : 0,
      Math.log1p(chunk.text.length) / 8,
      (chunk.docstring ?? '').trim() === '' ? 1 : 0,
      query.terms.length / 10,
    ]);
  }

  /**
   * A field's own pooled vector, weighted as the code tower weighs terms (not normalised),
   * over its first {@link MAX_TERMS_PER_FIELD} distinct terms as the code tower reads them.
   */
  #fieldVector({ counts, rows }: { counts: Map<string, number>; rows: number[] }): Float32Array {
    const { dimension, embeddings, codeTermWeights } = this.#model.weights;
    const vector = new Float32Array(dimension);
    let i = 0;
    for (const count of counts.values()) {
      const row = rows[i++]!;
      if (i > MAX_TERMS_PER_FIELD) break;
      if (row < 0) continue;
      const weight = Math.exp(codeTermWeights[row]!) * (1 + Math.log(count));
      const offset = row * dimension;
      for (let j = 0; j < dimension; j++) vector[j]! += weight * embeddings[offset + j]!;
    }
    return vector;
  }

  /** idf-weighted mean over query terms of the best cosine with any of the field's terms. */
  #softMatch(query: RankingQuery, rows: readonly number[]): number {
    if (rows.length === 0) return 0;
    const best = new Float32Array(query.rows.length).fill(-1);
    for (const row of rows) {
      const similarities = this.#similarities(query, row);
      for (let i = 0; i < best.length; i++) if (similarities[i]! > best[i]!) best[i] = similarities[i]!;
    }
    let total = 0;
    for (let i = 0; i < best.length; i++) total += query.weights[i]! * best[i]!;
    return total / query.weightSum;
  }

  /** Mean over the name's terms of the best cosine with any query term. */
  #coverage(query: RankingQuery, nameTerms: readonly string[]): number {
    if (query.rows.length === 0) return 0;
    const { vocabulary } = this.#model.weights;
    let total = 0;
    for (const term of nameTerms) total += Math.max(...this.#similarities(query, vocabulary.rowOf(term)));
    return total / nameTerms.length;
  }

  /**
   * A row's cosine with each query term, computed once per query: the candidates of one
   * search share most of their words.
   */
  #similarities(query: RankingQuery, row: number): Float32Array {
    let similarities = query.similarities.get(row);
    if (similarities) return similarities;
    const dimension = this.#model.weights.dimension;
    const unit = this.#unitRows;
    const offset = row * dimension;
    similarities = new Float32Array(query.rows.length);
    query.rows.forEach((queryRow, i) => {
      const queryOffset = queryRow * dimension;
      let dot = 0;
      for (let j = 0; j < dimension; j++) dot += unit[offset + j]! * unit[queryOffset + j]!;
      similarities[i] = dot;
    });
    query.similarities.set(row, similarities);
    return similarities;
  }
}

function cosineWith(unit: Float32Array, vector: Float32Array): number {
  let dot = 0;
  let norm = 0;
  for (let j = 0; j < vector.length; j++) {
    dot += unit[j]! * vector[j]!;
    norm += vector[j]! * vector[j]!;
  }
  return norm > 0 ? dot / Math.sqrt(norm) : 0;
}
