/**
 * One error base for nsgen with a closed set of stable codes. Checked with
 * `isNsgenError` (a marker, not `instanceof`, so it works across copies of the package).
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_TASK',
  'INVALID_CONFIG',
  'INVALID_DATA',
  'UNKNOWN_DATASET',
  'UNKNOWN_MODEL',
  'UNKNOWN_SANDBOX',
  'UNKNOWN_MODE',
  'MODEL_ERROR',
  'SANDBOX_ERROR',
  'VERIFIER_ERROR',
  'SOLVER_ERROR',
  'JOURNAL_ERROR',
  'IO_ERROR',
  'TIMEOUT',
  'ABORTED',
  'UNSUPPORTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const MARKER = Symbol.for('nsgen.error');

export interface NsgenErrorOptions {
  cause?: unknown;
  /** Where the problem is: a file, `file:line`, a field path. */
  where?: string;
}

export class NsgenError extends Error {
  readonly [MARKER] = true;
  readonly code: ErrorCode;
  readonly where: string | undefined;

  constructor(code: ErrorCode, message: string, options: NsgenErrorOptions = {}) {
    super(options.where ? `${options.where}: ${message}` : message, { cause: options.cause });
    this.name = 'NsgenError';
    this.code = code;
    this.where = options.where;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isNsgenError(value: unknown): value is NsgenError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
}

/** Turns anything thrown into an Error, keeping the original as `cause`. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value), { cause: value });
}

/** The serialisable form of an error, for the journal and reports. */
export function errorInfo(value: unknown): { code: string; message: string } {
  if (isNsgenError(value)) return { code: value.code, message: value.message };
  const error = toError(value);
  if (error.name === 'AbortError') return { code: 'ABORTED', message: error.message };
  return { code: 'INTERNAL', message: error.message };
}

/** Throws the signal's reason as an ABORTED error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new NsgenError('ABORTED', 'the operation was aborted', { cause: signal.reason });
  }
}
