/**
 * What stderr says about a failed run: the uncaught exception (type and message) and where
 * it was raised, from Python tracebacks and node's error reports.
 */
import type { Language } from '../../src/core/index.js';

export interface RaisedException {
  type: string;
  message: string;
  /** 1-based line in the whole program (candidate code, then tests), when known. */
  programLine?: number;
}

const PYTHON_FRAME = /^ {2}File "([^"]*)", line (\d+)/;
const PYTHON_EXCEPTION = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;
const NODE_ERROR = /^([A-Za-z_$][\w$]*(?:Error|Exception))(?: \[[A-Z_]+\])?(?::\s?(.*))?$/;
const NODE_FRAME = /\(?((?:\/[^():]*)?\/main\.(?:ts|js|cjs)):(\d+):(\d+)\)?$/;

export function raisedException(stderr: string, language: Language): RaisedException | undefined {
  return language === 'python' ? pythonException(stderr) : nodeException(stderr);
}

function pythonException(stderr: string): RaisedException | undefined {
  const lines = stderr.split('\n');
  const start = lines.lastIndexOf('Traceback (most recent call last):');
  const syntax = start < 0 ? lines.findIndex((line) => PYTHON_FRAME.test(line)) : -1;
  const from = start >= 0 ? start : syntax;
  if (from < 0) return undefined;
  let programLine: number | undefined;
  let exception: RaisedException | undefined;
  for (const line of lines.slice(from + 1)) {
    const frame = PYTHON_FRAME.exec(line);
    if (frame) {
      if (frame[1]!.endsWith('main.py')) programLine = Number(frame[2]);
      continue;
    }
    if (line.startsWith(' ') || line === '') continue;
    const match = PYTHON_EXCEPTION.exec(line);
    if (match) exception = { type: match[1]!, message: match[2] ?? '' };
  }
  return exception ? { ...exception, ...(programLine ? { programLine } : {}) } : undefined;
}

function nodeException(stderr: string): RaisedException | undefined {
  const lines = stderr.split('\n');
  const at = lines.findIndex((line) => NODE_ERROR.test(line));
  if (at < 0) return undefined;
  const match = NODE_ERROR.exec(lines[at]!)!;
  const frame = lines
    .slice(at + 1)
    .map((line) => NODE_FRAME.exec(line.trim()))
    .find((found) => found !== null);
  return {
    type: match[1]!,
    message: match[2] ?? '',
    ...(frame ? { programLine: Number(frame[2]) } : {}),
  };
}

/** The last `lines` lines of stderr, for diagnostics and journals. */
export function stderrTail(stderr: string, lines = 20): string {
  const kept = stderr.trimEnd().split('\n');
  return kept.slice(-lines).join('\n');
}
