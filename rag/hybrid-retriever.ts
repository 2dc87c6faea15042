/**
 * The hybrid retriever: BM25 and vector search fused, then
 * expanded along the code graph (callees and callers, bases, definitions of referenced
 * names) so that code connected to several good hits rises, and rendered as prompt
 * context within a token budget.
 *
 * Fusion: with an embedder that comes with a learned ranker (the bundled one does), the
 * candidates of both lists are scored by the ranker from their {@link RANKING_FEATURES}
 * (`learned`); otherwise each list's scores are scaled by its best score and mixed with a
 * weight that suits the embedder (`score`, chosen on its development split). Min-max
 * scaling and reciprocal rank fusion are there on request.
 */
import type { CallOptions, CodeChunk, GraphEdgeKind } from '../src/core/index.js';
import { NsgenError } from '../src/core/index.js';
import { isTermWeighted } from './embed/hashed-embedder.js';
import { isQueryEmbedder, isRankingEmbedder } from './embed/learned-embedder.js';
import type { KeywordHit } from './keyword/bm25-index.js';
import type { RANKING_FEATURES } from './rank/ranking-features.js';
import type { RepositoryIndex } from './repository-index.js';
import { estimateTokens } from './text/code-tokens.js';

export type RetrievalMode = 'bm25' | 'vector' | 'hybrid' | 'hybrid-graph';
export const RETRIEVAL_MODES: readonly RetrievalMode[] = ['bm25', 'vector', 'hybrid', 'hybrid-graph'];

export interface SearchOptions extends CallOptions {
  /** @default 10 */
  k?: number;
  /** @default 'hybrid-graph' */
  mode?: RetrievalMode;
  /**
   * Candidates taken from each list before fusion.
   * @default {@link LEARNED_FUSION_CANDIDATES} with learned fusion, else 50
   */
  candidates?: number;
  /**
   * How the two rankings combine: `learned` scores every candidate with the embedder's
   * ranker; `score` mixes each list's scores scaled by its best score; `minmax` scales them
   * between the worst and the best candidate instead; `rrf` is reciprocal rank fusion
   * (ranks only). @default 'learned' where the embedder has a ranker, else 'score'
   */
  fusion?: Fusion;
  /**
   * With `score` and `minmax` fusion, BM25's share of the mix (vectors get the rest).
   * @default the embedder's own (the learned embedder's, chosen on its development split), else 0.7
   */
  keywordWeight?: number;
  /** The RRF constant: larger flattens the contribution of top ranks. @default 60 */
  rrfK?: number;
  /** How much a graph neighbour of a hit inherits of the hit's score. @default 0.1 */
  graphWeight?: number;
  /** Top fused hits whose neighbours are followed. @default 10 */
  expand?: number;
}

export const FUSIONS = ['learned', 'score', 'minmax', 'rrf'] as const;
export type Fusion = (typeof FUSIONS)[number];

/**
 * Candidates from each list that learned fusion reads (about 60 µs each). The bundled
 * ranker is trained on lists of this depth, as it searches: on the development split that
 * ranked better than training on lists of 50 (MRR@10 0.468 against 0.458).
 */
export const LEARNED_FUSION_CANDIDATES = 20;

/** One candidate of a hybrid search with what the ranker reads of it ({@link RANKING_FEATURES} order). */
export interface RankingCandidateFeatures {
  id: string;
  features: Float32Array;
}

export interface SearchResult {
  id: string;
  /** Relative to the indexed folder. */
  path: string;
  name: string;
  kind: CodeChunk['kind'];
  startLine: number;
  endLine: number;
  score: number;
}

const EXPANSION: ReadonlyArray<{ direction: 'out' | 'in'; kinds: GraphEdgeKind[] }> = [
  { direction: 'out', kinds: ['calls', 'references', 'inherits'] },
  { direction: 'in', kinds: ['calls'] },
];

export class HybridRetriever {
  readonly #index: RepositoryIndex;

  constructor(index: RepositoryIndex) {
    this.#index = index;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    const k = options.k ?? 10;
    const mode = options.mode ?? 'hybrid-graph';
    const scores = new Map<string, number>();

    if (mode === 'bm25') {
      for (const hit of this.#index.bm25.search(query, k)) scores.set(hit.id, hit.score);
      return this.#results(scores, k);
    }
    const fusion = options.fusion ?? (this.#ranker() ? 'learned' : 'score');
    const candidates = Math.max(
      options.candidates ?? (fusion === 'learned' ? LEARNED_FUSION_CANDIDATES : 50),
      k,
    );
    const vectorHits = await this.#vectorSearch(query, mode === 'vector' ? k : candidates, options);
    if (mode === 'vector') {
      for (const hit of vectorHits) scores.set(hit.id, hit.score);
      return this.#results(scores, k);
    }
    const keywordHits = this.#index.bm25.search(query, candidates);
    if (fusion === 'learned') {
      const ranker = this.#ranker();
      if (!ranker) {
        throw new NsgenError(
          'INVALID_ARGUMENT',
          `learned fusion needs an embedder with a trained ranker; ${this.#index.embedder.spec} has none`,
          { where: 'HybridRetriever.search' },
        );
      }
      const ranked = this.#features(query, keywordHits, vectorHits, options).map(({ id, features }) => ({
        id,
        score: ranker.score(features),
      }));
      // A softmax over the candidates: positive scores that graph expansion can share out.
      const top = Math.max(...ranked.map(({ score }) => score));
      const total = ranked.reduce((sum, { score }) => sum + Math.exp(score - top), 0);
      for (const { id, score } of ranked) scores.set(id, Math.exp(score - top) / total);
    } else if (fusion === 'rrf') {
      const rrfK = options.rrfK ?? 60;
      for (const hits of [keywordHits, vectorHits]) {
        hits.forEach(({ id }, rank) => {
          scores.set(id, (scores.get(id) ?? 0) + 1 / (rrfK + rank + 1));
        });
      }
    } else {
      const keywordWeight = this.#keywordWeight(options);
      const minmax = fusion === 'minmax';
      const mix = (hits: ReadonlyArray<{ id: string; score: number }>, weight: number) => {
        const best = hits[0]?.score ?? 0;
        const floor = minmax ? Math.max(hits.at(-1)?.score ?? 0, 0) : 0;
        if (best <= floor) return;
        for (const { id, score } of hits) {
          scores.set(id, (scores.get(id) ?? 0) + (weight * Math.max(score - floor, 0)) / (best - floor));
        }
      };
      mix(keywordHits, keywordWeight);
      mix(vectorHits, 1 - keywordWeight);
    }
    if (mode === 'hybrid-graph') await this.#expand(scores, options);
    return this.#results(scores, k);
  }

  /**
   * The candidates a learned-fusion search reads (BM25's and the vectors' top `candidates`)
   * with their ranking features: what the ranker is trained on. Needs an embedder that
   * supports ranking (the learned one).
   */
  async rankingCandidates(query: string, options: SearchOptions = {}): Promise<RankingCandidateFeatures[]> {
    const candidates = Math.max(options.candidates ?? LEARNED_FUSION_CANDIDATES, options.k ?? 10);
    const vectorHits = await this.#vectorSearch(query, candidates, options);
    return this.#features(query, this.#index.bm25.search(query, candidates), vectorHits, options);
  }

  #ranker() {
    const embedder = this.#index.embedder;
    return isRankingEmbedder(embedder) ? embedder.ranker : undefined;
  }

  #keywordWeight(options: SearchOptions): number {
    const embedder = this.#index.embedder;
    return options.keywordWeight ?? (isQueryEmbedder(embedder) ? embedder.keywordWeight : undefined) ?? 0.7;
  }

  #features(
    query: string,
    keywordHits: readonly KeywordHit[],
    vectorHits: ReadonlyArray<{ id: string; score: number }>,
    options: SearchOptions,
  ): RankingCandidateFeatures[] {
    const embedder = this.#index.embedder;
    if (!isRankingEmbedder(embedder)) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `the ${embedder.spec} embedder does not support learned ranking`,
        {
          where: 'HybridRetriever',
        },
      );
    }
    const bm25 = this.#index.bm25;
    const ranking = embedder.rankingFeatures;
    const prepared = ranking.query(query, (term) => bm25.idf(term), {
      keywordWeight: this.#keywordWeight(options),
      keywordBest: keywordHits[0]?.score ?? 0,
      vectorBest: vectorHits[0]?.score ?? 0,
    });
    const lists = new Map<
      string,
      { keyword?: { score: number; rank: number }; vector?: { score: number; rank: number } }
    >();
    keywordHits.forEach(({ id, score }, rank) => {
      lists.set(id, { keyword: { score, rank } });
    });
    vectorHits.forEach(({ id, score }, rank) => {
      lists.set(id, { ...lists.get(id), vector: { score, rank } });
    });
    const unlisted = [...lists].filter(([, places]) => !places.keyword).map(([id]) => id);
    const keywordScores = new Map(bm25.scores(query, unlisted).map((score, i) => [unlisted[i]!, score]));
    return [...lists].flatMap(([id, places]) => {
      const chunk = this.#index.chunks.get(id);
      if (!chunk) return [];
      const keywordScore = places.keyword?.score ?? keywordScores.get(id) ?? 0;
      return [{ id, features: ranking.features(prepared, { chunk, keywordScore, ...places }) }];
    });
  }

  /** Retrieved code as prompt context: whole chunks while they fit, then signatures. */
  async context(query: string, options: SearchOptions & { tokens?: number } = {}): Promise<string> {
    const budget = options.tokens ?? 1500;
    const results = await this.search(query, { ...options, k: options.k ?? 20 });
    const parts: string[] = [];
    let used = 0;
    for (const result of results) {
      const chunk = this.#index.chunks.get(result.id)!;
      const header = `# ${chunk.path}:${chunk.startLine}-${chunk.endLine} (${chunk.kind} ${chunk.qualifiedName})`;
      for (const body of [chunk.text, chunk.signature]) {
        const part = `${header}\n${body}\n`;
        const cost = estimateTokens(part);
        if (used + cost <= budget) {
          parts.push(part);
          used += cost;
          break;
        }
      }
    }
    return parts.join('\n');
  }

  async #vectorSearch(query: string, k: number, options: CallOptions) {
    const vectors = this.#index.vectors;
    if (!vectors || vectors.size() === 0) return [];
    const embedder = this.#index.embedder;
    const bm25 = this.#index.bm25;
    // Rare query words say more than common ones: the embedders that weigh terms (the
    // learned and the hashed one) get BM25's idf; other embedders see the plain query.
    const idf = (term: string) => bm25.idf(term);
    const vector = isQueryEmbedder(embedder)
      ? embedder.embedQuery(query, idf)
      : isTermWeighted(embedder)
        ? embedder.embedWeighted(query, idf)
        : (await embedder.embed([query], options))[0]!;
    return vectors.search(vector, k);
  }

  async #expand(scores: Map<string, number>, options: SearchOptions): Promise<void> {
    const weight = options.graphWeight ?? 0.1;
    const top = [...scores].sort((a, b) => b[1] - a[1]).slice(0, options.expand ?? 10);
    const boosts = new Map<string, number>();
    for (const [id, score] of top) {
      for (const { direction, kinds } of EXPANSION) {
        for (const { node } of await this.#index.graph.neighbours(id, { direction, kinds })) {
          if (!this.#index.chunks.has(node.id) || node.id === id) continue;
          boosts.set(node.id, (boosts.get(node.id) ?? 0) + weight * score);
        }
      }
    }
    for (const [id, boost] of boosts) scores.set(id, (scores.get(id) ?? 0) + boost);
  }

  #results(scores: Map<string, number>, k: number): SearchResult[] {
    return [...scores]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, k)
      .flatMap(([id, score]) => {
        const chunk = this.#index.chunks.get(id);
        if (!chunk) return [];
        return [
          {
            id,
            path: chunk.path,
            name: chunk.qualifiedName,
            kind: chunk.kind,
            startLine: chunk.startLine,
            endLine: chunk.endLine,
            score,
          },
        ];
      });
  }
}
