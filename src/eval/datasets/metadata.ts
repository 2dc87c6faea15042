/** The benchmark datasets nsgen loads directly. */
export const DATASETS = ['humaneval', 'mbpp', 'humaneval-js', 'humaneval-ts', 'sygus', 'tasks'] as const;
export type DatasetName = (typeof DATASETS)[number];

/**
 * What every benchmark loader puts in `task.metadata`. It lives here, not in `src/core`,
 * because only the evaluation side and the replay model read it (the replay model reads
 * the two `canonical*` fields by name).
 */
export interface BenchmarkMetadata {
  [key: string]: unknown;
  dataset: DatasetName;
  /** The id as the benchmark file writes it (MBPP: a number), for matching recorded samples. */
  sourceTaskId: string | number;
  /** The reference solution, where the dataset has one. */
  canonicalSolution?: string;
  /** `completion` when the reference continues the prompt, `program` when it is the whole program. */
  canonicalFormat?: 'completion' | 'program';
  /**
   * Packages outside the language's standard library that the reference solution or the
   * tests load (`require('js-md5')`): a sandbox without them fails the task for reasons
   * that are not the candidate's.
   */
  requiredPackages?: string[];
}
