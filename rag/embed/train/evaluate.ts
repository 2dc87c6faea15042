/**
 * The development split's figures, measured the way the retrieval benchmark measures the
 * standard library: the held-out packages form one corpus of chunks; a sample of their
 * functions' first docstring sentences are the queries, each removed from the indexed
 * text; MRR@10 and Recall@10 of the function asked for.
 */
import type { CodeChunk } from '../../../src/core/index.js';
import type { ChunkedFile } from '../../chunk/chunk-source.js';
import { type Fusion, HybridRetriever, type RetrievalMode } from '../../hybrid-retriever.js';
import type { LearnedRanker } from '../../rank/learned-ranker.js';
import { RepositoryIndex } from '../../repository-index.js';
import { faissAvailable } from '../../vector/faiss-binding.js';
import { LearnedCodeEmbedder } from '../learned-embedder.js';
import type { NbowModel } from '../nbow-model.js';
import { queryOf, withoutSentence } from './corpus.js';
import { seededRandom, shuffle } from './train-nbow.js';

export interface DevSet {
  /** Every chunk of the held-out packages, the queried ones without their query sentence. */
  chunks: CodeChunk[];
  queries: Array<{ id: string; query: string }>;
}

export interface RankingFigures {
  mrr10: number;
  recall10: number;
}

export function buildDevSet(
  chunks: readonly CodeChunk[],
  options: { queries?: number; seed?: number } = {},
): DevSet {
  const eligible = chunks.filter((chunk) => queryOf(chunk) !== undefined);
  const queries = shuffle(eligible, seededRandom(options.seed ?? 7))
    .slice(0, options.queries ?? 1000)
    .map((chunk) => ({ id: chunk.id, query: queryOf(chunk)! }));
  const queried = new Map(queries.map(({ id, query }) => [id, query]));
  return {
    chunks: chunks.map((chunk) => {
      const query = queried.get(chunk.id);
      return query ? withoutSentence(chunk, query) : chunk;
    }),
    queries,
  };
}

/** MRR@10 and Recall@10 from the 0-based rank of each query's function (-1: not found). */
export function rankingFigures(ranks: readonly number[]): RankingFigures {
  let reciprocal = 0;
  let hits = 0;
  for (const rank of ranks) {
    if (rank < 0 || rank >= 10) continue;
    reciprocal += 1 / (rank + 1);
    hits++;
  }
  return { mrr10: reciprocal / ranks.length, recall10: hits / ranks.length };
}

/**
 * Vectors alone, by exact search in memory (no index needed): what training watches after
 * every epoch. `idf` stands in for the index's idf (the development corpus's own).
 */
export function vectorFigures(model: NbowModel, dev: DevSet, idf?: (term: string) => number): RankingFigures {
  const dimension = model.dimension;
  const matrix = new Float32Array(dev.chunks.length * dimension);
  const rowOf = new Map<string, number>();
  dev.chunks.forEach((chunk, row) => {
    matrix.set(model.embedCode(chunk), row * dimension);
    rowOf.set(chunk.id, row);
  });
  const scores = new Float32Array(dev.chunks.length);
  const ranks = dev.queries.map(({ id, query }) => {
    const vector = model.embedQuery(query, idf);
    for (let row = 0; row < dev.chunks.length; row++) {
      let score = 0;
      const offset = row * dimension;
      for (let j = 0; j < dimension; j++) score += vector[j]! * matrix[offset + j]!;
      scores[row] = score;
    }
    const target = scores[rowOf.get(id)!]!;
    let rank = 0;
    for (let row = 0; row < scores.length && rank < 10; row++) if (scores[row]! > target) rank++;
    return rank;
  });
  return rankingFigures(ranks);
}

/** An index of the development corpus with `model` (and its `ranker`, if given) as embedder. */
export async function devIndex(
  dev: DevSet,
  model: NbowModel,
  ranker?: LearnedRanker,
): Promise<RepositoryIndex> {
  const index = new RepositoryIndex({
    embedder: new LearnedCodeEmbedder({ model, ...(ranker ? { ranker } : {}) }),
    vectorIndex: faissAvailable() ? 'faiss-flat' : 'flat',
  });
  const files = new Map<string, ChunkedFile>();
  for (const chunk of dev.chunks) {
    const key = `${chunk.id.split(':')[0]}:${chunk.path}`;
    let file = files.get(key);
    if (!file) {
      file = { path: key, language: chunk.language, chunks: [], symbols: [], imports: [] };
      files.set(key, file);
    }
    file.chunks.push(chunk);
  }
  await index.addChunkedFiles([...files.values()].map((file) => ({ file, hash: '' })));
  return index;
}

/** The retriever's figures in one mode (hybrid with the given BM25 share). */
export async function retrieverFigures(
  index: RepositoryIndex,
  dev: DevSet,
  mode: RetrievalMode,
  keywordWeight?: number,
  fusion?: Fusion,
): Promise<RankingFigures> {
  const retriever = new HybridRetriever(index);
  const ranks: number[] = [];
  for (const { id, query } of dev.queries) {
    const results = await retriever.search(query, {
      k: 10,
      mode,
      ...(keywordWeight !== undefined ? { keywordWeight } : {}),
      ...(fusion !== undefined ? { fusion } : {}),
    });
    ranks.push(results.findIndex((result) => result.id === id));
  }
  return rankingFigures(ranks);
}
