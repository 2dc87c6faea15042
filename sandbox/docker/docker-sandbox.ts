/**
 * The production sandbox: a warm pool of locked-down Docker containers (no network,
 * read-only root, a small tmpfs, a non-root user, no capabilities, no-new-privileges,
 * memory, CPU and pids limits), each serving jobs through the same `runner.py` fork server
 * the process sandbox uses. A container is replaced after `jobsPerContainer` jobs and after
 * anything suspicious (timeout, limit hit, leftover processes, a dead runner); containers
 * are removed on close, and containers leaked by a crashed owner are swept on start.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
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
import type { RunnerAnswer } from '../process/runner-process.js';
import { isSandboxError } from '../process/runner-protocol.js';
import { abortedError, execResultOf } from '../runner-answer.js';
import {
  ContainerRunner,
  type ContainerSpec,
  OWNER_LABEL,
  ownerLabel,
  processStartTime,
  SANDBOX_LABEL,
} from './container-runner.js';

export interface DockerSandboxOptions {
  /** Containers, and so jobs that run at once. @default os.availableParallelism() */
  poolSize?: number;
  /** The sandbox image, built by `scripts/setup-docker.sh`. @default 'nsgen-sandbox:1' */
  image?: string;
  /** How to reach the engine (dockerode options). @default DOCKER_HOST, else /var/run/docker.sock */
  docker?: Docker.DockerOptions;
  /** Jobs a container serves before it is replaced by a fresh one. @default 200 */
  jobsPerContainer?: number;
  /** Memory of each container, runner included; jobs get their own smaller limit. @default 1536 */
  containerMemoryMb?: number;
  /** CPUs of each container. @default 1 */
  cpus?: number;
  /** Processes and threads per container (the fork-bomb ceiling). @default 128 */
  pidsLimit?: number;
  /** Size of the scratch tmpfs at /tmp. @default 256 */
  tmpfsMb?: number;
  /** Files the scratch tmpfs may hold. @default 16384 */
  tmpfsInodes?: number;
  /** Open file descriptors per job. @default 256 */
  maxOpenFiles?: number;
  /** Largest file a job may write, in bytes. @default 64 MiB */
  maxFileBytes?: number;
  /** Request defaults, used where an ExecRequest leaves a limit out. */
  defaults?: { timeoutMs?: number; memoryMb?: number; maxOutputBytes?: number };
  /** How long a job waits for a free container before failing as pool exhausted. @default 600000 */
  acquireTimeoutMs?: number;
  /** How long past a job's timeout before an unresponsive container is replaced. @default 5000 */
  backstopMarginMs?: number;
}

/** Capabilities of the Docker sandbox: the port's, plus what its containers look like. */
export interface DockerSandboxCapabilities extends SandboxCapabilities {
  /** Writes outside the scratch directory land in the container's tmpfs, never on the host. */
  privateTmp: boolean;
  /** Jobs run in containers, so no host uid is theirs alone. */
  uids: number[];
  image: string;
  notes: string[];
}

export const DOCKER_SANDBOX_DEFAULTS = {
  image: 'nsgen-sandbox:1',
  user: '10001:10001',
  jobsPerContainer: 200,
  containerMemoryMb: 1_536,
  cpus: 1,
  pidsLimit: 128,
  tmpfsMb: 256,
  tmpfsInodes: 16_384,
  maxOpenFiles: 256,
  maxFileBytes: 64 * 1024 * 1024,
  maxProcesses: 64,
  timeoutMs: 10_000,
  memoryMb: 512,
  maxOutputBytes: 1024 * 1024,
  acquireTimeoutMs: 600_000,
  backstopMarginMs: 5_000,
} as const;

const SETUP_HINT = 'run `bash scripts/setup-docker.sh` (installs and starts the engine, builds the image)';

/** One place in the pool: the container serving it now, or the one being started for it. */
class Slot {
  runner: ContainerRunner | undefined;
  starting: Promise<ContainerRunner> | undefined;
}

interface Waiter {
  take: (slot: Slot) => void;
  fail: (error: Error) => void;
}

export class DockerSandbox implements Sandbox {
  readonly name = 'docker';
  private readonly options: DockerSandboxOptions;
  private docker: Docker | undefined;
  private slots: Slot[] = [];
  private idle: Slot[] = [];
  private waiters: Waiter[] = [];
  private retiring = new Set<Promise<void>>();
  private started: Promise<void> | undefined;
  private detected: DockerSandboxCapabilities;
  private closed = false;
  private readonly owner = ownerLabel();

  constructor(options: DockerSandboxOptions = {}) {
    this.options = options;
    this.detected = {
      networkIsolated: false,
      processLimit: false,
      unprivilegedUser: false,
      privateTmp: false,
      uids: [],
      languages: [],
      image: this.image(),
      notes: ['not started'],
    };
  }

  capabilities(): DockerSandboxCapabilities {
    return this.detected;
  }

  private image(): string {
    return this.options.image ?? DOCKER_SANDBOX_DEFAULTS.image;
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
    const size = this.options.poolSize ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) {
      throw new NsgenError('INVALID_CONFIG', `poolSize must be a positive integer, got ${size}`, {
        where: 'sandbox/docker',
      });
    }
    const docker = new Docker(this.options.docker ?? {});
    await checkEngine(docker, this.image());
    await sweepStaleContainers(docker);
    this.docker = docker;
    const slots = Array.from({ length: size }, () => new Slot());
    this.slots = slots;
    const runners = await Promise.allSettled(slots.map((slot) => this.ensure(slot)));
    const failed = runners.find((outcome) => outcome.status === 'rejected');
    if (failed) {
      await Promise.all(slots.map((slot) => this.retire(slot)));
      this.slots = [];
      throw (failed as PromiseRejectedResult).reason;
    }
    const first = (runners[0] as PromiseFulfilledResult<ContainerRunner>).value;
    const inspected = await docker.getContainer(first.info.containerId).inspect();
    const host = inspected.HostConfig;
    this.detected = {
      networkIsolated: host.NetworkMode === 'none',
      processLimit: (host.PidsLimit ?? 0) > 0,
      unprivilegedUser: !['', '0', 'root'].includes((inspected.Config.User ?? '').split(':')[0] ?? ''),
      privateTmp: host.ReadonlyRootfs === true && '/tmp' in (host.Tmpfs ?? {}),
      uids: [],
      languages: first.info.ready.node ? ['python', 'typescript', 'javascript'] : ['python'],
      image: this.image(),
      notes: [],
    };
    if (this.closed) return;
    this.idle = [...slots];
  }

  private spec(): ContainerSpec {
    const options = this.options;
    return {
      image: this.image(),
      runnerPath: join(packageRoot(), 'sandbox', 'process', 'runner.py'),
      user: DOCKER_SANDBOX_DEFAULTS.user,
      memoryMb: options.containerMemoryMb ?? DOCKER_SANDBOX_DEFAULTS.containerMemoryMb,
      cpus: options.cpus ?? DOCKER_SANDBOX_DEFAULTS.cpus,
      pidsLimit: options.pidsLimit ?? DOCKER_SANDBOX_DEFAULTS.pidsLimit,
      tmpfsMb: options.tmpfsMb ?? DOCKER_SANDBOX_DEFAULTS.tmpfsMb,
      tmpfsInodes: options.tmpfsInodes ?? DOCKER_SANDBOX_DEFAULTS.tmpfsInodes,
      // The container's ceiling must leave room above the per-job limit the runner sets.
      maxOpenFiles: Math.max(1024, (options.maxOpenFiles ?? DOCKER_SANDBOX_DEFAULTS.maxOpenFiles) + 64),
    };
  }

  /** The slot's live container, starting a fresh one when it has none. */
  private ensure(slot: Slot): Promise<ContainerRunner> {
    if (slot.runner?.alive) return Promise.resolve(slot.runner);
    if (slot.runner) this.retire(slot);
    const docker = this.docker;
    if (!docker) return Promise.reject(closedError());
    slot.starting ??= ContainerRunner.start(docker, this.spec(), this.owner).then(
      (runner) => {
        slot.starting = undefined;
        if (this.closed) {
          this.track(runner.destroy());
          throw closedError();
        }
        slot.runner = runner;
        return runner;
      },
      (error: unknown) => {
        slot.starting = undefined;
        throw error;
      },
    );
    return slot.starting;
  }

  /** Removes the slot's container in the background; close() waits for it. */
  private retire(slot: Slot): Promise<void> {
    const runner = slot.runner;
    slot.runner = undefined;
    if (!runner) return Promise.resolve();
    return this.track(runner.destroy());
  }

  private track(removal: Promise<void>): Promise<void> {
    const tracked = removal.catch(() => {});
    this.retiring.add(tracked);
    void tracked.finally(() => this.retiring.delete(tracked));
    return tracked;
  }

  async exec(request: ExecRequest, options: CallOptions = {}): Promise<ExecResult> {
    const { signal } = options;
    throwIfAborted(signal);
    if (this.closed) throw closedError();
    const job = await this.prepare(request);
    if ('result' in job) return job.result;
    await this.start();
    throwIfAborted(signal);
    const slot = await this.acquire(signal);
    let runner: ContainerRunner;
    try {
      runner = await this.ensure(slot);
    } catch (error) {
      this.release(slot);
      throw new NsgenError('SANDBOX_ERROR', `no container to run the job: ${(error as Error).message}`, {
        where: 'sandbox/docker',
        cause: error,
      });
    }
    const sent = performance.now();
    const answer = runner.run(job.message, job.message.timeoutMs + this.backstopMargin());
    const settle = (settled: RunnerAnswer) => {
      if (this.suspicious(runner, settled)) {
        this.retire(slot);
        // Warm the replacement now, so the next job does not pay for it.
        if (!this.closed) this.ensure(slot).catch(() => {});
      }
      this.release(slot);
    };
    answer.then(settle, () => this.release(slot));
    return execResultOf(answer, {
      cancel: () => runner.cancel(job.message.id),
      sentAt: sent,
      where: 'sandbox/docker (runner.py)',
      signal,
    });
  }

  /** Whether the container that ran a job should be replaced rather than reused. */
  private suspicious(runner: ContainerRunner, answer: RunnerAnswer): boolean {
    if (!runner.alive || answer.type === 'failure') return true;
    if (runner.jobs >= (this.options.jobsPerContainer ?? DOCKER_SANDBOX_DEFAULTS.jobsPerContainer))
      return true;
    if (isSandboxError(answer)) return true;
    if (answer.leftoverProcesses) return true;
    return answer.status !== 'ok' && answer.status !== 'error';
  }

  private backstopMargin(): number {
    return this.options.backstopMarginMs ?? DOCKER_SANDBOX_DEFAULTS.backstopMarginMs;
  }

  private prepare(request: ExecRequest): Promise<PreparedJob> {
    const defaults = this.options.defaults ?? {};
    return prepareJob(request, {
      timeoutMs: defaults.timeoutMs ?? DOCKER_SANDBOX_DEFAULTS.timeoutMs,
      memoryMb: defaults.memoryMb ?? DOCKER_SANDBOX_DEFAULTS.memoryMb,
      maxOutputBytes: defaults.maxOutputBytes ?? DOCKER_SANDBOX_DEFAULTS.maxOutputBytes,
      maxProcesses: DOCKER_SANDBOX_DEFAULTS.maxProcesses,
      maxFileBytes: this.options.maxFileBytes ?? DOCKER_SANDBOX_DEFAULTS.maxFileBytes,
      maxOpenFiles: this.options.maxOpenFiles ?? DOCKER_SANDBOX_DEFAULTS.maxOpenFiles,
    });
  }

  private acquire(signal: AbortSignal | undefined): Promise<Slot> {
    const slot = this.idle.shift();
    if (slot) return Promise.resolve(slot);
    const waitMs = this.options.acquireTimeoutMs ?? DOCKER_SANDBOX_DEFAULTS.acquireTimeoutMs;
    return new Promise<Slot>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((other) => other !== waiter);
      };
      const waiter: Waiter = {
        take: (taken) => {
          done();
          resolve(taken);
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const onAbort = () => waiter.fail(abortedError(signal));
      const timer = setTimeout(
        () =>
          waiter.fail(
            new NsgenError(
              'SANDBOX_ERROR',
              `pool exhausted: all ${this.slots.length} containers stayed busy for ${waitMs} ms; raise poolSize, lower the concurrency, or raise acquireTimeoutMs`,
              { where: 'sandbox/docker' },
            ),
          ),
        waitMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(slot: Slot): void {
    if (this.closed) return;
    const waiter = this.waiters[0];
    if (waiter) waiter.take(slot);
    else this.idle.push(slot);
  }

  /** Ids of the containers serving the pool now. */
  containerIds(): string[] {
    return this.slots.flatMap((slot) => (slot.runner ? [slot.runner.info.containerId] : []));
  }

  /**
   * Host pids of processes in this sandbox's containers other than their init, idle
   * command and runner: the leftovers of jobs (empty when every job was cleaned up).
   */
  jobProcesses(): number[] {
    const found: number[] = [];
    for (const slot of this.slots) {
      const runner = slot.runner;
      if (!runner) continue;
      const { containerId, initPid, runnerPid } = runner.info;
      for (const pid of pidsInCgroupOf(containerId)) {
        if (pid === initPid || pid === runnerPid) continue;
        if (parentOf(pid) === initPid && commandOf(pid).startsWith('/bin/sleep')) continue;
        found.push(pid);
      }
    }
    return found;
  }

  /** Removes every container of this sandbox; jobs in flight end as `killed`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.fail(closedError());
    await this.started?.catch(() => {});
    await Promise.all(this.slots.map((slot) => slot.starting?.catch(() => {})));
    await Promise.all(this.slots.map((slot) => this.retire(slot)));
    await Promise.all([...this.retiring]);
    this.idle = [];
  }
}

export function createDockerSandbox(options: DockerSandboxOptions = {}): DockerSandbox {
  return new DockerSandbox(options);
}

/** Fails with what to do when the engine does not answer or the image is missing. */
async function checkEngine(docker: Docker, image: string): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new NsgenError(
      'SANDBOX_ERROR',
      `the Docker engine does not answer (${(error as Error).message}); start it (\`dockerd\`), or ${SETUP_HINT}`,
      { where: 'sandbox/docker', cause: error },
    );
  }
  try {
    await docker.getImage(image).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    throw new NsgenError('SANDBOX_ERROR', `the sandbox image ${image} is missing; ${SETUP_HINT}`, {
      where: 'sandbox/docker',
      cause: error,
    });
  }
}

/**
 * Removes sandbox containers whose owner process is gone (a crash, a kill -9): they are
 * found by label, and spared while their owner, on this host, still runs.
 */
export async function sweepStaleContainers(docker: Docker): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL] } });
  const stale = containers.filter((container) => {
    const [host, pid, started] = (container.Labels[OWNER_LABEL] ?? '').split('/');
    if (host !== hostname()) return false;
    return processStartTime(Number(pid)) !== started;
  });
  await Promise.all(
    stale.map((container) =>
      docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  return stale.length;
}

function pidsInCgroupOf(containerId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cgroup`, 'utf8').includes(containerId)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function closedError(): NsgenError {
  return new NsgenError('SANDBOX_ERROR', 'the Docker sandbox is closed', { where: 'sandbox/docker' });
}
