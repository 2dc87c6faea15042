/**
 * The unbiased pass@k estimator of Chen et al. (2021), "Evaluating Large Language Models
 * Trained on Code": with n samples of which c pass, pass@k = 1 − C(n−c, k) / C(n, k), the
 * chance that k samples drawn without replacement include a passing one.
 */
import { NsgenError } from '../core/index.js';

/** How many candidates a task had (`n`) and how many of them passed (`c`). */
export interface SampleCounts {
  n: number;
  c: number;
}

/**
 * pass@k for one task, in the numerically stable product form
 * `1 − ∏_{i=n−c+1}^{n} (1 − k/i)` (the binomials overflow long before n = 200).
 * Requires n ≥ k: with fewer samples than k the estimator is undefined.
 */
export function passAtKEstimate(counts: SampleCounts, k: number): number {
  const { n, c } = counts;
  checkCounts(counts, k);
  if (n < k) {
    throw new NsgenError('INVALID_ARGUMENT', `pass@${k} needs at least ${k} samples, got n = ${n}`);
  }
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}

/** pass@k averaged over tasks, with how many tasks the average covers. */
export interface PassAtKResult {
  k: number;
  /** The mean over the counted tasks; undefined when no task can be counted. */
  value: number | undefined;
  /** Tasks in the mean. */
  counted: number;
  /** Tasks left out because they had some, but fewer than k, candidates. */
  excluded: number;
}

/**
 * pass@k per k, averaged over tasks. Which tasks count:
 * - n ≥ k: the unbiased estimate.
 * - 0 < n < k: left out, since the estimator is undefined there. The official human-eval
 *   code reports a k only when every task has n ≥ k; we keep the k, average over the
 *   tasks that qualify and say how many were left out (`excluded`), so a partial figure
 *   is visible as such rather than missing.
 * - n = 0 (no candidate at all: the run errored or a recording had no sample for the
 *   task): counted as a failure (0) at every k. Leaving such tasks out would let errors
 *   raise the score; the official code refuses to score a run with unattempted tasks.
 */
export function passAtK(tasks: SampleCounts[], ks: number[]): PassAtKResult[] {
  return ks.map((k) => {
    let sum = 0;
    let counted = 0;
    let excluded = 0;
    for (const counts of tasks) {
      checkCounts(counts, k);
      if (counts.n === 0) {
        counted++;
      } else if (counts.n < k) {
        excluded++;
      } else {
        sum += passAtKEstimate(counts, k);
        counted++;
      }
    }
    return { k, value: counted === 0 ? undefined : sum / counted, counted, excluded };
  });
}

/** Parses a `--k 1,10,100` list: positive integers, duplicates dropped, ascending. */
export function parseKList(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const ks = parts.map((part) => Number(part));
  if (parts.some((part) => part === '') || ks.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new NsgenError(
      'INVALID_ARGUMENT',
      `expected a comma-separated list of positive integers for k, got "${text}"`,
    );
  }
  return [...new Set(ks)].sort((a, b) => a - b);
}

function checkCounts({ n, c }: SampleCounts, k: number): void {
  if (!Number.isInteger(k) || k < 1)
    throw new NsgenError('INVALID_ARGUMENT', `k must be a positive integer, got ${k}`);
  if (!Number.isInteger(n) || !Number.isInteger(c) || n < 0 || c < 0 || c > n) {
    throw new NsgenError(
      'INVALID_ARGUMENT',
      `sample counts must be integers with 0 ≤ c ≤ n, got n = ${n}, c = ${c}`,
    );
  }
}
