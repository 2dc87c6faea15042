import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaissVectorIndex } from './faiss-vector-index.js';
import { FlatVectorIndex } from './flat-vector-index.js';
import { describeVectorIndexContract } from './vector-index-contract.js';

describeVectorIndexContract({
  name: 'flat (TypeScript)',
  exact: true,
  create: (dimension) => new FlatVectorIndex({ dimension }),
  load: (dir) => FlatVectorIndex.load(dir),
});
describeVectorIndexContract({
  name: 'faiss-flat',
  exact: true,
  create: (dimension) => new FaissVectorIndex({ dimension, type: 'flat' }),
  load: (dir) => FaissVectorIndex.load(dir),
});
describeVectorIndexContract({
  name: 'faiss-ivf',
  exact: false,
  create: (dimension) => new FaissVectorIndex({ dimension, type: 'ivf' }),
  load: (dir) => FaissVectorIndex.load(dir),
});
describeVectorIndexContract({
  name: 'faiss-hnsw',
  exact: false,
  create: (dimension) => new FaissVectorIndex({ dimension, type: 'hnsw' }),
  load: (dir) => FaissVectorIndex.load(dir),
});

describe('FAISS bad input', () => {
  it('refuses a saved index of another format version', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nsgen-vectors-'));
    try {
      await writeFile(join(dir, 'vectors.json'), JSON.stringify({ format: 'nsgen-faiss', version: 99 }));
      await expect(FaissVectorIndex.load(dir)).rejects.toThrow(/not a FAISS index of this nsgen version/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('turns a corrupt index file into an error instead of aborting the process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nsgen-vectors-'));
    try {
      const state = {
        format: 'nsgen-faiss',
        version: 1,
        type: 'flat',
        dimension: 4,
        nextLabel: 1,
        ids: [[0, 'a']],
        tombstones: [],
      };
      await writeFile(join(dir, 'vectors.json'), JSON.stringify(state));
      await writeFile(join(dir, 'vectors.faiss'), 'not a faiss index');
      await expect(FaissVectorIndex.load(dir)).rejects.toThrow(/FAISS load failed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
