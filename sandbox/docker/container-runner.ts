/**
 * One warm container of the Docker sandbox: a locked-down container that idles, with
 * `runner.py` (the process sandbox's fork server) started in it by one long-lived exec and
 * fed jobs over that exec's stdin. A job then costs a fork inside the container, not a
 * `docker exec` (tens of milliseconds) or a `docker run` (hundreds).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import { NsgenError } from '../../src/core/index.js';
import type { RunnerAnswer } from '../process/runner-process.js';
import type { RunnerExecMessage, RunnerOutMessage, RunnerReadyMessage } from '../process/runner-protocol.js';

/** Every container of every Docker sandbox carries this label; the start-up sweep finds them by it. */
export const SANDBOX_LABEL = 'org.nsgen.sandbox';
/** `host/pid/start-time` of the process that owns a container, so a sweep spares live owners. */
export const OWNER_LABEL = 'org.nsgen.sandbox.owner';
/** Where runner.py is mounted (read-only) inside every container. */
export const RUNNER_IN_CONTAINER = '/opt/nsgen/runner.py';
/** How long a new container may take to start and have its runner say it is ready. */
export const CONTAINER_START_TIMEOUT_MS = 30_000;
const STDERR_TAIL_CHARS = 4_000;

/** How a container is built: the security settings are fixed, the sizes come from here. */
export interface ContainerSpec {
  image: string;
  /** Host path of runner.py, bind-mounted read-only. */
  runnerPath: string;
  /** uid:gid the container (runner and jobs) runs as. */
  user: string;
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
  tmpfsMb: number;
  /** Inodes of the scratch tmpfs: bounds how many files a job can create. */
  tmpfsInodes: number;
  maxOpenFiles: number;
}

export interface ContainerRunnerInfo {
  containerId: string;
  /** Host pid of the container's init (docker-init). */
  initPid: number;
  /** Host pid of runner.py. */
  runnerPid: number;
  ready: RunnerReadyMessage;
}

interface PendingJob {
  id: string;
  resolve: (answer: RunnerAnswer) => void;
  backstop: NodeJS.Timeout;
}

/** The owner label of containers made by this process. */
export function ownerLabel(): string {
  return `${hostname()}/${process.pid}/${processStartTime(process.pid) ?? 'unknown'}`;
}

/** Field 22 of /proc/PID/stat: tells a live owner from a later process that reused its pid. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function containerConfig(spec: ContainerSpec, owner: string): Docker.ContainerCreateOptions {
  const memory = spec.memoryMb * 1024 * 1024;
  return {
    Image: spec.image,
    Cmd: ['/bin/sleep', 'infinity'],
    User: spec.user,
    WorkingDir: '/tmp',
    Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'LANG=C.UTF-8'],
    Labels: { [SANDBOX_LABEL]: '1', [OWNER_LABEL]: owner },
    NetworkDisabled: true,
    HostConfig: {
      // Init belongs here (at the top level Docker ignores it): it reaps zombies, which
      // would otherwise eat the pids budget.
      Init: true,
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: {
        '/tmp': `rw,nosuid,nodev,size=${spec.tmpfsMb}m,nr_inodes=${spec.tmpfsInodes},mode=1777`,
      },
      IpcMode: 'private',
      ShmSize: 16 * 1024 * 1024,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: Math.round(spec.cpus * 1e9),
      PidsLimit: spec.pidsLimit,
      Ulimits: [
        { Name: 'nofile', Soft: spec.maxOpenFiles, Hard: spec.maxOpenFiles },
        { Name: 'core', Soft: 0, Hard: 0 },
      ],
      Binds: [`${spec.runnerPath}:${RUNNER_IN_CONTAINER}:ro`],
      LogConfig: { Type: 'none', Config: {} },
      AutoRemove: false,
    },
  };
}

export class ContainerRunner {
  private pending: PendingJob | undefined;
  private stdoutBuffer = '';
  private stderrTail = '';
  private ended = false;
  /** Jobs this container has run. */
  jobs = 0;

  private constructor(
    private readonly container: Docker.Container,
    private readonly stream: NodeJS.ReadWriteStream,
    readonly info: ContainerRunnerInfo,
  ) {}

  /** Creates and starts a container, starts runner.py in it, and waits for its ready line. */
  static async start(docker: Docker, spec: ContainerSpec, owner: string): Promise<ContainerRunner> {
    const container = await docker.createContainer(containerConfig(spec, owner));
    try {
      await container.start();
      const exec = await container.exec({
        Cmd: [
          '/usr/bin/python3',
          '-I',
          '-S',
          RUNNER_IN_CONTAINER,
          '--node',
          '/usr/bin/node',
          '--scratch-base',
          '/tmp',
          '--wipe-dir',
          '/tmp',
          '--wipe-dir',
          '/dev/shm',
        ],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      const stream = (await exec.start({ hijack: true, stdin: true })) as NodeJS.ReadWriteStream;
      const containerInfo = await container.inspect();
      // The exec's pid is known once it runs, so it is filled in after the ready line.
      const partial = { containerId: container.id, initPid: containerInfo.State.Pid, runnerPid: 0 };
      const started = await new Promise<ContainerRunner>((resolve, reject) => {
        let runner: ContainerRunner | undefined;
        const timer = setTimeout(
          () =>
            reject(startError(`the runner did not say it was ready within ${CONTAINER_START_TIMEOUT_MS} ms`)),
          CONTAINER_START_TIMEOUT_MS,
        );
        const onReady = (ready: RunnerReadyMessage) => {
          clearTimeout(timer);
          runner = new ContainerRunner(container, stream, { ...partial, ready });
          resolve(runner);
          return runner;
        };
        const onEnd = (stderr: string) => {
          clearTimeout(timer);
          reject(startError(`the runner exited at start${stderr ? `; its stderr: ${stderr}` : ''}`));
        };
        attach(docker, stream, onReady, onEnd);
      });
      started.info.runnerPid = (await exec.inspect()).Pid;
      return started;
    } catch (error) {
      await container.remove({ force: true }).catch(() => {});
      throw error;
    }
  }

  /** False once the runner's stream ended (it died, or the container did). */
  get alive(): boolean {
    return !this.ended;
  }

  handleMessage(message: RunnerOutMessage): void {
    const pending = this.pending;
    if (message.type !== 'result' || !pending || message.id !== pending.id) return;
    clearTimeout(pending.backstop);
    this.pending = undefined;
    pending.resolve(message);
  }

  handleEnd(): void {
    this.ended = true;
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.backstop);
    this.pending = undefined;
    const note = this.stderrTail.trim();
    pending.resolve({
      type: 'failure',
      reason: 'exited',
      message: `the container's runner exited during the job (the container died or the job killed it)${note ? `; runner stderr: ${note}` : ''}`,
    });
  }

  appendStderr(text: string): void {
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
  }

  /**
   * Runs one job. Resolves with the runner's answer, or with a failure when the runner's
   * stream ends or it stays silent `backstopMs` after the job was sent.
   */
  run(job: RunnerExecMessage, backstopMs: number): Promise<RunnerAnswer> {
    if (this.pending) throw new NsgenError('INTERNAL', 'a sandbox container got a second job while busy');
    this.jobs += 1;
    if (this.ended) {
      return Promise.resolve({
        type: 'failure',
        reason: 'exited',
        message: 'the container died before the job',
      });
    }
    return new Promise<RunnerAnswer>((resolve) => {
      const backstop = setTimeout(() => {
        this.pending = undefined;
        resolve({
          type: 'failure',
          reason: 'unresponsive',
          message: `the container's runner gave no answer within ${backstopMs} ms; the container is replaced`,
        });
      }, backstopMs);
      this.pending = { id: job.id, resolve, backstop };
      this.stream.write(`${JSON.stringify(job)}\n`);
    });
  }

  /** Asks the runner to stop a job; its answer (status `killed`) still arrives through `run`. */
  cancel(jobId: string): void {
    if (this.pending?.id === jobId && !this.ended)
      this.stream.write(`${JSON.stringify({ type: 'cancel', id: jobId })}\n`);
  }

  /** Removes the container with everything in it (`docker rm -f`: SIGKILL to its init). */
  async destroy(): Promise<void> {
    this.ended = true;
    if (this.pending) {
      clearTimeout(this.pending.backstop);
      this.pending.resolve({
        type: 'failure',
        reason: 'exited',
        message: 'the sandbox was closed during the job',
      });
      this.pending = undefined;
    }
    (this.stream as unknown as { destroy?: () => void }).destroy?.();
    await this.container.remove({ force: true }).catch((error: unknown) => {
      // Already gone is what we wanted.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    });
  }

  /** Lets `attach` route the stream's lines to this runner once it exists. */
  static bind(runner: ContainerRunner, lines: string[]): void {
    for (const line of lines) runner.handleMessage(JSON.parse(line) as RunnerOutMessage);
  }

  takeLines(chunk: string): string[] {
    this.stdoutBuffer += chunk;
    const lines: string[] = [];
    let newline = this.stdoutBuffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.stdoutBuffer.slice(0, newline);
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
      if (line.trim()) lines.push(line);
      newline = this.stdoutBuffer.indexOf('\n');
    }
    return lines;
  }
}

/**
 * Splits the exec's multiplexed stream into stdout (JSON lines) and stderr, handing the
 * first line (ready) to `onReady` and every later line to the runner it returned.
 */
function attach(
  docker: Docker,
  stream: NodeJS.ReadWriteStream,
  onReady: (ready: RunnerReadyMessage) => ContainerRunner,
  onEnd: (stderr: string) => void,
): void {
  let runner: ContainerRunner | undefined;
  let buffer = '';
  let stderrTail = '';
  const stdoutDecoder = new StringDecoder('utf8');
  const stderrDecoder = new StringDecoder('utf8');
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = stdoutDecoder.write(chunk);
      if (runner) {
        ContainerRunner.bind(runner, runner.takeLines(text));
      } else {
        buffer += text;
        const newline = buffer.indexOf('\n');
        if (newline >= 0) {
          const ready = JSON.parse(buffer.slice(0, newline)) as RunnerOutMessage;
          if (ready.type === 'ready') {
            runner = onReady(ready);
            ContainerRunner.bind(runner, runner.takeLines(buffer.slice(newline + 1)));
          }
        }
      }
      done();
    },
  });
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = stderrDecoder.write(chunk);
      if (runner) runner.appendStderr(text);
      else stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
      done();
    },
  });
  docker.modem.demuxStream(stream, stdout, stderr);
  let finished = false;
  const end = () => {
    if (finished) return;
    finished = true;
    if (runner) runner.handleEnd();
    else onEnd(stderrTail.trim());
  };
  stream.on('end', end);
  stream.on('close', end);
  stream.on('error', end);
}

function startError(message: string): NsgenError {
  return new NsgenError('SANDBOX_ERROR', `a sandbox container could not start: ${message}`, {
    where: 'sandbox/docker',
  });
}
