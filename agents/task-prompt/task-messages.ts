/**
 * The words a model reads about a task: a system message asking for one fenced block
 * with the complete function, and a description of the task in its language.
 */
import type { Task } from '../../src/core/index.js';
import { FENCE_TAGS, LANGUAGE_LABELS, promptIsCode, signatureLine } from '../code-extraction/index.js';
import { renderCall, renderValue } from './render-value.js';

export interface DescribeTaskOptions {
  /** Show the task's tests (hidden by default, the benchmark norm; MBPP's prompts show them). @default false */
  showTests?: boolean;
  /** Retrieved code to ground the answer. */
  context?: string;
  /** Longest retrieved context kept, in characters. @default 6000 */
  maxContextChars?: number;
  /** Longest test text shown, in characters. @default 4000 */
  maxTestChars?: number;
}

export function systemMessage(task: Task): string {
  const label = LANGUAGE_LABELS[task.language];
  return (
    `You are an expert ${label} programmer. Answer with exactly one fenced code block (\`\`\`${FENCE_TAGS[task.language]}) ` +
    `containing the complete function \`${task.entryPoint}\`, with the imports and helper functions it needs. ` +
    'Do not include tests, example usage, or code that reads input or prints.'
  );
}

/** The system message of a repair: a short diagnosis first, then the corrected function. */
export function repairSystemMessage(task: Task): string {
  const label = LANGUAGE_LABELS[task.language];
  return (
    `You are an expert ${label} programmer fixing a previous attempt that failed verification. ` +
    'Say in one or two sentences what went wrong and how you will fix it, then give exactly one fenced code block ' +
    `(\`\`\`${FENCE_TAGS[task.language]}) containing the complete corrected function \`${task.entryPoint}\`, with the ` +
    'imports and helper functions it needs. Do not include tests, example usage, or code that reads input or prints.'
  );
}

/** The task in words and code, for the user message. */
export function describeTask(task: Task, options: DescribeTaskOptions = {}): string {
  const label = LANGUAGE_LABELS[task.language];
  const tag = FENCE_TAGS[task.language];
  const parts: string[] = [];
  if (promptIsCode(task)) {
    parts.push(
      `Complete the following ${label} function \`${task.entryPoint}\`, keeping its name and parameters:\n\n\`\`\`${tag}\n${task.prompt.trimEnd()}\n\`\`\``,
    );
  } else {
    parts.push(`Write a ${label} function \`${task.entryPoint}\`.\n\n${task.prompt.trim()}`);
  }
  if (task.signature && !promptIsCode(task)) {
    parts.push(
      `Signature:\n\`\`\`${tag}\n${signatureLine(task.entryPoint, task.signature, task.language)}\n\`\`\``,
    );
  }
  if (task.examples && task.examples.length > 0) {
    const lines = task.examples.map(
      (example) =>
        `- \`${renderCall(task.entryPoint, example.input, task.language)}\` returns \`${renderValue(example.output, task.language)}\``,
    );
    parts.push(`Examples:\n${lines.join('\n')}`);
  }
  if (task.contract?.pre || task.contract?.post) {
    const lines: string[] = [];
    if (task.contract.pre) lines.push(`- It may assume: \`${task.contract.pre}\``);
    if (task.contract.post) lines.push(`- Its result (\`result\`) must satisfy: \`${task.contract.post}\``);
    parts.push(`Contract:\n${lines.join('\n')}`);
  }
  if (options.showTests && task.tests && task.tests.trim() !== '') {
    const tests = truncate(task.tests.trim(), options.maxTestChars ?? 4000);
    parts.push(`It must pass these tests:\n\`\`\`${tag}\n${tests}\n\`\`\``);
  }
  if (options.context && options.context.trim() !== '') {
    const context = truncate(options.context.trim(), options.maxContextChars ?? 6000);
    parts.push(`Relevant code from the repository, for reference:\n\`\`\`\n${context}\n\`\`\``);
  }
  return parts.join('\n\n');
}

/** Cuts text to a length, saying so at the cut. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters cut)`;
}
