/**
 * The default code embedder: a small model trained on docstring → code pairs from Python
 * packages (see `rag/embed/train/`), shipped with nsgen as package data
 * (`rag/embed/model/`), run in plain TypeScript with nothing to download. Specs:
 * `learned` (the bundled model) and `learned:DIR` (a model saved by
 * `npm run train:embedder -- --out DIR`).
 *
 * It embeds the two sides of a search differently: chunks through their fields
 * ({@link ChunkEmbedder}), queries as questions ({@link QueryEmbedder}). The model is read
 * on first use (a few milliseconds), once per folder per process. A model folder may also
 * hold a ranker (`ranker.json`, `npm run train:ranker`): the learned fusion the hybrid
 * retriever uses with this embedder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CallOptions, CodeChunk, Embedder } from '../../src/core/index.js';
import { packageRoot, throwIfAborted } from '../../src/core/index.js';
import { LearnedRanker, RANKER_FILE } from '../rank/learned-ranker.js';
import { RankingFeatures } from '../rank/ranking-features.js';
import { textView } from './code-features.js';
import { NbowModel } from './nbow-model.js';

/** Embedders that read a chunk's fields (name, signature, docstring, text, path), not one string. */
export interface ChunkEmbedder {
  embedChunks(chunks: readonly CodeChunk[], options?: CallOptions): Promise<Float32Array[]>;
}

/** Embedders whose queries are embedded differently from documents; `termWeight` is the index's idf. */
export interface QueryEmbedder {
  embedQuery(text: string, termWeight?: (term: string) => number): Float32Array;
  /** BM25's share of the hybrid score mix that suits this embedder, when it knows one. */
  readonly keywordWeight?: number | undefined;
}

export function isChunkEmbedder(embedder: unknown): embedder is ChunkEmbedder {
  return typeof (embedder as Partial<ChunkEmbedder>).embedChunks === 'function';
}

export function isQueryEmbedder(embedder: unknown): embedder is QueryEmbedder {
  return typeof (embedder as Partial<QueryEmbedder>).embedQuery === 'function';
}

/** Embedders whose scores a learned ranker can read: the features, and the ranker if one was trained. */
export interface RankingEmbedder {
  readonly rankingFeatures: RankingFeatures;
  readonly ranker: LearnedRanker | undefined;
}

export function isRankingEmbedder(embedder: unknown): embedder is RankingEmbedder {
  return (embedder as Partial<RankingEmbedder>).rankingFeatures instanceof RankingFeatures;
}

/** The bundled model's folder. */
export function bundledModelDirectory(): string {
  return join(packageRoot(), 'rag', 'embed', 'model');
}

/** The bundled model's dimension (checked against its manifest when it loads). */
export const LEARNED_EMBEDDING_DIMENSION = 128;

const loaded = new Map<string, NbowModel>();
const rankers = new Map<string, LearnedRanker | undefined>();
const features = new WeakMap<NbowModel, RankingFeatures>();

/** Loads a model folder once per process. */
export function loadModel(directory: string): NbowModel {
  let model = loaded.get(directory);
  if (!model) {
    model = NbowModel.load(directory);
    loaded.set(directory, model);
  }
  return model;
}

/** Loads a model folder's ranker once per process (none when the folder has no ranker.json). */
export function loadRanker(directory: string): LearnedRanker | undefined {
  if (!rankers.has(directory)) {
    const path = join(directory, RANKER_FILE);
    rankers.set(directory, existsSync(path) ? LearnedRanker.load(path) : undefined);
  }
  return rankers.get(directory);
}

export interface LearnedEmbedderOptions {
  /** A saved model's folder. @default the bundled model */
  directory?: string;
  /** A model already in memory (training and tests); `spec` then names it `learned:memory`. */
  model?: NbowModel;
  /** With `model`: its ranker, if any. */
  ranker?: LearnedRanker;
}

export class LearnedCodeEmbedder implements Embedder, ChunkEmbedder, QueryEmbedder, RankingEmbedder {
  readonly spec: string;
  readonly #directory: string | undefined;
  #model: NbowModel | undefined;
  readonly #ranker: LearnedRanker | undefined;

  constructor(options: LearnedEmbedderOptions = {}) {
    this.#directory = options.directory;
    this.#model = options.model;
    this.#ranker = options.ranker;
    this.spec = options.model
      ? 'learned:memory'
      : options.directory
        ? `learned:${options.directory}`
        : 'learned';
  }

  get dimension(): number {
    if (!this.#model && this.#directory === undefined) return LEARNED_EMBEDDING_DIMENSION;
    return this.model.dimension;
  }

  /** The model, read from its folder on first use. */
  get model(): NbowModel {
    if (!this.#model) {
      const model = loadModel(this.#directory ?? bundledModelDirectory());
      if (this.#directory === undefined && model.dimension !== LEARNED_EMBEDDING_DIMENSION) {
        throw new Error(
          `the bundled embedder has ${model.dimension} dimensions, LEARNED_EMBEDDING_DIMENSION says ${LEARNED_EMBEDDING_DIMENSION}`,
        );
      }
      this.#model = model;
    }
    return this.#model;
  }

  /** Texts embedded as code without structure (all of a text is body). */
  async embed(texts: string[], options: CallOptions = {}): Promise<Float32Array[]> {
    throwIfAborted(options.signal);
    return texts.map((text) => this.model.embedCode(textView(text)));
  }

  async embedChunks(chunks: readonly CodeChunk[], options: CallOptions = {}): Promise<Float32Array[]> {
    throwIfAborted(options.signal);
    return chunks.map((chunk) => this.model.embedCode(chunk));
  }

  embedQuery(text: string, termWeight?: (term: string) => number): Float32Array {
    return this.model.embedQuery(text, termWeight);
  }

  get keywordWeight(): number | undefined {
    return this.model.info.keywordWeight;
  }

  /** What the ranker reads, built once per model (it keeps a unit-length copy of the embedding table). */
  get rankingFeatures(): RankingFeatures {
    const model = this.model;
    let found = features.get(model);
    if (!found) {
      found = new RankingFeatures(model);
      features.set(model, found);
    }
    return found;
  }

  /** The model's ranker: the one given with an in-memory model, else its folder's ranker.json. */
  get ranker(): LearnedRanker | undefined {
    if (this.spec === 'learned:memory') return this.#ranker;
    return loadRanker(this.#directory ?? bundledModelDirectory());
  }
}
