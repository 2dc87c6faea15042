/**
 * Retry policy for HTTP model calls: which failures are worth another attempt, and how
 * long to wait before it (exponential backoff with jitter, or what the server asked for).
 */

/** Statuses that say "try again later" rather than "your request is wrong". */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface BackoffOptions {
  /** The delay before the first retry, before jitter. */
  initialDelayMs: number;
  /** No computed delay exceeds this (nor does a server's Retry-After). */
  maxDelayMs: number;
  /** A number in [0, 1); injectable so that tests are deterministic. */
  random: () => number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): the exponential step
 * `initial · 2^attempt`, capped, then scaled into [50%, 100%] of itself so that many
 * clients rejected at the same moment do not come back at the same moment.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const step = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
  return Math.round(step * (0.5 + 0.5 * options.random()));
}

/**
 * How long the server asked us to wait, from `retry-after-ms` (OpenAI's header) or
 * `Retry-After` (seconds, or an HTTP date), in milliseconds; undefined when absent or
 * unreadable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null || retryAfter.trim() === '') return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
