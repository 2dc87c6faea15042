import { z } from 'zod';
import { NsgenError, type Task } from '../../core/index.js';
import type { BenchmarkMetadata } from './metadata.js';
import { assertUniqueIds, parseRecords } from './records.js';
import { requiredNpmPackages } from './required-packages.js';

const humanEvalJsRecord = z.object({
  task_id: z.string().min(1, 'expected a non-empty string'),
  prompt: z.string(),
  canonical_solution: z.string().nullish(),
  test: z.string(),
  declaration: z.string(),
  example_test: z.string().optional(),
});

/**
 * Put before the tests: in Node `console.assert` only prints, so a wrong answer would exit 0.
 * Throwing makes a failed assertion fail the run, as the HumanEval-X harness (which counts
 * any stderr as failure) intends.
 */
export const THROWING_CONSOLE_ASSERT =
  "console.assert = (condition, ...data) => { if (!condition) throw new Error(['Assertion failed', ...data.map(String)].join(': ')); };\n";

/**
 * HumanEval-X JavaScript. The official program is `prompt + completion + "\n" + test`; the
 * tests here are `THROWING_CONSOLE_ASSERT + test`, so the candidate's code is `prompt + completion`.
 */
export function parseHumanEvalJs(text: string, file: string): Task[] {
  const tasks = parseRecords(text, file, humanEvalJsRecord).map(({ record, where }): Task => {
    const metadata: BenchmarkMetadata = { dataset: 'humaneval-js', sourceTaskId: record.task_id };
    if (typeof record.canonical_solution === 'string') {
      metadata.canonicalSolution = record.canonical_solution;
      metadata.canonicalFormat = 'completion';
    }
    const packages = requiredNpmPackages(record.prompt, record.canonical_solution ?? '', record.test);
    if (packages.length > 0) metadata.requiredPackages = packages;
    return {
      id: record.task_id,
      language: 'javascript',
      prompt: record.prompt,
      entryPoint: declaredFunction(record.declaration, where),
      tests: THROWING_CONSOLE_ASSERT + record.test,
      metadata,
    };
  });
  return assertUniqueIds(tasks, file);
}

/**
 * The function a declaration opens: the last one declared, since some declarations carry a
 * helper first (`isPalindrome` before `makePalindrome`).
 */
export function declaredFunction(declaration: string, where: string): string {
  const names = [
    ...declaration.matchAll(
      /^[ \t]*(?:export[ \t]+)?(?:const|let|var|(?:async[ \t]+)?function)[ \t]+([A-Za-z_$][\w$]*)/gm,
    ),
  ].map((match) => match[1]!);
  const name = names.at(-1);
  if (!name) {
    throw new NsgenError('INVALID_DATA', 'field "declaration": no function declaration found', { where });
  }
  return name;
}
