import { describe, expect, it } from 'vitest';
import { parseKList, passAtK, passAtKEstimate } from './pass-at-k.js';

/** 1 − C(n−c, k)/C(n, k) with exact big-integer binomials, for small cases. */
function exact(n: number, c: number, k: number): number {
  const choose = (a: number, b: number): bigint => {
    if (b < 0 || b > a) return 0n;
    let result = 1n;
    for (let i = 1; i <= b; i++) result = (result * BigInt(a - b + i)) / BigInt(i);
    return result;
  };
  const scale = 10n ** 30n;
  return 1 - Number((choose(n - c, k) * scale) / choose(n, k)) / 1e30;
}

describe('passAtKEstimate', () => {
  it('matches values worked out by hand', () => {
    // n = 10, c = 3, k = 1: the pass rate.
    expect(passAtKEstimate({ n: 10, c: 3 }, 1)).toBeCloseTo(0.3, 15);
    // n = 4, c = 1, k = 2: 1 − C(3,2)/C(4,2) = 1 − 3/6.
    expect(passAtKEstimate({ n: 4, c: 1 }, 2)).toBeCloseTo(0.5, 15);
    // n = 5, c = 2, k = 2: 1 − C(3,2)/C(5,2) = 1 − 3/10.
    expect(passAtKEstimate({ n: 5, c: 2 }, 2)).toBeCloseTo(0.7, 15);
    expect(passAtKEstimate({ n: 10, c: 0 }, 5)).toBe(0);
    // Fewer failures than k: every draw of k holds a passing sample.
    expect(passAtKEstimate({ n: 10, c: 8 }, 3)).toBe(1);
    expect(passAtKEstimate({ n: 3, c: 1 }, 3)).toBe(1);
  });

  it('matches the official numpy implementation (human-eval estimate_pass_at_k)', () => {
    // Values printed by `1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))` (numpy, float64).
    const official: [number, number, number, number][] = [
      [10, 3, 1, 0.30000000000000004],
      [10, 3, 5, 0.9166666666666666],
      [200, 13, 1, 0.06500000000000017],
      [200, 13, 10, 0.4975511147306061],
      [200, 13, 100, 0.9999194971988055],
      [100, 1, 50, 0.5],
      [1000, 17, 100, 0.8357585468230107],
      [20, 0, 10, 0],
    ];
    for (const [n, c, k, value] of official) expect(passAtKEstimate({ n, c }, k)).toBeCloseTo(value, 14);
  });

  it('agrees with exact binomials across small cases', () => {
    for (let n = 1; n <= 12; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) expect(passAtKEstimate({ n, c }, k)).toBeCloseTo(exact(n, c, k), 12);
      }
    }
  });

  it('stays finite where the binomials would overflow', () => {
    const value = passAtKEstimate({ n: 5000, c: 3 }, 1000);
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(1);
    expect(value).toBeCloseTo(1 - 0.8 ** 3, 3);
  });

  it('refuses impossible counts and k above n', () => {
    expect(() => passAtKEstimate({ n: 3, c: 4 }, 1)).toThrow(/0 ≤ c ≤ n/);
    expect(() => passAtKEstimate({ n: 3, c: 1 }, 0)).toThrow(/positive integer/);
    expect(() => passAtKEstimate({ n: 3, c: 1 }, 5)).toThrow(/at least 5 samples/);
  });
});

describe('passAtK over tasks', () => {
  it('averages per-task estimates', () => {
    const [one, two] = passAtK(
      [
        { n: 2, c: 1 },
        { n: 2, c: 0 },
        { n: 2, c: 2 },
      ],
      [1, 2],
    );
    expect(one).toEqual({ k: 1, value: (0.5 + 0 + 1) / 3, counted: 3, excluded: 0 });
    expect(two).toEqual({ k: 2, value: (1 + 0 + 1) / 3, counted: 3, excluded: 0 });
  });

  it('leaves out tasks with fewer than k candidates and counts tasks with none as failures', () => {
    const [one, ten] = passAtK(
      [
        { n: 10, c: 10 },
        { n: 3, c: 3 },
        { n: 0, c: 0 },
      ],
      [1, 10],
    );
    expect(one).toEqual({ k: 1, value: 2 / 3, counted: 3, excluded: 0 });
    expect(ten).toEqual({ k: 10, value: 0.5, counted: 2, excluded: 1 });
    expect(passAtK([{ n: 3, c: 1 }], [5])).toEqual([{ k: 5, value: undefined, counted: 0, excluded: 1 }]);
  });
});

describe('parseKList', () => {
  it('parses, sorts and deduplicates', () => {
    expect(parseKList('10, 1,10,100')).toEqual([1, 10, 100]);
  });
  it.each(['', '1,,2', '0', '1.5', 'ten'])('refuses "%s"', (text) => {
    expect(() => parseKList(text)).toThrow(/positive integers/);
  });
});
