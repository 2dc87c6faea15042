import { errorInfo, isNsgenError } from '../core/index.js';

/** Prints a value: JSON on stdout with --json, else a human rendering. */
export function printResult(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

/** Exit codes: 1 a failed run or check, 2 bad input or configuration. */
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

const BAD_INPUT_CODES = new Set([
  'INVALID_ARGUMENT',
  'INVALID_TASK',
  'INVALID_CONFIG',
  'INVALID_DATA',
  'UNKNOWN_DATASET',
  'UNKNOWN_MODEL',
  'UNKNOWN_SANDBOX',
  'UNKNOWN_MODE',
  'UNSUPPORTED',
  'JOURNAL_ERROR',
  'IO_ERROR',
]);

/** Reports an error on stderr (and as JSON on stdout with --json) and sets the exit code. */
export function reportError(error: unknown, json: boolean): void {
  const info = errorInfo(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: info })}\n`);
  process.stderr.write(`nsgen: ${info.message}\n`);
  process.exitCode = isNsgenError(error) && BAD_INPUT_CODES.has(error.code) ? EXIT_BAD_INPUT : EXIT_FAILURE;
}
