import { z } from 'zod';
import type { Task } from '../../core/index.js';
import type { BenchmarkMetadata } from './metadata.js';
import { assertUniqueIds, parseRecords } from './records.js';
import { requiredNpmPackages } from './required-packages.js';

const humanEvalTsRecord = z.object({
  task_id: z.string().min(1, 'expected a non-empty string'),
  prompt: z.string(),
  test: z.string(),
  entry_point: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'expected an identifier'),
  language: z.string().optional(),
  description: z.string().optional(),
  canonical_solution: z.string().nullish(),
});

/**
 * Multi-HumanEval TypeScript (mxeval). The official program is `prompt + completion + "\n" + test`.
 * The bundled file has no reference solutions (`canonical_solution` is null everywhere), so
 * these tasks carry no `canonicalSolution` and `replay:canonical` has nothing to replay.
 */
export function parseHumanEvalTs(text: string, file: string): Task[] {
  const tasks = parseRecords(text, file, humanEvalTsRecord).map(({ record }): Task => {
    const metadata: BenchmarkMetadata = { dataset: 'humaneval-ts', sourceTaskId: record.task_id };
    if (typeof record.canonical_solution === 'string') {
      metadata.canonicalSolution = record.canonical_solution;
      metadata.canonicalFormat = 'completion';
    }
    if (record.description !== undefined) metadata.description = record.description;
    const packages = requiredNpmPackages(record.prompt, record.canonical_solution ?? '', record.test);
    if (packages.length > 0) metadata.requiredPackages = packages;
    return {
      id: record.task_id,
      language: 'typescript',
      prompt: record.prompt,
      entryPoint: record.entry_point,
      tests: record.test,
      metadata,
    };
  });
  return assertUniqueIds(tasks, file);
}
