/**
 * The Z3 connector: a pool of worker threads, each holding one Z3 context, that answer
 * SMT-LIB2 scripts. Queries travel as text, so any thread can build them and results
 * come back as plain data.
 *
 * Lifecycle: nothing starts at construction; the first `check` (or `start`) spawns the
 * workers. A per-check timeout is given to Z3 (`timeout`), and a watchdog terminates a
 * worker that overruns it anyway (a WASM query cannot be interrupted from outside), then
 * starts a fresh one. `close` terminates every worker and fails queued checks.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type CallOptions, NsgenError, throwIfAborted } from '../core/index.js';
import type { Sort } from './terms.js';
import { WORKER_SOURCE } from './worker-source.js';

/** What one check concluded. `error` means Z3 rejected the script (a bug in its builder). */
export type SmtStatus = 'sat' | 'unsat' | 'unknown' | 'error';

export interface SmtResult {
  status: SmtStatus;
  /** Value text (`4`, `(- 3)`, `"ab"`, `(/ 1 2)`) of each constant in `read`, when sat. */
  model?: Record<string, string>;
  /** Z3's reason for unknown (`timeout`, `incomplete`, ...), or the error message. */
  reason?: string;
  /** Solver time in the worker, without queueing. */
  durationMs: number;
}

export interface SmtCheckRequest {
  /** A complete SMT-LIB2 script: declarations and assertions, no `check-sat`. */
  script: string;
  /** Per-check limit. @default the pool's `timeoutMs` */
  timeoutMs?: number;
  /**
   * An SMT-LIB logic (`QF_NIA`, `QF_SLIA`, ...) to use Z3's solver for that logic; without
   * one, a simplify-then-smt tactic pipeline answers (faster on symbolic-execution queries).
   */
  logic?: string;
  /** Constants whose values a `sat` answer reports (model completion fills unconstrained ones). */
  read?: { name: string; sort: Sort }[];
}

/** Options of {@link createSolverPool}. */
export interface SolverPoolOptions {
  /**
   * Worker threads, each with its own Z3 (~70 MB each).
   * @default one less than the available cores, between 1 and 4
   */
  workers?: number;
  /** Default per-check limit in milliseconds. @default 5_000 */
  timeoutMs?: number;
  /** Extra time past the timeout before the watchdog terminates a worker. @default 1_000 */
  hardStopGraceMs?: number;
  /** Z3 `memory_max_size` per worker, so running out of memory answers unknown. @default 1024 */
  memoryMaxMb?: number;
  /**
   * Queries a worker answers before it is replaced. Each query gets a fresh Z3 context (so
   * answers do not depend on earlier queries) and this WASM build never frees contexts:
   * retiring workers bounds their memory (~10 MB per context). A warmed standby takes over.
   * @default 24
   */
  recycleAfter?: number;
}

/** A pool of Z3 workers. Close it when done (`await using` works too). */
export interface SolverPool {
  /** Spawns and warms the workers; `check` calls it when needed. */
  start(): Promise<void>;
  check(request: SmtCheckRequest, options?: CallOptions): Promise<SmtResult>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export const SOLVER_POOL_DEFAULTS = {
  workers: Math.max(1, Math.min(4, availableParallelism() - 1)),
  timeoutMs: 5_000,
  hardStopGraceMs: 1_000,
  memoryMaxMb: 1024,
  recycleAfter: 24,
} satisfies Required<SolverPoolOptions>;

interface Job {
  id: number;
  request: Required<SmtCheckRequest>;
  resolve: (result: SmtResult) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  job: Job | undefined;
  watchdog: NodeJS.Timeout | undefined;
  /** Queries answered so far. */
  served: number;
  /** A warmed worker that takes this one's place when it retires. */
  standby: Slot | undefined;
}

const require = createRequire(import.meta.url);

/** Queries a fresh worker runs before it serves: integer, nonlinear, string and real theories. */
const WARM_UP = [
  '(declare-const a Int)(declare-const b Int)(assert (> (+ a (ite (> b 0) b (- b))) 3))',
  '(declare-const a Int)(declare-const b Int)(assert (= (* a b) 12))(assert (> (div a b) 0))',
  '(declare-const s String)(assert (str.prefixof "ab" s))(assert (= (str.len s) 3))',
  '(declare-const r Real)(declare-const a Int)(assert (> (+ r (to_real a)) 1.5))',
  '(declare-const s String)(declare-const a Int)(assert (= (* a a) (str.len s)))(assert (> a 1))',
];

export function createSolverPool(options: SolverPoolOptions = {}): SolverPool {
  return new WorkerSolverPool({ ...SOLVER_POOL_DEFAULTS, ...options });
}

class WorkerSolverPool implements SolverPool {
  readonly #options: Required<SolverPoolOptions>;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;
  #started: Promise<void> | undefined;

  constructor(options: Required<SolverPoolOptions>) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new NsgenError('INVALID_ARGUMENT', `workers must be a positive integer, got ${options.workers}`, {
        where: 'createSolverPool',
      });
    }
    this.#options = options;
  }

  start(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#started ??= (async () => {
      for (let index = 0; index < this.#options.workers; index++) this.#slots.push(this.#spawn());
      await Promise.all(this.#slots.map((slot) => slot.ready));
    })();
    return this.#started;
  }

  async check(request: SmtCheckRequest, options: CallOptions = {}): Promise<SmtResult> {
    if (this.#closed) throw closedError();
    throwIfAborted(options.signal);
    if (this.#slots.length === 0) void this.start().catch(() => undefined);
    return new Promise<SmtResult>((resolve, reject) => {
      const job: Job = {
        id: this.#nextId++,
        request: {
          script: request.script,
          timeoutMs: request.timeoutMs ?? this.#options.timeoutMs,
          logic: request.logic ?? '',
          read: request.read ?? [],
        },
        resolve,
        reject,
        signal: options.signal,
        onAbort: undefined,
      };
      if (options.signal) {
        job.onAbort = () => this.#abort(job);
        options.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, () => job.reject(closedError()));
    await Promise.all(
      this.#slots.splice(0).map(async (slot) => {
        clearTimeout(slot.watchdog);
        if (slot.job) this.#settle(slot.job, () => slot.job?.reject(closedError()));
        await Promise.all([slot.worker.terminate(), slot.standby?.worker.terminate()]);
      }),
    );
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        z3Path: require.resolve('z3-solver'),
        memoryMaxMb: this.#options.memoryMaxMb,
        warmUp: WARM_UP,
      },
    });
    const slot: Slot = {
      worker,
      ready: Promise.resolve(),
      job: undefined,
      watchdog: undefined,
      served: 0,
      standby: undefined,
    };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if ('ready' in message) {
          // An idle worker must not keep the process alive when its owner forgot to close the pool.
          if (!slot.job) worker.unref();
          resolve();
          this.#dispatch();
        } else if ('fatal' in message) {
          reject(new NsgenError('SOLVER_ERROR', `Z3 failed to start in a worker: ${message.fatal}`));
        } else this.#finish(slot, message);
      });
      worker.on('error', (error) => {
        reject(new NsgenError('SOLVER_ERROR', `Z3 worker crashed: ${error.message}`, { cause: error }));
        this.#replace(slot, `the solver worker crashed (${error.message})`);
      });
    });
    slot.ready.catch(() => undefined);
    return slot;
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.job || this.#queue.length === 0) continue;
      const job = this.#queue.shift()!;
      slot.job = job;
      void slot.ready.then(
        () => {
          if (slot.job !== job) return;
          slot.worker.ref();
          slot.worker.postMessage({ id: job.id, ...job.request });
          slot.watchdog = setTimeout(
            () => this.#replace(slot, `solver timeout after ${job.request.timeoutMs} ms (worker stopped)`),
            job.request.timeoutMs + this.#options.hardStopGraceMs,
          );
        },
        (error: unknown) => {
          slot.job = undefined;
          this.#settle(job, () => job.reject(error));
        },
      );
    }
  }

  #finish(slot: Slot, message: AnswerMessage): void {
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    clearTimeout(slot.watchdog);
    slot.job = undefined;
    slot.worker.unref();
    const result: SmtResult = { status: message.status, durationMs: message.durationMs };
    if (message.model) result.model = message.model;
    if (message.reason !== undefined) result.reason = message.reason;
    this.#settle(job, () => job.resolve(result));
    slot.served++;
    const { recycleAfter } = this.#options;
    // Start the successor a few queries early so that it is warm when this one retires.
    if (!slot.standby && slot.served >= recycleAfter - 4 && !this.#closed) slot.standby = this.#spawn();
    if (slot.served >= recycleAfter) this.#retire(slot);
    this.#dispatch();
  }

  /** Hard stop: terminate the worker, answer its job as unknown, put a fresh worker in its place. */
  #replace(slot: Slot, reason: string): void {
    clearTimeout(slot.watchdog);
    const job = slot.job;
    slot.job = undefined;
    void slot.worker.terminate();
    const index = this.#slots.indexOf(slot);
    if (job) {
      this.#settle(job, () => job.resolve({ status: 'unknown', reason, durationMs: job.request.timeoutMs }));
    }
    if (index >= 0 && !this.#closed) {
      this.#slots[index] = slot.standby ?? this.#spawn();
      this.#dispatch();
    }
  }

  /** Swaps an idle worker for its standby and stops it. */
  #retire(slot: Slot): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0 || this.#closed) return;
    this.#slots[index] = slot.standby ?? this.#spawn();
    void slot.worker.terminate();
  }

  #abort(job: Job): void {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const running = this.#slots.find((slot) => slot.job === job);
    if (running) {
      running.job = undefined;
      this.#replace(running, 'aborted');
    }
    this.#settle(job, () => job.reject(new NsgenError('ABORTED', 'the solver check was aborted')));
  }

  #settle(job: Job, settle: () => void): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    job.onAbort = undefined;
    settle();
  }
}

type AnswerMessage = {
  id: number;
  status: SmtStatus;
  model?: Record<string, string>;
  reason?: string;
  durationMs: number;
};
type WorkerMessage = { ready: true } | { fatal: string } | AnswerMessage;

function closedError(): NsgenError {
  return new NsgenError('SOLVER_ERROR', 'the solver pool is closed', { where: 'SolverPool' });
}
