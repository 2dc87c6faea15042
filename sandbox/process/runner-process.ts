/**
 * One warm `runner.py` process: start it, hand it one job at a time over its stdin, read
 * the answer from its stdout, restart it when it dies, and never wait on it forever.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { NsgenError } from '../../src/core/index.js';
import type {
  RunnerExecMessage,
  RunnerOutMessage,
  RunnerReadyMessage,
  RunnerResultMessage,
  RunnerSandboxErrorMessage,
} from './runner-protocol.js';

/** How long a runner may take to set up its namespaces and say it is ready. */
export const RUNNER_START_TIMEOUT_MS = 15_000;
/** After stdin closes, how long a runner has to finish and exit before SIGTERM. */
export const RUNNER_EXIT_GRACE_MS = 2_000;
/** After SIGTERM, how long before SIGKILL. */
export const RUNNER_KILL_GRACE_MS = 500;
/** How much of the runner's own stderr is kept for error messages. */
const STDERR_TAIL_CHARS = 4_000;
/** The PATH a runner gets: it needs nothing from the host's environment. */
const RUNNER_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface RunnerProcessOptions {
  /** Absolute path of the Python interpreter that runs the runner. */
  python: string;
  /** Absolute path of runner.py. */
  runnerPath: string;
  /** Command-line flags for runner.py (isolation, uid range, node binary). */
  args: string[];
}

/** The runner died or hung during a job: the job's outcome is unknown. */
export interface RunnerFailure {
  type: 'failure';
  reason: 'exited' | 'unresponsive';
  message: string;
}

export type RunnerAnswer = RunnerResultMessage | RunnerSandboxErrorMessage | RunnerFailure;

interface PendingJob {
  id: string;
  resolve: (answer: RunnerAnswer) => void;
  backstop: NodeJS.Timeout;
}

export class RunnerProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: RunnerReadyMessage | undefined;
  private starting: Promise<RunnerReadyMessage> | undefined;
  private pending: PendingJob | undefined;
  private stdoutBuffer = '';
  private stderrTail = '';
  private exited: Promise<void> = Promise.resolve();
  /** Uids whose runner was killed hard: their leftovers still need a sweep. */
  private unswept = new Set<number>();

  constructor(private readonly options: RunnerProcessOptions) {}

  /** What the running runner set up; undefined before it is ready. */
  get info(): RunnerReadyMessage | undefined {
    return this.ready;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Starts the runner if it is not running (again, after it died). */
  start(): Promise<RunnerReadyMessage> {
    if (this.child && this.ready) return Promise.resolve(this.ready);
    this.starting ??= this.spawnRunner().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async spawnRunner(): Promise<RunnerReadyMessage> {
    await this.sweepLeftovers();
    const child = spawn(this.options.python, ['-I', '-S', this.options.runnerPath, ...this.options.args], {
      cwd: '/',
      env: { PATH: RUNNER_PATH, LANG: 'C.UTF-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stdoutBuffer = '';
    this.stderrTail = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // A runner that dies leaves a broken pipe; the exit handler reports it, not a crash.
    child.stdin.on('error', () => {});
    child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));

    return new Promise<RunnerReadyMessage>((resolve, reject) => {
      const fail = (message: string, cause?: unknown) => {
        clearTimeout(timer);
        this.killHard(child);
        reject(new NsgenError('SANDBOX_ERROR', message, { where: this.options.runnerPath, cause }));
      };
      const timer = setTimeout(
        () =>
          fail(`the sandbox runner did not start within ${RUNNER_START_TIMEOUT_MS} ms${this.stderrNote()}`),
        RUNNER_START_TIMEOUT_MS,
      );
      child.once('error', (error) => fail(`cannot start ${this.options.python}: ${error.message}`, error));
      child.stdout.on('data', (chunk: string) => {
        for (const message of this.parseLines(chunk)) {
          if (message.type === 'ready') {
            clearTimeout(timer);
            this.ready = message;
            resolve(message);
          } else {
            this.settle(message);
          }
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(
          new NsgenError('SANDBOX_ERROR', `the sandbox runner exited at start (${how})${this.stderrNote()}`),
        );
        // A runner replaced after a hard kill has already answered for its job.
        if (this.child !== child) return;
        this.forget(child);
        this.settle({
          type: 'failure',
          reason: 'exited',
          message: `the sandbox runner exited during the job (${how})${this.stderrNote()}`,
        });
      });
    });
  }

  private parseLines(chunk: string): RunnerOutMessage[] {
    this.stdoutBuffer += chunk;
    const messages: RunnerOutMessage[] = [];
    let newline = this.stdoutBuffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.stdoutBuffer.slice(0, newline);
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
      if (line.trim()) messages.push(JSON.parse(line) as RunnerOutMessage);
      newline = this.stdoutBuffer.indexOf('\n');
    }
    return messages;
  }

  private stderrNote(): string {
    const tail = this.stderrTail.trim();
    return tail ? `; runner stderr: ${tail}` : '';
  }

  private settle(answer: RunnerAnswer): void {
    const pending = this.pending;
    if (!pending) return;
    if (answer.type === 'result' && answer.id !== pending.id) return;
    clearTimeout(pending.backstop);
    this.pending = undefined;
    pending.resolve(answer);
  }

  /**
   * Runs one job. Resolves with the runner's answer, or with a failure when the runner dies
   * or stays silent `backstopMs` after the job was sent (then it is killed, and restarted by
   * the next `start`).
   */
  async run(job: RunnerExecMessage, backstopMs: number): Promise<RunnerAnswer> {
    if (this.pending) throw new NsgenError('INTERNAL', 'a sandbox runner got a second job while busy');
    await this.start();
    const child = this.child;
    if (!child)
      return { type: 'failure', reason: 'exited', message: 'the sandbox runner exited before the job' };
    return new Promise<RunnerAnswer>((resolve) => {
      const backstop = setTimeout(() => {
        const uid = this.ready?.uid;
        this.killHard(child);
        if (uid !== null && uid !== undefined) this.unswept.add(uid);
        this.settle({
          type: 'failure',
          reason: 'unresponsive',
          message: `the sandbox runner gave no answer within ${backstopMs} ms and was killed`,
        });
      }, backstopMs);
      this.pending = { id: job.id, resolve, backstop };
      child.stdin.write(`${JSON.stringify(job)}\n`);
    });
  }

  /** Asks the runner to stop a job; its answer (status `killed`) still arrives through `run`. */
  cancel(jobId: string): void {
    if (this.pending?.id === jobId)
      this.child?.stdin.write(`${JSON.stringify({ type: 'cancel', id: jobId })}\n`);
  }

  /** Stops the runner: cancel, close stdin, then SIGTERM and SIGKILL after named graces. */
  async close(): Promise<void> {
    const child = this.child;
    if (child) {
      if (this.pending) this.cancel(this.pending.id);
      child.stdin.end();
      const uid = this.ready?.uid;
      if (!(await this.exitsWithin(RUNNER_EXIT_GRACE_MS))) {
        child.kill('SIGTERM');
        if (!(await this.exitsWithin(RUNNER_KILL_GRACE_MS))) this.killHard(child);
        if (uid !== null && uid !== undefined) this.unswept.add(uid);
      }
      await this.exited;
    }
    await this.sweepLeftovers();
  }

  private async exitsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const exited = this.exited.then(() => true);
    const result = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    return result;
  }

  private killHard(child: ChildProcessWithoutNullStreams): void {
    child.stdout.removeAllListeners('data');
    this.forget(child);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  private forget(child: ChildProcessWithoutNullStreams): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.ready = undefined;
  }

  /**
   * A runner killed hard could not clean up: its job's processes, still running as its uid,
   * are swept by `runner.py --sweep-uid`.
   */
  private async sweepLeftovers(): Promise<void> {
    for (const uid of this.unswept) {
      await new Promise<void>((resolve) => {
        execFile(
          this.options.python,
          ['-I', '-S', this.options.runnerPath, '--sweep-uid', String(uid)],
          { env: { PATH: RUNNER_PATH }, timeout: 10_000 },
          () => resolve(),
        );
      });
      this.unswept.delete(uid);
    }
  }
}
