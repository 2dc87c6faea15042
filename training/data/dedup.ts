/**
 * Duplicate removal: exact duplicates by the hash of whitespace-normalised content, near
 * duplicates by MinHash over word 5-shingles with locality-sensitive hashing (bands of
 * rows), confirmed by the estimated Jaccard similarity.
 */
import { createHash } from 'node:crypto';

export function contentHash(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');
}

export interface NearDuplicateOptions {
  /** @default 128 */
  permutations?: number;
  /** @default 16 (so 8 rows per band) */
  bands?: number;
  /** Estimated Jaccard similarity at or above which a document is a duplicate. @default 0.8 */
  threshold?: number;
  /** Words per shingle. @default 5 */
  shingleSize?: number;
}

/** FNV-1a, 32 bits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const PRIME = 4294967311; // a prime above 2^32

export class NearDuplicateIndex {
  private readonly permutations: number;
  private readonly bands: number;
  private readonly rows: number;
  private readonly threshold: number;
  private readonly shingleSize: number;
  private readonly a: number[];
  private readonly b: number[];
  private readonly buckets = new Map<string, number[]>();
  private readonly signatures: Uint32Array[] = [];

  constructor(options: NearDuplicateOptions = {}) {
    this.permutations = options.permutations ?? 128;
    this.bands = options.bands ?? 16;
    this.rows = Math.floor(this.permutations / this.bands);
    this.threshold = options.threshold ?? 0.8;
    this.shingleSize = options.shingleSize ?? 5;
    // Fixed coefficients: the same corpus always deduplicates the same way.
    let seed = 0x9e3779b9;
    const next = () => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0;
      return seed;
    };
    this.a = Array.from({ length: this.permutations }, () => (next() % (PRIME - 1)) + 1);
    this.b = Array.from({ length: this.permutations }, () => next() % PRIME);
  }

  signature(text: string): Uint32Array {
    const words = text.split(/\W+/).filter(Boolean);
    const shingles = new Set<number>();
    if (words.length < this.shingleSize) shingles.add(fnv1a(words.join(' ')));
    for (let i = 0; i + this.shingleSize <= words.length; i++) {
      shingles.add(fnv1a(words.slice(i, i + this.shingleSize).join(' ')));
    }
    const signature = new Uint32Array(this.permutations).fill(0xffffffff);
    for (const shingle of shingles) {
      for (let p = 0; p < this.permutations; p++) {
        // (a·x + b) mod p in doubles: a·x stays below 2^64 only approximately, so the
        // product is split to stay exact.
        const a = this.a[p] as number;
        const high = ((Math.floor(a / 65536) * shingle) % PRIME) * 65536;
        const value = ((high % PRIME) + (a % 65536) * shingle + (this.b[p] as number)) % PRIME;
        const hashed = value >>> 0;
        if (hashed < (signature[p] as number)) signature[p] = hashed;
      }
    }
    return signature;
  }

  /** Similarity estimate of two signatures. */
  static similarity(left: Uint32Array, right: Uint32Array): number {
    let same = 0;
    for (let i = 0; i < left.length; i++) if (left[i] === right[i]) same++;
    return same / left.length;
  }

  /**
   * Adds the document unless a near duplicate is already in; returns the best similarity
   * when it is a duplicate, else undefined.
   */
  addUnlessDuplicate(text: string): number | undefined {
    const signature = this.signature(text);
    const keys: string[] = [];
    let best = 0;
    for (let band = 0; band < this.bands; band++) {
      const key = `${band}:${Array.from(signature.subarray(band * this.rows, (band + 1) * this.rows)).join(',')}`;
      keys.push(key);
      for (const index of this.buckets.get(key) ?? []) {
        best = Math.max(
          best,
          NearDuplicateIndex.similarity(signature, this.signatures[index] as Uint32Array),
        );
      }
    }
    if (best >= this.threshold) return best;
    const index = this.signatures.push(signature) - 1;
    for (const key of keys) {
      const bucket = this.buckets.get(key);
      if (bucket) bucket.push(index);
      else this.buckets.set(key, [index]);
    }
    return undefined;
  }
}
