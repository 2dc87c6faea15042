/**
 * One contract for every VectorIndex (hono's shared router cases): each implementation's
 * test file calls `describeVectorIndexContract` with a factory and a loader.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VectorIndex } from '../../src/core/index.js';
import { normalise } from '../embed/hashed-embedder.js';

export interface VectorIndexFactory {
  name: string;
  create(dimension: number): VectorIndex;
  load(dir: string): Promise<VectorIndex>;
  /** False for approximate indexes: neighbours are checked by recall, not exactly. */
  exact: boolean;
}

/** Deterministic unit vectors (a small linear congruential generator). */
export function randomVectors(count: number, dimension: number, seed = 1): Float32Array[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: count }, () => normalise(Float32Array.from({ length: dimension }, next)));
}

function bruteForce(vectors: Float32Array[], query: Float32Array, k: number): number[] {
  return vectors
    .map((vector, row) => ({ row, score: vector.reduce((sum, value, i) => sum + value * query[i]!, 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((hit) => hit.row);
}

export function describeVectorIndexContract(factory: VectorIndexFactory): void {
  describe(`VectorIndex contract: ${factory.name}`, () => {
    const dimension = 32;
    const vectors = randomVectors(400, dimension);
    const items = vectors.map((vector, row) => ({ id: `chunk-${row}`, vector }));
    const dirs: string[] = [];
    afterAll(async () => {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });

    it('finds a stored vector first, with the highest score, and reports its size', async () => {
      const index = factory.create(dimension);
      expect(await index.search(vectors[0]!, 5)).toEqual([]);
      await index.add(items);
      expect(index.size()).toBe(400);
      const hits = await index.search(vectors[17]!, 5);
      expect(hits[0]?.id).toBe('chunk-17');
      expect(hits[0]?.score).toBeCloseTo(1, 4);
      for (let i = 1; i < hits.length; i++)
        expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score + 1e-6);
    });

    it('agrees with brute force (exactly, or by recall for approximate indexes)', async () => {
      const index = factory.create(dimension);
      await index.add(items);
      const queries = randomVectors(20, dimension, 99);
      let found = 0;
      for (const query of queries) {
        const expected = bruteForce(vectors, query, 10).map((row) => `chunk-${row}`);
        const got = (await index.search(query, 10)).map((hit) => hit.id);
        if (factory.exact) expect(got).toEqual(expected);
        found += got.filter((id) => expected.includes(id)).length;
      }
      // Uniform random vectors are the hardest case for approximate indexes; code embeddings cluster.
      expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(factory.exact ? 1 : 0.6);
    });

    it('deletes ids, ignores unknown ones, and replaces a re-added id', async () => {
      const index = factory.create(dimension);
      await index.add(items);
      expect(await index.delete(['chunk-17', 'chunk-3', 'missing'])).toBe(2);
      expect(index.size()).toBe(398);
      const hits = await index.search(vectors[17]!, 10);
      expect(hits.map((hit) => hit.id)).not.toContain('chunk-17');
      await index.add([{ id: 'chunk-5', vector: vectors[17]! }]);
      expect(index.size()).toBe(398);
      expect((await index.search(vectors[17]!, 1))[0]?.id).toBe('chunk-5');
    });

    it('asks for more neighbours than it holds without failing', async () => {
      const index = factory.create(dimension);
      await index.add(items.slice(0, 3));
      expect((await index.search(vectors[0]!, 10)).length).toBeLessThanOrEqual(3);
    });

    it('saves and loads with the same answers, deletions included', async () => {
      const index = factory.create(dimension);
      await index.add(items);
      await index.delete(['chunk-1']);
      const dir = await mkdtemp(join(tmpdir(), 'nsgen-vectors-'));
      dirs.push(dir);
      await index.save(dir);
      const loaded = await factory.load(dir);
      expect(loaded.size()).toBe(399);
      expect(loaded.dimension).toBe(dimension);
      for (const query of randomVectors(5, dimension, 7)) {
        expect((await loaded.search(query, 5)).map((hit) => hit.id)).toEqual(
          (await index.search(query, 5)).map((hit) => hit.id),
        );
      }
      expect((await loaded.search(vectors[1]!, 5)).map((hit) => hit.id)).not.toContain('chunk-1');
    });

    it('rejects a vector of the wrong dimension with a clear error', async () => {
      const index = factory.create(dimension);
      await expect(index.add([{ id: 'x', vector: new Float32Array(dimension + 1) }])).rejects.toThrow(
        /dimensions/,
      );
    });
  });
}
