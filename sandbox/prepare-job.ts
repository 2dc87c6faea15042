/**
 * What every runner-based sandbox does before a job reaches `runner.py`: validate the
 * request, fill in the limits it left out, and turn TypeScript into runnable CommonJS.
 */
import { randomUUID } from 'node:crypto';
import { type ExecRequest, type ExecResult, type Language, NsgenError } from '../src/core/index.js';
import type { RunnerExecMessage } from './process/runner-protocol.js';
import { toCommonJs } from './process/to-common-js.js';

/** Limits a sandbox applies where the request is silent, and the per-job jail limits. */
export interface JobLimits {
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
  maxProcesses: number;
  maxFileBytes: number;
  maxOpenFiles: number;
}

/** Either the message to send to a runner, or the result of a job that never had to run. */
export type PreparedJob = { message: RunnerExecMessage } | { result: ExecResult };

export async function prepareJob(request: ExecRequest, limits: JobLimits): Promise<PreparedJob> {
  const timeoutMs = request.timeoutMs ?? limits.timeoutMs;
  const memoryMb = request.memoryMb ?? limits.memoryMb;
  const maxOutputBytes = request.maxOutputBytes ?? limits.maxOutputBytes;
  checkPositive('timeoutMs', timeoutMs);
  checkPositive('memoryMb', memoryMb);
  checkPositive('maxOutputBytes', maxOutputBytes);
  if (typeof request.code !== 'string') {
    throw new NsgenError('INVALID_ARGUMENT', 'the program code must be a string', {
      where: 'ExecRequest.code',
    });
  }
  let code = request.code;
  const language = request.language as Language;
  if (language === 'typescript' || language === 'javascript') {
    const started = performance.now();
    const converted = await toCommonJs(code, language);
    if (!converted.ok) {
      // The program never ran: report it the way a compiler failing at start would.
      return {
        result: {
          status: 'error',
          exitCode: 1,
          signal: null,
          stdout: '',
          stderr: converted.message,
          durationMs: performance.now() - started,
        },
      };
    }
    code = converted.code;
  } else if (language !== 'python') {
    throw new NsgenError('UNSUPPORTED', `unknown language "${String(language)}"`, {
      where: 'ExecRequest.language',
    });
  }
  return {
    message: {
      type: 'exec',
      id: randomUUID(),
      language: language === 'python' ? 'python' : 'node',
      code,
      stdin: request.stdin ?? '',
      timeoutMs: Math.ceil(timeoutMs),
      memoryMb: Math.ceil(memoryMb),
      maxOutputBytes: Math.ceil(maxOutputBytes),
      maxProcesses: limits.maxProcesses,
      maxFileBytes: limits.maxFileBytes,
      maxOpenFiles: limits.maxOpenFiles,
    },
  };
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new NsgenError('INVALID_ARGUMENT', `${name} must be a positive number, got ${value}`, {
      where: `ExecRequest.${name}`,
    });
  }
}
