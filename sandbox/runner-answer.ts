/**
 * What every runner-based sandbox does after a job went to `runner.py`: wait for the
 * answer (cancelling the job on abort) and turn it into the Sandbox port's ExecResult.
 */
import { type ExecResult, NsgenError } from '../src/core/index.js';
import type { RunnerAnswer } from './process/runner-process.js';
import { isSandboxError } from './process/runner-protocol.js';

export interface AwaitAnswerOptions {
  /** Asks the runner to kill the job (on abort). */
  cancel: () => void;
  /** `performance.now()` when the job was sent. */
  sentAt: number;
  /** Where a jail failure is reported from. */
  where: string;
  signal?: AbortSignal | undefined;
}

/**
 * A runner that died or went silent mid-job reads as `timeout`/`killed` (the job's fate is
 * unknown, the program is to blame); a jail that failed to set up throws SANDBOX_ERROR.
 */
export async function execResultOf(
  answer: Promise<RunnerAnswer>,
  options: AwaitAnswerOptions,
): Promise<ExecResult> {
  const { signal } = options;
  const onAbort = () => options.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const settled = await raceAbort(answer, signal);
    if (settled.type === 'failure') {
      return {
        status: settled.reason === 'unresponsive' ? 'timeout' : 'killed',
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: `nsgen sandbox: ${settled.message}`,
        durationMs: performance.now() - options.sentAt,
      };
    }
    if (isSandboxError(settled)) {
      throw new NsgenError('SANDBOX_ERROR', `the sandbox could not run the job: ${settled.sandboxError}`, {
        where: options.where,
      });
    }
    const { type: _type, id: _id, leftoverProcesses: _leftovers, ...result } = settled;
    return result;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

export function abortedError(signal: AbortSignal | undefined): NsgenError {
  return new NsgenError('ABORTED', 'the sandbox job was aborted', { cause: signal?.reason });
}

/** Settles with the promise, or rejects with ABORTED as soon as the signal fires. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
