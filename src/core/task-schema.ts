/**
 * Validation of task files (JSONL, or one JSON object). Problems name the file, the
 * line and the field, e.g. `tasks.jsonl:3: field "entryPoint": expected a non-empty string`.
 */
import { z } from 'zod';
import { NsgenError } from './errors.js';
import { LANGUAGES, type Task } from './types.js';

const nonEmpty = z.string().min(1, 'expected a non-empty string');

export const taskSchema = z
  .object({
    id: nonEmpty,
    language: z.enum(LANGUAGES as [string, ...string[]]),
    prompt: z.string(),
    entryPoint: nonEmpty.regex(/^[A-Za-z_$][\w$]*$/, 'expected an identifier'),
    signature: z
      .object({
        params: z.array(z.object({ name: nonEmpty, type: nonEmpty })),
        returns: nonEmpty,
      })
      .optional(),
    examples: z.array(z.object({ input: z.array(z.unknown()), output: z.unknown() })).optional(),
    tests: z.string().optional(),
    contract: z
      .object({
        pre: z.string().optional(),
        post: z.string().optional(),
        invariants: z.array(z.string()).optional(),
      })
      .optional(),
    context: z.object({ repo: z.string().optional(), files: z.array(z.string()).optional() }).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Formats the first zod issue as `field "a.b": message`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${path ? ` in "${path}"` : ''}`;
  }
  return path ? `field "${path}": ${issue.message}` : issue.message;
}

/** Validates one parsed task; `where` names its place (`file:line`). */
export function parseTask(value: unknown, where: string): Task {
  const result = taskSchema.safeParse(value);
  if (!result.success) throw new NsgenError('INVALID_TASK', describeIssue(result.error), { where });
  return result.data as Task;
}

/**
 * Parses the text of a task file: JSONL (one task per non-blank line) or a single JSON
 * object (possibly spread over many lines). Duplicate ids are an error.
 */
export function parseTaskFile(text: string, file: string): Task[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new NsgenError('INVALID_TASK', 'the file holds no task', { where: file });
  const tasks: Task[] = [];
  if (trimmed.startsWith('{') && !isJsonLines(trimmed)) {
    tasks.push(parseTask(parseJson(trimmed, `${file}:1`), file));
  } else {
    for (const { value, line } of parseJsonLines(text, file)) tasks.push(parseTask(value, `${file}:${line}`));
  }
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.id))
      throw new NsgenError('INVALID_TASK', `duplicate task id "${task.id}"`, { where: file });
    seen.add(task.id);
  }
  return tasks;
}

function isJsonLines(text: string): boolean {
  const firstLine = text.split('\n', 1)[0] ?? '';
  try {
    JSON.parse(firstLine);
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new NsgenError('INVALID_DATA', `malformed JSON (${(error as Error).message})`, {
      where,
      cause: error,
    });
  }
}

/** Parses JSONL text, naming `file:line` for a malformed line. Blank lines are skipped. */
export function* parseJsonLines(text: string, file: string): Generator<{ value: unknown; line: number }> {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    yield { value: parseJson(line, `${file}:${index + 1}`), line: index + 1 };
  }
}
