import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { isNsgenError } from '../../src/core/index.js';
import { describeSandboxContract } from '../contract-suite.js';
import { createProcessSandbox, type ProcessSandbox } from './index.js';

describeSandboxContract('process', () => createProcessSandbox({ poolSize: 2 }));

function runnerPids(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(
      (line) =>
        line.includes('sandbox/process/runner.py') && Number(line.trim().split(/\s+/)[1]) === process.pid,
    )
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('ProcessSandbox', () => {
  let sandbox: ProcessSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('does no I/O until started, then reports what it detected', async () => {
    sandbox = createProcessSandbox({ poolSize: 1 });
    expect(sandbox.capabilities().languages).toEqual([]);
    expect(runnerPids()).toEqual([]);
    await sandbox.start();
    const capabilities = sandbox.capabilities();
    expect(capabilities.languages).toEqual(['python', 'typescript', 'javascript']);
    expect(runnerPids()).toHaveLength(1);
    if (process.getuid?.() === 0) {
      expect(capabilities.unprivilegedUser).toBe(true);
      expect(capabilities.processLimit).toBe(true);
      expect(capabilities.uids).toHaveLength(1);
    }
  });

  it('leaves no runner behind after close', async () => {
    sandbox = createProcessSandbox({ poolSize: 2 });
    await sandbox.exec({ language: 'python', code: 'print(1)' });
    expect(runnerPids()).toHaveLength(2);
    await sandbox.close();
    expect(runnerPids()).toEqual([]);
  });

  it('restarts a runner that died and reports the job it was running as killed', async () => {
    sandbox = createProcessSandbox({ poolSize: 1 });
    await sandbox.start();
    const [pid] = runnerPids();
    const running = sandbox.exec({ language: 'python', code: 'import time\ntime.sleep(30)' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(pid!, 'SIGKILL');
    const result = await running;
    expect(result.status).toBe('killed');
    expect(result.stderr).toContain('runner exited during the job');
    const after = await sandbox.exec({ language: 'python', code: 'print("back")' });
    expect(after.stdout).toBe('back\n');
    expect(runnerPids()).not.toContain(pid);
  });

  it('kills a runner that stays silent past the backstop', async () => {
    sandbox = createProcessSandbox({ poolSize: 1, backstopMarginMs: 300 });
    await sandbox.start();
    const [pid] = runnerPids();
    process.kill(pid!, 'SIGSTOP');
    const result = await sandbox.exec({ language: 'python', code: 'print(1)', timeoutMs: 200 });
    expect(result.status).toBe('timeout');
    expect(result.stderr).toContain('gave no answer');
    const after = await sandbox.exec({ language: 'python', code: 'print("back")' });
    expect(after.stdout).toBe('back\n');
  });

  it('rejects invalid limits and unknown languages with named errors', async () => {
    sandbox = createProcessSandbox({ poolSize: 1 });
    const badTimeout = await sandbox
      .exec({ language: 'python', code: '', timeoutMs: -1 })
      .catch((error) => error);
    expect(isNsgenError(badTimeout) && badTimeout.code).toBe('INVALID_ARGUMENT');
    expect(String(badTimeout.message)).toContain('timeoutMs');
    const badLanguage = await sandbox
      .exec({ language: 'ruby' as 'python', code: 'puts 1' })
      .catch((error: unknown) => error);
    expect(isNsgenError(badLanguage) && badLanguage.code).toBe('UNSUPPORTED');
  });

  it('names the option when the Python interpreter is missing', async () => {
    sandbox = createProcessSandbox({ python: '/nonexistent/python3' });
    const error = await sandbox.start().catch((caught: unknown) => caught);
    expect(isNsgenError(error) && error.code).toBe('SANDBOX_ERROR');
    expect(String((error as Error).message)).toContain('option python');
  });
});
