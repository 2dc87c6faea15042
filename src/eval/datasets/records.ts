import type { z } from 'zod';
import { describeIssue, NsgenError, parseJsonLines, type Task } from '../../core/index.js';

/** One parsed JSONL line with its place, for messages that name `file:line`. */
export interface SourcedRecord<T> {
  record: T;
  where: string;
}

/** Parses JSONL text and validates each line against a record schema. */
export function parseRecords<T>(text: string, file: string, schema: z.ZodType<T>): SourcedRecord<T>[] {
  const records: SourcedRecord<T>[] = [];
  for (const { value, line } of parseJsonLines(text, file)) {
    records.push({ record: validateRecord(value, `${file}:${line}`, schema), where: `${file}:${line}` });
  }
  if (records.length === 0) throw new NsgenError('INVALID_DATA', 'the file holds no record', { where: file });
  return records;
}

export function validateRecord<T>(value: unknown, where: string, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new NsgenError('INVALID_DATA', describeIssue(result.error), { where });
  return result.data;
}

/** Benchmark ids must be unique: replayed samples and reports are keyed by them. */
export function assertUniqueIds(tasks: Task[], file: string): Task[] {
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.id))
      throw new NsgenError('INVALID_DATA', `duplicate task id "${task.id}"`, { where: file });
    seen.add(task.id);
  }
  return tasks;
}
