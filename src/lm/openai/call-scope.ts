import { isNsgenError, NsgenError } from '../../core/index.js';

export interface CallScopeOptions {
  /** Bounds the whole call: every attempt, every wait between attempts, every streamed byte. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Names the model in errors. */
  where: string;
}

/**
 * One model call's cancellation: the caller's signal and the call's timeout folded into
 * one signal, whose reason is already the error to throw (ABORTED or TIMEOUT). `dispose`
 * clears the timer and the listener and cancels leftovers, so nothing outlives the call.
 */
export class CallScope {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #onCallerAbort: () => void;

  constructor(options: CallScopeOptions) {
    const { timeoutMs, signal, where } = options;
    this.#callerSignal = signal;
    this.#onCallerAbort = () => {
      this.#controller.abort(
        new NsgenError('ABORTED', 'the model call was aborted', { where, cause: signal?.reason }),
      );
    };
    this.#timer = setTimeout(() => {
      this.#controller.abort(
        new NsgenError('TIMEOUT', `the model call took longer than ${timeoutMs} ms (the timeoutMs option)`, {
          where,
        }),
      );
    }, timeoutMs);
    if (signal?.aborted) this.#onCallerAbort();
    else signal?.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * The error to throw for a failure inside the call: once the scope has fired, whatever
   * the cancelled operation threw (an AbortError, a broken stream) means "aborted" or
   * "timed out".
   */
  translate(error: unknown, where: string): unknown {
    if (this.signal.aborted) return this.signal.reason;
    if (isNsgenError(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new NsgenError('MODEL_ERROR', `the model call failed: ${message}`, { where, cause: error });
  }

  /** Ends the call: clears the timer and the listener, and cancels whatever is still in flight. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
    // A failed sibling request ends the call; requests still running must not outlive it.
    if (!this.#controller.signal.aborted)
      this.#controller.abort(new NsgenError('ABORTED', 'the model call has ended'));
  }
}
