/**
 * One Vitest suite for every Sandbox implementation (the habit of Hono's router tests):
 * languages, stdin, exit codes, stderr, limits, concurrency, abort, close, and the red-team
 * programs of `red-team/cases.ts`. Expectations follow `capabilities()`: a case whose
 * guarantee this OS cannot give is skipped with the reason, never weakened.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExecResult, isNsgenError, packageRoot, type Sandbox } from '../src/core/index.js';
import { type HostCheck, RED_TEAM_CASES } from './red-team/cases.js';

/** What a sandbox can tell the suite beyond the port. */
export interface SandboxContractOptions<S extends Sandbox> {
  /**
   * Host pids of processes its jobs left behind, for the `no-job-processes` check.
   * @default processes of the uids in `capabilities().uids`
   */
  jobProcesses?: (sandbox: S) => number[] | Promise<number[]>;
}

/** Registers the contract tests for one sandbox; `create` builds a fresh, unstarted one. */
export function describeSandboxContract<S extends Sandbox>(
  name: string,
  create: () => S | Promise<S>,
  options: SandboxContractOptions<S> = {},
): void {
  describe(`Sandbox contract: ${name}`, () => {
    let sandbox: S;

    beforeAll(async () => {
      sandbox = await create();
      await sandbox.start();
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    describe('running programs', () => {
      it('runs Python and captures stdout', async () => {
        const result = await sandbox.exec({ language: 'python', code: 'print(sum(range(10)))' });
        expect(result).toMatchObject({ status: 'ok', exitCode: 0, signal: null, stdout: '45\n', stderr: '' });
        expect(result.durationMs).toBeGreaterThan(0);
      });

      it('runs TypeScript with types and `import * as assert`', async () => {
        const code = [
          "import * as assert from 'assert'",
          'const double = (x: number): number => x * 2;',
          'interface Pair { a: number; b: string }',
          "const pair: Pair = { a: double(21), b: 'ok' };",
          'assert.deepEqual(pair.a, 42);',
          'console.log(pair.b, pair.a);',
        ].join('\n');
        const result = await sandbox.exec({ language: 'typescript', code });
        expect(result).toMatchObject({ status: 'ok', exitCode: 0, stdout: 'ok 42\n' });
      });

      it('runs JavaScript with require', async () => {
        const code = "const path = require('path');\nconsole.log(path.basename('/a/b.txt'));";
        const result = await sandbox.exec({ language: 'javascript', code });
        expect(result).toMatchObject({ status: 'ok', exitCode: 0, stdout: 'b.txt\n' });
      });

      it('feeds stdin to Python and TypeScript', async () => {
        const python = await sandbox.exec({
          language: 'python',
          code: 'import sys\nprint(sys.stdin.read().upper(), end="")',
          stdin: 'hello\nworld\n',
        });
        expect(python.stdout).toBe('HELLO\nWORLD\n');
        const typescript = await sandbox.exec({
          language: 'typescript',
          code: "import { readFileSync } from 'fs';\nprocess.stdout.write(readFileSync(0, 'utf8').split('').reverse().join(''));",
          stdin: 'abc',
        });
        expect(typescript.stdout).toBe('cba');
      });

      it('reports exit codes as error with the code', async () => {
        const python = await sandbox.exec({ language: 'python', code: 'import sys\nsys.exit(3)' });
        expect(python).toMatchObject({ status: 'error', exitCode: 3, signal: null });
        const typescript = await sandbox.exec({ language: 'typescript', code: 'process.exit(4);' });
        expect(typescript).toMatchObject({ status: 'error', exitCode: 4 });
        const clean = await sandbox.exec({ language: 'python', code: 'raise SystemExit(0)' });
        expect(clean).toMatchObject({ status: 'ok', exitCode: 0 });
      });

      it('captures stderr and uncaught exceptions', async () => {
        const python = await sandbox.exec({
          language: 'python',
          code: 'import sys\nprint("warn", file=sys.stderr)\ndef f():\n    raise ValueError("bad value")\nf()',
        });
        expect(python.status).toBe('error');
        expect(python.exitCode).toBe(1);
        expect(python.stderr).toContain('warn\n');
        expect(python.stderr).toContain('Traceback (most recent call last):');
        expect(python.stderr).toContain('ValueError: bad value');
        expect(python.stderr).toMatch(/line 4, in f/);
        const typescript = await sandbox.exec({
          language: 'typescript',
          code: "throw new TypeError('nope');",
        });
        expect(typescript).toMatchObject({ status: 'error', exitCode: 1 });
        expect(typescript.stderr).toContain('TypeError: nope');
      });

      it('reports a TypeScript syntax error without running anything', async () => {
        const result = await sandbox.exec({
          language: 'typescript',
          code: 'const x: number = ;\nconsole.log(1)',
        });
        expect(result.status).toBe('error');
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/main\.ts:1:\d+/);
      });

      it('decodes invalid UTF-8 output with replacement characters', async () => {
        const result = await sandbox.exec({
          language: 'python',
          code: 'import sys\nsys.stdout.buffer.write(b"ok \\xff\\xfe end\\n")',
        });
        expect(result.stdout).toBe('ok \uFFFD\uFFFD end\n');
      });

      it('runs a 10 MB program and comes back with a clear status', async () => {
        const filler = `# ${'x'.repeat(1000)}\n`.repeat(10_000);
        const result = await sandbox.exec({
          language: 'python',
          code: `${filler}print('big ok')`,
          timeoutMs: 20_000,
        });
        expect(result).toMatchObject({ status: 'ok', stdout: 'big ok\n' });
      });
    });

    describe('limits', () => {
      it('stops a program at its timeout', async () => {
        const result = await sandbox.exec({
          language: 'python',
          code: 'import time\ntime.sleep(30)',
          timeoutMs: 500,
        });
        expect(result.status).toBe('timeout');
        expect(result.exitCode).toBeNull();
        expect(result.durationMs).toBeGreaterThanOrEqual(500);
      });

      it('stops a program at the output cap and keeps the first bytes', async () => {
        const result = await sandbox.exec({
          language: 'python',
          code: "import sys\nsys.stdout.write('a' * 5000)\nsys.stdout.flush()\nwhile True:\n    print('b' * 1000)",
          maxOutputBytes: 10_000,
        });
        expect(result.status).toBe('output-limit');
        expect(result.stdout.length + result.stderr.length).toBeLessThanOrEqual(10_000);
        expect(result.stdout.startsWith('a'.repeat(5000))).toBe(true);
      });

      it('reports memory exhaustion as memory', async () => {
        const result = await sandbox.exec({
          language: 'python',
          code: 'x = " " * (2 * 1024 ** 3)',
          memoryMb: 128,
        });
        expect(result.status).toBe('memory');
      });

      it('keeps a program that stays under the memory limit working', async () => {
        const result = await sandbox.exec({
          language: 'python',
          code: 'x = bytearray(64 * 1024 ** 2)\nprint(len(x))',
          memoryMb: 256,
        });
        expect(result).toMatchObject({ status: 'ok', stdout: `${64 * 1024 ** 2}\n` });
      });

      it('runs each job in a fresh scratch directory that is removed afterwards', async () => {
        const first = await sandbox.exec({
          language: 'python',
          code: "import os\nopen('left.txt', 'w').write('x')\nprint(os.getcwd())\nprint(os.listdir('.'))",
        });
        const [firstDir] = first.stdout.split('\n');
        const second = await sandbox.exec({
          language: 'python',
          code: "import os\nprint(sorted(os.listdir('.')))",
        });
        expect(second.stdout).not.toContain('left.txt');
        expect(first.stdout).toContain('left.txt');
        expect(firstDir).toBeTruthy();
      });

      it('gives programs a scrubbed environment', async () => {
        const result = await sandbox.exec({
          language: 'python',
          code: 'import os\nprint(sorted(os.environ))',
        });
        const names = JSON.parse(result.stdout.replaceAll("'", '"')) as string[];
        expect(names).toContain('PATH');
        expect(names).toContain('HOME');
        expect(names.length).toBeLessThanOrEqual(5);
      });
    });

    describe('concurrency, abort and close', () => {
      it('runs concurrent jobs and returns each its own result', async () => {
        const jobs = Array.from({ length: 6 }, (_, index) =>
          sandbox.exec({
            language: index % 2 === 0 ? 'python' : 'typescript',
            code:
              index % 2 === 0 ? `import time\ntime.sleep(0.2)\nprint(${index})` : `console.log(${index});`,
          }),
        );
        const results = await Promise.all(jobs);
        results.forEach((result, index) => {
          expect(result).toMatchObject({ status: 'ok', stdout: `${index}\n` });
        });
      });

      it('rejects with ABORTED when the signal fires, and keeps working', async () => {
        const controller = new AbortController();
        const pending = sandbox.exec({ language: 'python', code: 'import time\ntime.sleep(30)' }, controller);
        setTimeout(() => controller.abort(), 200);
        const error = await pending.catch((caught: unknown) => caught);
        expect(isNsgenError(error) && error.code).toBe('ABORTED');
        const after = await sandbox.exec({ language: 'python', code: 'print("still here")' });
        expect(after.stdout).toBe('still here\n');
      });

      it('rejects at once for a signal that already fired', async () => {
        const error = await sandbox
          .exec({ language: 'python', code: 'print(1)' }, { signal: AbortSignal.abort() })
          .catch((caught: unknown) => caught);
        expect(isNsgenError(error) && error.code).toBe('ABORTED');
      });

      it('closes while a job runs, and refuses jobs after close', async () => {
        const own = await create();
        await own.start();
        const running = own.exec({ language: 'python', code: 'import time\ntime.sleep(30)' });
        await new Promise((resolve) => setTimeout(resolve, 200));
        await own.close();
        const outcome = await running.then(
          (result) => result.status,
          (error: unknown) => (isNsgenError(error) ? error.code : 'other'),
        );
        expect(outcome).not.toBe('ok');
        const after = await own
          .exec({ language: 'python', code: 'print(1)' })
          .catch((error: unknown) => error);
        expect(isNsgenError(after)).toBe(true);
      });
    });

    describe('red team', () => {
      const host = new HostFixture();
      beforeAll(() => host.open());
      afterAll(() => host.close());

      for (const redTeamCase of RED_TEAM_CASES) {
        it(redTeamCase.name, async (context) => {
          const capabilities = sandbox.capabilities() as unknown as Record<string, unknown>;
          const missing = redTeamCase.requires.filter((capability) => capabilities[capability] !== true);
          if (missing.length > 0) {
            context.skip(`this sandbox cannot guarantee it here: missing ${missing.join(', ')}`);
            return;
          }
          const result = await sandbox.exec({
            language: redTeamCase.language,
            code: host.fill(redTeamCase.code),
            timeoutMs: redTeamCase.timeoutMs,
            ...(redTeamCase.memoryMb ? { memoryMb: redTeamCase.memoryMb } : {}),
            ...(redTeamCase.maxOutputBytes ? { maxOutputBytes: redTeamCase.maxOutputBytes } : {}),
          });
          expect(redTeamCase.statuses, describeResult(result)).toContain(result.status);
          if (redTeamCase.maxOutputBytes) {
            expect(result.stdout.length + result.stderr.length).toBeLessThanOrEqual(
              redTeamCase.maxOutputBytes,
            );
          }
          for (const secret of redTeamCase.mustNotLeak ?? []) {
            expect(result.stdout + result.stderr).not.toContain(host.value(secret));
          }
          for (const text of redTeamCase.mustNotPrint ?? []) {
            expect(result.stdout + result.stderr, describeResult(result)).not.toContain(text);
          }
          for (const check of redTeamCase.hostChecks) {
            if (check === 'later-jobs-unaffected') await expectHonestLaterJobs(sandbox);
            else if (check === 'no-job-processes' && options.jobProcesses)
              expect(await options.jobProcesses(sandbox)).toEqual([]);
            else await host.check(check, result, capabilities);
          }
          const after = await sandbox.exec({ language: 'python', code: 'print("alive")' });
          expect(after.stdout).toBe('alive\n');
        });
      }
    });
  });
}

/**
 * A few jobs (so that every warm runner of a small pool gets one) must still import the
 * real standard library, start in an empty scratch directory, and fail when they fail.
 */
async function expectHonestLaterJobs(sandbox: Sandbox): Promise<void> {
  const code = [
    'import json, os, sys, unittest',
    "print(json.dumps({'files': sorted(os.listdir('.'))}))",
    'assert json.__file__.startswith(sys.base_prefix), json.__file__',
    "assert 1 == 2, 'a real failure'",
  ].join('\n');
  for (let round = 0; round < 3; round += 1) {
    const result = await sandbox.exec({ language: 'python', code, timeoutMs: 10_000 });
    expect(result.stdout, describeResult(result)).toBe('{"files": ["main.py"]}\n');
    expect(result.status, describeResult(result)).toBe('error');
    expect(result.stderr).toContain('AssertionError: a real failure');
    const typescript = await sandbox.exec({
      language: 'typescript',
      code: "throw new Error('a real failure');",
    });
    expect(typescript.status, describeResult(typescript)).toBe('error');
  }
}

function describeResult(result: ExecResult): string {
  return `status ${result.status}, exit ${result.exitCode}, signal ${result.signal}; stdout: ${result.stdout.slice(0, 300)}; stderr: ${result.stderr.slice(-600)}`;
}

/** The host side of the red-team cases: a listener, a folder to guard, a secret. */
class HostFixture {
  private readonly root = join(packageRoot(), '.cache', `red-team-${randomUUID().slice(0, 8)}`);
  private readonly hostDir = join(this.root, 'guarded');
  private readonly secretFile = join(this.root, 'secret.txt');
  private readonly secret = `nsgen-secret-${randomUUID()}`;
  private readonly marker = `nsgen-marker-${randomUUID().slice(0, 8)}`;
  private readonly tmpPlants = ['/tmp', '/var/tmp', '/dev/shm'].map((dir) =>
    join(dir, 'nsgen-red-team-planted'),
  );
  private server: Server | undefined;
  private port = 0;
  connections = 0;

  async open(): Promise<void> {
    mkdirSync(this.hostDir, { recursive: true });
    chmodSync(this.root, 0o755);
    chmodSync(this.hostDir, 0o755);
    writeFileSync(this.secretFile, this.secret, { mode: 0o600 });
    for (const plant of this.tmpPlants) rmSync(plant, { force: true });
    this.server = createServer((socket) => {
      this.connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.root, { recursive: true, force: true });
  }

  fill(code: string): string {
    return code
      .replaceAll('__PORT__', String(this.port))
      .replaceAll('__HOST_DIR__', this.hostDir)
      .replaceAll('__SECRET_FILE__', this.secretFile)
      .replaceAll('__MARKER__', this.marker);
  }

  value(placeholder: '__SECRET__'): string {
    return placeholder === '__SECRET__' ? this.secret : placeholder;
  }

  async check(check: HostCheck, result: ExecResult, capabilities: Record<string, unknown>): Promise<void> {
    switch (check) {
      case 'no-connection':
        // Give a connection that did get through time to be accepted.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(this.connections).toBe(0);
        expect(result.stdout).not.toContain('connected');
        return;
      case 'marked-processes-gone':
        expect(processesWith(this.marker)).toEqual([]);
        return;
      case 'later-jobs-unaffected':
        throw new Error('later-jobs-unaffected runs jobs, so the suite checks it itself');
      case 'host-files-intact':
        expect(readdirSync(this.hostDir)).toEqual([]);
        expect(existsSync(join(dirname(this.hostDir), 'planted-next-to-it.txt'))).toBe(false);
        expect(readFileSync(this.secretFile, 'utf8')).toBe(this.secret);
        for (const plant of this.tmpPlants)
          expect(existsSync(plant), `${plant} was planted on the host`).toBe(false);
        return;
      case 'no-job-processes': {
        const uids = capabilities.uids;
        expect(Array.isArray(uids) && uids.length > 0, 'the sandbox names the uids its jobs run as').toBe(
          true,
        );
        for (const uid of uids as number[]) expect(processesOf(uid)).toEqual([]);
        return;
      }
    }
  }
}

function processesWith(word: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (command.includes(word)) found.push(`${entry}: ${command}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function processesOf(uid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const line = status.split('\n').find((text) => text.startsWith('Uid:'));
      if (line?.split(/\s+/)[1] === String(uid)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
