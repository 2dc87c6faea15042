/**
 * The JSON-lines protocol spoken with `runner.py` (its module doc is the reference). The
 * same messages will travel into Docker containers, so they carry only data: the runner
 * decides binaries and flags itself.
 */
import type { ExecStatus } from '../../src/core/index.js';

/** The runner's own name for a job's runtime: TypeScript and JavaScript both run on node. */
export type RunnerLanguage = 'python' | 'node';

/** One program to run, with every limit resolved. */
export interface RunnerExecMessage {
  type: 'exec';
  id: string;
  language: RunnerLanguage;
  code: string;
  stdin: string;
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
  maxProcesses: number;
  maxFileBytes: number;
  maxOpenFiles: number;
}

export interface RunnerCancelMessage {
  type: 'cancel';
  id: string;
}

/** What the runner managed to set up, sent once before it accepts jobs. */
export interface RunnerReadyMessage {
  type: 'ready';
  pid: number;
  python: string;
  networkIsolated: boolean;
  privateTmp: boolean;
  /** The unprivileged uid jobs run as, or null when they run as the runner's own user. */
  uid: number | null;
  processLimit: boolean;
  node: boolean;
  /** Why an isolation that was asked for is missing. */
  notes: string[];
}

export interface RunnerResultMessage {
  type: 'result';
  id: string;
  status: ExecStatus;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /**
   * Processes of the job still alive after it ended, which the runner killed: absent when
   * there were none. A pool treats it as a sign to recycle the jail.
   */
  leftoverProcesses?: number;
}

/** The jail itself failed (not the program): the sandbox reports it as SANDBOX_ERROR. */
export interface RunnerSandboxErrorMessage {
  type: 'result';
  id: string;
  sandboxError: string;
}

export type RunnerOutMessage = RunnerReadyMessage | RunnerResultMessage | RunnerSandboxErrorMessage;

export function isSandboxError(
  message: RunnerResultMessage | RunnerSandboxErrorMessage,
): message is RunnerSandboxErrorMessage {
  return 'sandboxError' in message;
}
