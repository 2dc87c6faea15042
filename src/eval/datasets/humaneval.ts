import { z } from 'zod';
import type { Task } from '../../core/index.js';
import type { BenchmarkMetadata } from './metadata.js';
import { assertUniqueIds, parseRecords } from './records.js';

const humanEvalRecord = z.object({
  task_id: z.string().min(1, 'expected a non-empty string'),
  prompt: z.string(),
  canonical_solution: z.string().nullish(),
  test: z.string(),
  entry_point: z.string().regex(/^[A-Za-z_]\w*$/, 'expected a Python identifier'),
});

/**
 * HumanEval (OpenAI, Python). The official program is
 * `prompt + completion + "\n" + test + "\n" + "check(" + entry_point + ")"`, so a candidate's
 * code is `prompt + completion` and the task's tests are the rest after the joining newline.
 */
export function parseHumanEval(text: string, file: string): Task[] {
  const tasks = parseRecords(text, file, humanEvalRecord).map(({ record }): Task => {
    const metadata: BenchmarkMetadata = { dataset: 'humaneval', sourceTaskId: record.task_id };
    if (typeof record.canonical_solution === 'string') {
      metadata.canonicalSolution = record.canonical_solution;
      metadata.canonicalFormat = 'completion';
    }
    return {
      id: record.task_id,
      language: 'python',
      prompt: record.prompt,
      entryPoint: record.entry_point,
      tests: `${record.test}\ncheck(${record.entry_point})`,
      metadata,
    };
  });
  return assertUniqueIds(tasks, file);
}
