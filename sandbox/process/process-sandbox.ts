/**
 * The embedded default sandbox: a pool of warm `runner.py` fork servers, one per concurrent
 * job, each isolated as far as this OS allows (see runner.py) and reporting what it got.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  type CallOptions,
  type ExecRequest,
  type ExecResult,
  NsgenError,
  packageRoot,
  type Sandbox,
  type SandboxCapabilities,
  throwIfAborted,
} from '../../src/core/index.js';
import { type PreparedJob, prepareJob } from '../prepare-job.js';
import { abortedError, execResultOf } from '../runner-answer.js';
import { RunnerProcess } from './runner-process.js';

export interface ProcessSandboxOptions {
  /** Jobs that run at once; each has its own warm runner. @default os.availableParallelism() */
  poolSize?: number;
  /**
   * The Python interpreter that runs the runners, and so every Python job (resolved once,
   * with the host's PATH, to its real executable). @default 'python3'
   */
  python?: string;
  /** The node binary for TypeScript and JavaScript jobs. @default process.execPath */
  node?: string;
  /** Start runners in a private network namespace where the OS allows. @default true */
  isolateNetwork?: boolean;
  /**
   * Give runners a private mount namespace with fresh tmpfs over /tmp, /var/tmp, /dev/shm
   * and /run/lock, wiped after every job. @default true
   */
  privateTmp?: boolean;
  /** Size of each private tmpfs in MiB. @default 256 */
  tmpfsMb?: number;
  /**
   * When running as root: the uids jobs may run as. Each runner claims one with a lock file
   * in `lockDir`, so several sandboxes (and processes) never share a uid. `false` runs jobs
   * as the runner's own user. @default { first: 61000, count: 1000 }
   */
  uids?: { first: number; count: number } | false;
  /** Where uid lock files live (root only). @default '/run/nsgen-sandbox' */
  lockDir?: string;
  /** Process (and thread) limit per job; enforced only with a switched uid. @default 64 */
  maxProcesses?: number;
  /** Largest file a job may write, in bytes. @default 64 MiB */
  maxFileBytes?: number;
  /** Open file descriptors per process. @default 256 */
  maxOpenFiles?: number;
  /** Request defaults, used where an ExecRequest leaves a limit out. */
  defaults?: { timeoutMs?: number; memoryMb?: number; maxOutputBytes?: number };
  /**
   * How long past a job's own timeout this side waits for its runner before killing the
   * runner (the wall-clock backstop for a runner that hangs). @default 5000
   */
  backstopMarginMs?: number;
}

/** Capabilities of the process sandbox: the port's, plus what else it detected. */
export interface ProcessSandboxCapabilities extends SandboxCapabilities {
  /** Writes outside the scratch directory land in private tmpfs, never on the host. */
  privateTmp: boolean;
  /** The uids jobs run as, one per runner; empty when they run as the runner's own user. */
  uids: number[];
  /** Why an isolation that was asked for is missing. */
  notes: string[];
}

export const PROCESS_SANDBOX_DEFAULTS = {
  python: 'python3',
  isolateNetwork: true,
  privateTmp: true,
  tmpfsMb: 256,
  uids: { first: 61_000, count: 1_000 },
  lockDir: '/run/nsgen-sandbox',
  maxProcesses: 64,
  maxFileBytes: 64 * 1024 * 1024,
  maxOpenFiles: 256,
  timeoutMs: 10_000,
  memoryMb: 512,
  maxOutputBytes: 1024 * 1024,
  backstopMarginMs: 5_000,
} as const;

const NO_CAPABILITIES: ProcessSandboxCapabilities = {
  networkIsolated: false,
  processLimit: false,
  unprivilegedUser: false,
  privateTmp: false,
  uids: [],
  languages: [],
  notes: ['not started'],
};

interface Waiter {
  take: (runner: RunnerProcess) => void;
  fail: (error: Error) => void;
}

export class ProcessSandbox implements Sandbox {
  readonly name = 'process';
  private readonly options: ProcessSandboxOptions;
  private runners: RunnerProcess[] = [];
  private idle: RunnerProcess[] = [];
  private waiters: Waiter[] = [];
  private started: Promise<void> | undefined;
  private detected: ProcessSandboxCapabilities = NO_CAPABILITIES;
  private closed = false;

  constructor(options: ProcessSandboxOptions = {}) {
    this.options = options;
  }

  capabilities(): ProcessSandboxCapabilities {
    return this.detected;
  }

  start(): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    this.started ??= this.startPool().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return this.started;
  }

  private async startPool(): Promise<void> {
    const python = await resolvePython(this.options.python ?? PROCESS_SANDBOX_DEFAULTS.python);
    const node = this.options.node ?? process.execPath;
    const args = this.runnerArgs(node);
    const size = this.options.poolSize ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) {
      throw new NsgenError('INVALID_CONFIG', `poolSize must be a positive integer, got ${size}`, {
        where: 'sandbox',
      });
    }
    const runnerPath = join(packageRoot(), 'sandbox', 'process', 'runner.py');
    const runners = Array.from({ length: size }, () => new RunnerProcess({ python, runnerPath, args }));
    this.runners = runners;
    try {
      const infos = await Promise.all(runners.map((runner) => runner.start()));
      const first = infos[0]!;
      this.detected = {
        networkIsolated: infos.every((info) => info.networkIsolated),
        processLimit: infos.every((info) => info.processLimit),
        unprivilegedUser: infos.every((info) => info.uid !== null),
        privateTmp: infos.every((info) => info.privateTmp),
        uids: infos.flatMap((info) => (info.uid === null ? [] : [info.uid])),
        languages: first.node ? ['python', 'typescript', 'javascript'] : ['python'],
        notes: [...new Set(infos.flatMap((info) => info.notes))],
      };
    } catch (error) {
      await Promise.all(runners.map((runner) => runner.close()));
      this.runners = [];
      throw error;
    }
    if (this.closed) return;
    this.idle = [...runners];
  }

  private runnerArgs(node: string): string[] {
    const args = [
      '--node',
      node,
      '--tmpfs-mb',
      String(this.options.tmpfsMb ?? PROCESS_SANDBOX_DEFAULTS.tmpfsMb),
    ];
    if (this.options.isolateNetwork ?? PROCESS_SANDBOX_DEFAULTS.isolateNetwork)
      args.push('--isolate-network');
    if (this.options.privateTmp ?? PROCESS_SANDBOX_DEFAULTS.privateTmp) args.push('--private-tmp');
    const uids = this.options.uids ?? PROCESS_SANDBOX_DEFAULTS.uids;
    if (uids) {
      args.push('--uid-range', `${uids.first}:${uids.count}`);
      args.push('--lock-dir', this.options.lockDir ?? PROCESS_SANDBOX_DEFAULTS.lockDir);
    }
    return args;
  }

  async exec(request: ExecRequest, options: CallOptions = {}): Promise<ExecResult> {
    const { signal } = options;
    throwIfAborted(signal);
    if (this.closed) throw closedError();
    const job = await this.prepare(request);
    if ('result' in job) return job.result;
    await this.start();
    throwIfAborted(signal);
    if (!this.detected.languages.includes(request.language)) {
      throw new NsgenError('UNSUPPORTED', `this sandbox cannot run ${request.language} (no node binary)`, {
        where: 'sandbox/process',
      });
    }
    const runner = await this.acquire(signal);
    const sent = performance.now();
    const answer = runner.run(job.message, job.message.timeoutMs + this.backstopMargin());
    // The runner is handed on only after it answered: by then the job is cleaned up.
    const release = () => this.release(runner);
    answer.then(release, release);
    return execResultOf(answer, {
      cancel: () => runner.cancel(job.message.id),
      sentAt: sent,
      where: 'sandbox/process/runner.py',
      signal,
    });
  }

  private backstopMargin(): number {
    return this.options.backstopMarginMs ?? PROCESS_SANDBOX_DEFAULTS.backstopMarginMs;
  }

  /** Validates a request, fills in defaults, and turns TypeScript into runnable CommonJS. */
  private prepare(request: ExecRequest): Promise<PreparedJob> {
    const defaults = this.options.defaults ?? {};
    return prepareJob(request, {
      timeoutMs: defaults.timeoutMs ?? PROCESS_SANDBOX_DEFAULTS.timeoutMs,
      memoryMb: defaults.memoryMb ?? PROCESS_SANDBOX_DEFAULTS.memoryMb,
      maxOutputBytes: defaults.maxOutputBytes ?? PROCESS_SANDBOX_DEFAULTS.maxOutputBytes,
      maxProcesses: this.options.maxProcesses ?? PROCESS_SANDBOX_DEFAULTS.maxProcesses,
      maxFileBytes: this.options.maxFileBytes ?? PROCESS_SANDBOX_DEFAULTS.maxFileBytes,
      maxOpenFiles: this.options.maxOpenFiles ?? PROCESS_SANDBOX_DEFAULTS.maxOpenFiles,
    });
  }

  private acquire(signal: AbortSignal | undefined): Promise<RunnerProcess> {
    const runner = this.idle.shift();
    if (runner) return Promise.resolve(runner);
    return new Promise<RunnerProcess>((resolve, reject) => {
      const waiter: Waiter = {
        take: (taken) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(taken);
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        waiter.fail(abortedError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(runner: RunnerProcess): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.take(runner);
    else this.idle.push(runner);
  }

  /** Stops every runner and, with them, every job and leftover process. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.fail(closedError());
    await this.started?.catch(() => {});
    await Promise.all(this.runners.map((runner) => runner.close()));
    this.idle = [];
  }
}

export function createProcessSandbox(options: ProcessSandboxOptions = {}): ProcessSandbox {
  return new ProcessSandbox(options);
}

function closedError(): NsgenError {
  return new NsgenError('SANDBOX_ERROR', 'the process sandbox is closed', { where: 'sandbox/process' });
}

/** The real interpreter behind a command (`python3` may be a pyenv shim needing the host env). */
function resolvePython(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', 'import sys; print(sys.executable)'], { timeout: 15_000 }, (error, stdout) => {
      const path = stdout.trim();
      if (error || !path) {
        reject(
          new NsgenError('SANDBOX_ERROR', `cannot run the Python interpreter "${command}" (option python)`, {
            where: 'sandbox/process',
            cause: error,
          }),
        );
      } else {
        resolve(path);
      }
    });
  });
}
