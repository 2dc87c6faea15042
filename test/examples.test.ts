/**
 * The scripts in examples/ run as a user runs them (`npx tsx examples/X.ts`, importing the
 * built package by its name). The OpenAI-compatible one talks to a stub server that
 * stands in for the external model service.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStubServer } from '../src/lm/openai/test-support/stub-server.js';

const root = join(import.meta.dirname, '..');
afterAll(() => rmSync(join(root, 'runs/score-recorded-samples'), { recursive: true, force: true }));

function runExample(file: string, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(root, 'examples', file)],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('examples', () => {
  it('solve-with-openai.ts: samples from the server, repairs, and selects the passing candidate', async () => {
    const wrong = '```python\ndef clamp(x: int, lo: int, hi: int) -> int:\n    return x\n```';
    const right =
      '```python\ndef clamp(x: int, lo: int, hi: int) -> int:\n    return max(lo, min(x, hi))\n```';
    await using server = await startStubServer({
      // The first request (three samples) gets wrong answers; the repair prompt gets the right one.
      answer: (request) => (JSON.stringify(request.body).includes('failed') ? right : wrong),
    });
    const result = await runExample('solve-with-openai.ts', {
      NSGEN_MODEL: `openai:stub-coder@${server.baseURL}`,
      OPENAI_API_KEY: 'sk-example-secret',
    });
    expect(result.stderr).not.toContain('sk-example-secret');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('status: solved');
    expect(result.stdout).toContain('return max(lo, min(x, hi))');
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('score-recorded-samples.ts: every recorded sample with its reward and why it failed', async () => {
    const result = await runExample('score-recorded-samples.ts');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('pass@1 0.433, pass@2 0.867');
    expect(result.stdout).toContain('clamp: 1/3 passed');
    expect(result.stdout).toMatch(/py-os-system, CWE-78/);
    expect(result.stdout).toMatch(/timed out/);
  });

  it('langchain-tool.ts: the tool answers with code repaired after the failing test', async () => {
    const result = await runExample('langchain-tool.ts');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'solved', passed: true, repairRounds: 1 });
  });
});
