import { z } from 'zod';
import { NsgenError, parseJsonLines, type Task } from '../../core/index.js';
import type { BenchmarkMetadata } from './metadata.js';
import { assertUniqueIds, validateRecord } from './records.js';

const taskId = z.union([z.number().int(), z.string().min(1, 'expected a non-empty string')]);
const testList = z.array(z.string()).min(1, 'expected at least one test');

/** The original `mbpp.jsonl` line. */
const fullRecord = z.object({
  text: z.string(),
  code: z.string().optional(),
  task_id: taskId,
  test_setup_code: z.string().optional(),
  test_list: testList,
  challenge_test_list: z.array(z.string()).optional(),
});

/** A `sanitized-mbpp.json` entry: a clearer prompt, imports the tests need. */
const sanitizedRecord = z.object({
  source_file: z.string().optional(),
  prompt: z.string(),
  code: z.string().optional(),
  task_id: taskId,
  test_imports: z.array(z.string()).optional(),
  test_list: testList,
});

export interface MbppOptions {
  /**
   * Also run `challenge_test_list` (full format only; empty for most tasks).
   * @default false
   */
  includeChallengeTests?: boolean;
}

/**
 * MBPP, full or sanitized, told apart line by line (`text` or `prompt`). The official
 * program is `code + "\n" + test_setup_code + "\n" + "\n".join(test_list)`, the sanitized
 * `test_imports` lines standing where `test_setup_code` stands; the reference solution is a
 * whole program, so recorded samples for MBPP are `solution`s.
 */
export function parseMbpp(text: string, file: string, options: MbppOptions = {}): Task[] {
  const tasks: Task[] = [];
  for (const { value, line } of parseJsonLines(text, file)) {
    tasks.push(mbppTask(value, `${file}:${line}`, options));
  }
  if (tasks.length === 0) throw new NsgenError('INVALID_DATA', 'the file holds no record', { where: file });
  return assertUniqueIds(tasks, file);
}

function mbppTask(value: unknown, where: string, options: MbppOptions): Task {
  const fields = typeof value === 'object' && value !== null ? value : {};
  if ('text' in fields) {
    const record = validateRecord(value, where, fullRecord);
    const tests = [
      ...record.test_list,
      ...(options.includeChallengeTests ? (record.challenge_test_list ?? []) : []),
    ];
    return buildTask({
      where,
      variant: 'full',
      taskId: record.task_id,
      description: record.text,
      code: record.code,
      setup: record.test_setup_code ?? '',
      tests,
      shownTests: record.test_list,
    });
  }
  if ('prompt' in fields) {
    const record = validateRecord(value, where, sanitizedRecord);
    return buildTask({
      where,
      variant: 'sanitized',
      taskId: record.task_id,
      description: record.prompt,
      code: record.code,
      setup: (record.test_imports ?? []).join('\n'),
      tests: record.test_list,
      shownTests: record.test_list,
    });
  }
  throw new NsgenError(
    'INVALID_DATA',
    'not an MBPP record: expected field "text" (full MBPP) or "prompt" (sanitized MBPP)',
    { where },
  );
}

interface MbppParts {
  where: string;
  variant: 'full' | 'sanitized';
  taskId: number | string;
  description: string;
  code: string | undefined;
  setup: string;
  tests: string[];
  shownTests: string[];
}

function buildTask(parts: MbppParts): Task {
  const metadata: BenchmarkMetadata = {
    dataset: 'mbpp',
    sourceTaskId: parts.taskId,
    variant: parts.variant,
  };
  const split = typeof parts.taskId === 'number' ? mbppSplit(parts.taskId) : undefined;
  if (split) metadata.split = split;
  if (parts.code !== undefined) {
    metadata.canonicalSolution = parts.code;
    metadata.canonicalFormat = 'program';
  }
  return {
    id: `Mbpp/${parts.taskId}`,
    language: 'python',
    prompt: mbppPrompt(parts.description, parts.shownTests),
    entryPoint: mbppEntryPoint({ firstTest: parts.shownTests[0]!, code: parts.code, where: parts.where }),
    tests: `${parts.setup}\n${parts.tests.join('\n')}`,
    metadata,
  };
}

/** The prompt of Austin et al. (2021): the description, then the tests the code must pass. */
export function mbppPrompt(description: string, tests: string[]): string {
  return `You are an expert Python programmer, and here is your task: ${description} Your code should pass these tests:\n\n${tests.join('\n')}\n`;
}

/** The standard MBPP splits by task id. */
function mbppSplit(id: number): string | undefined {
  if (id >= 1 && id <= 10) return 'prompt';
  if (id >= 11 && id <= 510) return 'test';
  if (id >= 511 && id <= 600) return 'validation';
  if (id >= 601 && id <= 974) return 'train';
  return undefined;
}

const PYTHON_KEYWORDS = new Set(
  'and as assert async await del elif else except for from global if import in is lambda nonlocal not or pass raise return try while with yield print'.split(
    ' ',
  ),
);
const PYTHON_BUILTINS = new Set(
  'abs all any ascii bin bool bytearray bytes callable chr complex dict dir divmod enumerate eval filter float format frozenset getattr hasattr hash hex id input int isinstance issubclass iter len list map max min next object oct ord pow range repr reversed round set setattr slice sorted str sum tuple type vars zip'.split(
    ' ',
  ),
);

/**
 * The function the first test calls. A name the reference code defines wins
 * (`assert set(similar_elements(...)) == ...` calls `set` first); without reference code,
 * the first call that is neither a keyword, a builtin nor a method.
 */
export function mbppEntryPoint(input: {
  firstTest: string;
  code: string | undefined;
  where: string;
}): string {
  const withoutStrings = input.firstTest.replace(/(['"])(?:\\.|(?!\1)[^\\])*\1/g, '""');
  const calls = [...withoutStrings.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*\(/g)].map((match) => match[1]!);
  const defined = new Set(
    [...(input.code ?? '').matchAll(/^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)/gm)].map(
      (match) => match[1]!,
    ),
  );
  const entryPoint =
    calls.find((name) => defined.has(name)) ??
    calls.find((name) => !PYTHON_KEYWORDS.has(name) && !PYTHON_BUILTINS.has(name));
  if (!entryPoint) {
    throw new NsgenError(
      'INVALID_DATA',
      `field "test_list.0": cannot tell which function the first test calls (${input.firstTest})`,
      { where: input.where },
    );
  }
  return entryPoint;
}
