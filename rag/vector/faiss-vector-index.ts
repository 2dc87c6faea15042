/**
 * VectorIndex over FAISS (inner product of unit vectors = cosine):
 * - `flat`: exact search (`IDMap,Flat`);
 * - `ivf`: inverted lists (`IVF{nlist},Flat`) trained on the first batch, `nprobe` lists
 *   searched: approximate, fast at 100k vectors, supports deletion;
 * - `hnsw`: a graph index (`IDMap,HNSW32`) with `efSearch`; FAISS cannot delete from it, so
 *   deletions are tombstones filtered out of results.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VectorHit, VectorIndex } from '../../src/core/index.js';
import { NsgenError } from '../../src/core/index.js';
import { type FaissIndex, faiss, METRIC_INNER_PRODUCT } from './faiss-binding.js';

export type FaissIndexType = 'flat' | 'ivf' | 'hnsw';

export interface FaissVectorIndexOptions {
  dimension: number;
  /** @default 'flat' */
  type?: FaissIndexType;
  /** IVF lists; by default about 4·√n of the first batch, at most 1024 and n/39 (FAISS wants 39 points a list). */
  nlist?: number;
  /** IVF lists searched per query; by default nlist / 16, at least 16. */
  nprobe?: number;
  /** HNSW candidate list size at search time. @default 64 */
  efSearch?: number;
}

interface SavedState {
  format: 'nsgen-faiss';
  version: 1;
  type: FaissIndexType;
  dimension: number;
  nextLabel: number;
  ids: Array<[number, string]>;
  tombstones: number[];
  nprobe?: number;
  efSearch?: number;
}

const INDEX_FILE = 'vectors.faiss';
const STATE_FILE = 'vectors.json';

export class FaissVectorIndex implements VectorIndex {
  readonly kind: string;
  readonly dimension: number;
  readonly #options: FaissVectorIndexOptions;
  readonly #type: FaissIndexType;
  #index: FaissIndex | undefined;
  readonly #labelOf = new Map<string, number>();
  readonly #idOf = new Map<number, string>();
  readonly #tombstones = new Set<number>();
  #nextLabel = 0;
  #nprobe: number | undefined;

  constructor(options: FaissVectorIndexOptions) {
    this.#options = options;
    this.#type = options.type ?? 'flat';
    this.dimension = options.dimension;
    this.kind = `faiss-${this.#type}`;
    this.#nprobe = options.nprobe;
    faiss();
  }

  size(): number {
    return this.#labelOf.size;
  }

  async add(items: ReadonlyArray<{ id: string; vector: Float32Array }>): Promise<void> {
    if (items.length === 0) return;
    const replaced = items.filter((item) => this.#labelOf.has(item.id)).map((item) => item.id);
    if (replaced.length > 0) await this.delete(replaced);
    const matrix = new Float32Array(items.length * this.dimension);
    const labels = new BigInt64Array(items.length);
    items.forEach((item, row) => {
      if (item.vector.length !== this.dimension) {
        throw new NsgenError(
          'INVALID_ARGUMENT',
          `vector of ${item.id} has ${item.vector.length} dimensions, the index ${this.dimension}`,
          { where: this.kind },
        );
      }
      matrix.set(item.vector, row * this.dimension);
      labels[row] = BigInt(this.#nextLabel + row);
    });
    const index = this.#indexFor(matrix, items.length);
    this.#call('add', () => index.addWithIds(matrix, labels));
    items.forEach((item, row) => {
      const label = this.#nextLabel + row;
      this.#labelOf.set(item.id, label);
      this.#idOf.set(label, item.id);
    });
    this.#nextLabel += items.length;
  }

  async delete(ids: readonly string[]): Promise<number> {
    const labels = ids.map((id) => this.#labelOf.get(id)).filter((label) => label !== undefined);
    if (labels.length === 0) return 0;
    if (this.#type === 'hnsw') for (const label of labels) this.#tombstones.add(label);
    else this.#call('delete', () => this.#index!.removeIds(labels));
    for (const label of labels) {
      this.#labelOf.delete(this.#idOf.get(label)!);
      this.#idOf.delete(label);
    }
    return labels.length;
  }

  async search(vector: Float32Array, k: number): Promise<VectorHit[]> {
    const index = this.#index;
    if (!index || this.size() === 0 || k <= 0) return [];
    if (vector.length !== this.dimension) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `query has ${vector.length} dimensions, the index ${this.dimension}`,
        {
          where: this.kind,
        },
      );
    }
    const wanted = Math.min(k + this.#tombstones.size, index.ntotal());
    const { distances, labels } = this.#call('search', () => index.search(vector, wanted));
    const hits: VectorHit[] = [];
    for (let i = 0; i < labels.length && hits.length < k; i++) {
      const label = Number(labels[i]);
      // -1: fewer neighbours found than asked (IVF with few lists probed).
      const id = label < 0 || this.#tombstones.has(label) ? undefined : this.#idOf.get(label);
      if (id !== undefined) hits.push({ id, score: distances[i]! });
    }
    return hits;
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    if (this.#index) this.#call('save', () => this.#index!.write(join(dir, INDEX_FILE)));
    const state: SavedState = {
      format: 'nsgen-faiss',
      version: 1,
      type: this.#type,
      dimension: this.dimension,
      nextLabel: this.#nextLabel,
      ids: [...this.#idOf.entries()],
      tombstones: [...this.#tombstones],
      ...(this.#nprobe !== undefined ? { nprobe: this.#nprobe } : {}),
      ...(this.#options.efSearch !== undefined ? { efSearch: this.#options.efSearch } : {}),
    };
    await writeFile(join(dir, STATE_FILE), JSON.stringify(state));
  }

  static async load(dir: string): Promise<FaissVectorIndex> {
    const where = join(dir, STATE_FILE);
    let state: SavedState;
    try {
      state = JSON.parse(await readFile(where, 'utf8')) as SavedState;
    } catch (error) {
      throw new NsgenError('INVALID_DATA', `cannot read the vector index: ${String(error)}`, {
        where,
        cause: error,
      });
    }
    if (state.format !== 'nsgen-faiss' || state.version !== 1) {
      throw new NsgenError(
        'INVALID_DATA',
        `not a FAISS index of this nsgen version (format ${state.format} v${state.version})`,
        {
          where,
        },
      );
    }
    const index = new FaissVectorIndex({
      dimension: state.dimension,
      type: state.type,
      ...(state.nprobe !== undefined ? { nprobe: state.nprobe } : {}),
      ...(state.efSearch !== undefined ? { efSearch: state.efSearch } : {}),
    });
    if (state.ids.length > 0 || state.tombstones.length > 0) {
      const file = join(dir, INDEX_FILE);
      index.#index = index.#call('load', () => faiss().Index.read(file));
      index.#tune(index.#index);
    }
    index.#nextLabel = state.nextLabel;
    for (const [label, id] of state.ids) {
      index.#labelOf.set(id, label);
      index.#idOf.set(label, id);
    }
    for (const label of state.tombstones) index.#tombstones.add(label);
    return index;
  }

  #indexFor(firstBatch: Float32Array, rows: number): FaissIndex {
    if (this.#index) return this.#index;
    const { Index } = faiss();
    let index: FaissIndex;
    if (this.#type === 'ivf') {
      const nlist =
        this.#options.nlist ??
        Math.max(1, Math.min(1024, Math.round(4 * Math.sqrt(rows)), Math.floor(rows / 39)));
      index = this.#call('create', () =>
        Index.fromFactory(this.dimension, `IVF${nlist},Flat`, METRIC_INNER_PRODUCT),
      );
      // k-means needs about 40 points a list; more only slows training down.
      const sample = firstBatch.subarray(0, Math.min(rows, 40 * nlist) * this.dimension);
      this.#call('train', () => index.train(sample));
      this.#nprobe ??= Math.min(nlist, Math.max(16, Math.round(nlist / 16)));
    } else {
      const description = this.#type === 'hnsw' ? 'IDMap,HNSW32' : 'IDMap,Flat';
      index = this.#call('create', () =>
        Index.fromFactory(this.dimension, description, METRIC_INNER_PRODUCT),
      );
    }
    this.#tune(index);
    this.#index = index;
    return index;
  }

  #tune(index: FaissIndex): void {
    if (this.#type === 'ivf' && this.#nprobe !== undefined) index.setParameter('nprobe', this.#nprobe);
    if (this.#type === 'hnsw') index.setParameter('efSearch', this.#options.efSearch ?? 64);
  }

  #call<T>(operation: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      throw new NsgenError(
        'INTERNAL',
        `FAISS ${operation} failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          where: this.kind,
          cause: error,
        },
      );
    }
  }
}
