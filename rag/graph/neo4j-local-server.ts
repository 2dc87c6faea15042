/**
 * Starts the embedded Neo4j that scripts/setup-rag.sh prepares (.cache/neo4j: Maven
 * Central jars and the NsgenNeo4jServer launcher) with Bolt on a free localhost port. For
 * tests and local use; the server stops with `stop()` or when this process exits (its
 * stdin closes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NsgenError, packageRoot } from '../../src/core/index.js';

export interface LocalNeo4j {
  url: string;
  password: string;
  stop(): Promise<void>;
}

export interface LocalNeo4jOptions {
  /** @default 120_000 */
  startTimeoutMs?: number;
  /** @default '-Xmx768m' */
  heap?: string;
}

export async function startLocalNeo4j(options: LocalNeo4jOptions = {}): Promise<LocalNeo4j> {
  const home = join(packageRoot(), '.cache', 'neo4j');
  if (!existsSync(join(home, 'classes', 'NsgenNeo4jServer.class'))) {
    throw new NsgenError('UNSUPPORTED', 'the local Neo4j is not prepared; run scripts/setup-rag.sh', {
      where: home,
    });
  }
  const port = await freePort();
  const password = `nsgen-${Math.random().toString(36).slice(2)}`;
  const data = await mkdtemp(join(tmpdir(), 'nsgen-neo4j-'));
  const child = spawn(
    'java',
    [
      options.heap ?? '-Xmx768m',
      '-cp',
      `${join(home, 'classes')}:${join(home, 'lib', '*')}`,
      'NsgenNeo4jServer',
      data,
      String(port),
      password,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const stop = async () => {
    await stopChild(child);
    await rm(data, { recursive: true, force: true });
  };
  try {
    await waitForReady(child, options.startTimeoutMs ?? 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `bolt://127.0.0.1:${port}`, password, stop };
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () =>
        finish(new NsgenError('TIMEOUT', `Neo4j did not start in ${timeoutMs} ms: ${output.slice(-2000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^ready \d+$/m.test(output)) finish();
    };
    const onExit = (code: number | null) =>
      finish(
        new NsgenError('IO_ERROR', `Neo4j exited with status ${code} while starting: ${output.slice(-2000)}`),
      );
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipes so a chatty server never blocks on a full buffer.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
