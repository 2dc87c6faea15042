/** A small seeded generator (mulberry32), so that initialisation and data order repeat. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  integer(below: number): number {
    return Math.floor(this.next() * below);
  }

  /** Standard normal samples (Box-Muller). */
  normal(count: number, std: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i += 2) {
      const u = Math.max(this.next(), 1e-12);
      const v = this.next();
      const r = Math.sqrt(-2 * Math.log(u)) * std;
      out[i] = r * Math.cos(2 * Math.PI * v);
      if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
    return out;
  }
}
