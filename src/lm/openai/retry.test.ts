import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetryableStatus, retryAfterMs } from './retry.js';

describe('retry policy', () => {
  it('retries rate limits, conflicts, timeouts and server errors only', () => {
    expect([408, 409, 429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });

  it('doubles the backoff step, caps it, and keeps jitter within 50–100%', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(0, { ...options, random: () => 0 })).toBe(50);
    expect(backoffDelayMs(0, { ...options, random: () => 0.999999 })).toBe(100);
    expect(backoffDelayMs(2, { ...options, random: () => 0.5 })).toBe(300);
    expect(backoffDelayMs(10, { ...options, random: () => 0.999999 })).toBe(1000);
  });

  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});
