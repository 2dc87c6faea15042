/**
 * The faiss-node binding as patched and built by scripts/setup-rag.sh (typed arrays,
 * add_with_ids, caught faiss exceptions, setParameter). Loaded on first use so that
 * importing `rag` never fails where the native build is missing.
 */
import { createRequire } from 'node:module';
import { NsgenError } from '../../src/core/index.js';

export interface FaissIndex {
  ntotal(): number;
  getDimension(): number;
  isTrained(): boolean;
  train(vectors: Float32Array): void;
  add(vectors: Float32Array): void;
  addWithIds(vectors: Float32Array, ids: BigInt64Array): void;
  search(vectors: Float32Array, k: number): { distances: Float32Array; labels: BigInt64Array };
  removeIds(ids: number[]): number;
  setParameter(name: string, value: number): void;
  write(file: string): void;
}

export interface FaissModule {
  Index: {
    fromFactory(dimension: number, description: string, metric: number): FaissIndex;
    read(file: string): FaissIndex;
  };
}

export const METRIC_INNER_PRODUCT = 0;

let loaded: FaissModule | undefined;

export function faiss(): FaissModule {
  if (loaded) return loaded;
  try {
    const module = createRequire(import.meta.url)('faiss-node') as FaissModule;
    if (
      typeof (module.Index.fromFactory(4, 'Flat', METRIC_INNER_PRODUCT) as Partial<FaissIndex>).addWithIds !==
      'function'
    ) {
      throw new Error('the binding lacks addWithIds: it was built without rag/vector/faiss-node.patch');
    }
    loaded = module;
    return module;
  } catch (error) {
    throw new NsgenError(
      'UNSUPPORTED',
      `faiss-node is not usable (${error instanceof Error ? error.message : String(error)}); run scripts/setup-rag.sh to build it against libfaiss-dev`,
      { where: 'faiss-node', cause: error },
    );
  }
}

/** True when the FAISS binding loads (the flat JS index is the fallback otherwise). */
export function faissAvailable(): boolean {
  try {
    faiss();
    return true;
  } catch {
    return false;
  }
}
