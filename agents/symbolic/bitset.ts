/** Fixed-width bit sets over example indexes, for covers and predicate splits. */
export type Bits = Uint32Array;

export function emptyBits(width: number): Bits {
  return new Uint32Array(Math.ceil(width / 32));
}

export function setBit(bits: Bits, index: number): void {
  bits[index >>> 5]! |= 1 << (index & 31);
}

export function hasBit(bits: Bits, index: number): boolean {
  return (bits[index >>> 5]! & (1 << (index & 31))) !== 0;
}

export function fullBits(width: number): Bits {
  const bits = emptyBits(width);
  for (let index = 0; index < width; index++) setBit(bits, index);
  return bits;
}

function popcount32(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function count(bits: Bits): number {
  let total = 0;
  for (const word of bits) total += popcount32(word);
  return total;
}

/** |a ∩ b| */
export function countAnd(a: Bits, b: Bits): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += popcount32(a[i]! & b[i]!);
  return total;
}

/** |a ∩ ¬b| */
export function countAndNot(a: Bits, b: Bits): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += popcount32(a[i]! & ~b[i]!);
  return total;
}

export function and(a: Bits, b: Bits): Bits {
  return a.map((word, i) => word & b[i]!);
}

export function andNot(a: Bits, b: Bits): Bits {
  return a.map((word, i) => word & ~b[i]!);
}

export function or(a: Bits, b: Bits): Bits {
  return a.map((word, i) => word | b[i]!);
}

/** a ⊆ b */
export function isSubset(a: Bits, b: Bits): boolean {
  return a.every((word, i) => (word & ~b[i]!) === 0);
}

export function bitsKey(bits: Bits): string {
  return Array.from(bits, (word) => word.toString(36)).join('.');
}
