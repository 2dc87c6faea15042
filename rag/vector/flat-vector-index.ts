/**
 * Exact search in plain TypeScript over one growing Float32Array: no native code, the
 * fallback where faiss-node is not built, and the reference the FAISS indexes are tested
 * against.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VectorHit, VectorIndex } from '../../src/core/index.js';
import { NsgenError } from '../../src/core/index.js';

const VECTORS_FILE = 'vectors.f32';
const STATE_FILE = 'vectors.json';

export class FlatVectorIndex implements VectorIndex {
  readonly kind = 'flat';
  readonly dimension: number;
  #data: Float32Array;
  #ids: string[] = [];
  readonly #rowOf = new Map<string, number>();

  constructor(options: { dimension: number }) {
    this.dimension = options.dimension;
    this.#data = new Float32Array(this.dimension * 64);
  }

  size(): number {
    return this.#ids.length;
  }

  async add(items: ReadonlyArray<{ id: string; vector: Float32Array }>): Promise<void> {
    for (const { id, vector } of items) {
      if (vector.length !== this.dimension) {
        throw new NsgenError(
          'INVALID_ARGUMENT',
          `vector of ${id} has ${vector.length} dimensions, the index ${this.dimension}`,
          {
            where: this.kind,
          },
        );
      }
      let row = this.#rowOf.get(id);
      if (row === undefined) {
        row = this.#ids.length;
        this.#ids.push(id);
        this.#rowOf.set(id, row);
        if ((row + 1) * this.dimension > this.#data.length) {
          const grown = new Float32Array(this.#data.length * 2);
          grown.set(this.#data);
          this.#data = grown;
        }
      }
      this.#data.set(vector, row * this.dimension);
    }
  }

  async delete(ids: readonly string[]): Promise<number> {
    let removed = 0;
    for (const id of ids) {
      const row = this.#rowOf.get(id);
      if (row === undefined) continue;
      // Move the last row into the hole.
      const last = this.#ids.length - 1;
      const lastId = this.#ids[last]!;
      this.#data.copyWithin(row * this.dimension, last * this.dimension, (last + 1) * this.dimension);
      this.#ids[row] = lastId;
      this.#rowOf.set(lastId, row);
      this.#ids.pop();
      this.#rowOf.delete(id);
      removed++;
    }
    return removed;
  }

  async search(vector: Float32Array, k: number): Promise<VectorHit[]> {
    const dimension = this.dimension;
    const data = this.#data;
    const scores = new Float32Array(this.#ids.length);
    for (let row = 0; row < this.#ids.length; row++) {
      let dot = 0;
      const offset = row * dimension;
      for (let i = 0; i < dimension; i++) dot += data[offset + i]! * vector[i]!;
      scores[row] = dot;
    }
    return topK(scores, Math.min(k, scores.length)).map((row) => ({
      id: this.#ids[row]!,
      score: scores[row]!,
    }));
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const used = this.#data.subarray(0, this.#ids.length * this.dimension);
    await writeFile(join(dir, VECTORS_FILE), Buffer.from(used.buffer, used.byteOffset, used.byteLength));
    await writeFile(
      join(dir, STATE_FILE),
      JSON.stringify({ format: 'nsgen-flat', version: 1, dimension: this.dimension, ids: this.#ids }),
    );
  }

  static async load(dir: string): Promise<FlatVectorIndex> {
    const where = join(dir, STATE_FILE);
    const state = JSON.parse(await readFile(where, 'utf8')) as {
      format: string;
      version: number;
      dimension: number;
      ids: string[];
    };
    if (state.format !== 'nsgen-flat' || state.version !== 1) {
      throw new NsgenError(
        'INVALID_DATA',
        `not a flat index of this nsgen version (format ${state.format} v${state.version})`,
        {
          where,
        },
      );
    }
    const bytes = await readFile(join(dir, VECTORS_FILE));
    const index = new FlatVectorIndex({ dimension: state.dimension });
    const vectors = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    await index.add(
      state.ids.map((id, row) => ({
        id,
        vector: vectors.subarray(row * state.dimension, (row + 1) * state.dimension),
      })),
    );
    return index;
  }
}

/** Rows of the k highest scores, highest first (a partial selection, not a full sort). */
function topK(scores: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let row = 0; row < scores.length; row++) {
    const score = scores[row]!;
    if (best.length === k && score <= scores[best[k - 1]!]!) continue;
    let position = best.length === k ? k - 1 : best.length;
    while (position > 0 && scores[best[position - 1]!]! < score) position--;
    best.splice(position, 0, row);
    if (best.length > k) best.pop();
  }
  return best;
}
