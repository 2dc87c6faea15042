import { afterAll, describe, expect, it } from 'vitest';
import { createProcessSandbox } from '../../sandbox/process/index.js';
import type { Candidate, ExecRequest, ExecResult, Sandbox, Task } from '../../src/core/index.js';
import { createSolverPool } from '../../src/smt/index.js';
import { createContractVerifier } from './contract-verifier.js';
import { verifyContract } from './verify-contract.js';

const sandbox = createProcessSandbox({ poolSize: 1 });
const solver = createSolverPool({ workers: 1 });
const verifier = createContractVerifier({ sandbox, solver, solverTimeoutMs: 3_000 });
afterAll(async () => {
  await verifier.close();
  await solver.close();
  await sandbox.close();
});

const clampTask: Task = {
  id: 'clamp',
  language: 'python',
  prompt: 'Return x limited to [lo, hi].',
  entryPoint: 'clamp',
  signature: {
    params: [
      { name: 'x', type: 'int' },
      { name: 'lo', type: 'int' },
      { name: 'hi', type: 'int' },
    ],
    returns: 'int',
  },
  contract: { pre: 'lo <= hi', post: 'lo <= result <= hi' },
};

function candidate(code: string): Candidate {
  return { id: 'c1', taskId: 'clamp', code, origin: { agent: 'test', mode: 'neural', repairRound: 0 } };
}

const CORRECT = 'def clamp(x: int, lo: int, hi: int) -> int:\n    return max(lo, min(x, hi))\n';
const BUGGY = 'def clamp(x: int, lo: int, hi: int) -> int:\n    return max(lo, min(x, hi + 1))\n';

describe('contracts verifier', () => {
  it('has the name, cost and hardness the orchestrator stages by', () => {
    expect(verifier).toMatchObject({ name: 'contracts', cost: 1000, hard: true });
    expect(verifier.appliesTo(clampTask)).toBe(true);
    expect(verifier.appliesTo({ ...clampTask, language: 'typescript', contract: undefined })).toBe(true);
  });

  it('passes a proved candidate with score 1', async () => {
    const verdict = await verifier.verify(candidate(CORRECT), clampTask);
    expect(verdict).toMatchObject({ verifier: 'contracts', status: 'pass', score: 1, counterexamples: [] });
    expect(verdict.contract).toEqual({ status: 'proved', bounded: false });
  });

  it('fails a buggy candidate with a counterexample confirmed by running it', async () => {
    const verdict = await verifier.verify(candidate(BUGGY), clampTask);
    expect(verdict.status).toBe('fail');
    expect(verdict.score).toBe(0);
    const found = verdict.contract?.counterexample;
    expect(found?.violates).toBe('post: lo <= result <= hi');
    const { x, lo, hi } = found!.input as { x: number; lo: number; hi: number };
    expect(lo).toBeLessThanOrEqual(hi);
    expect(found?.output).toBe(Math.max(lo, Math.min(x, hi + 1)));
    expect(verdict.counterexamples).toEqual([
      { input: [x, lo, hi], actual: found?.output, violates: found?.violates },
    ]);
  });

  it('reports an invalid contract as an error verdict with the reason', async () => {
    const cases: [string, RegExp][] = [
      ['lo <= result <=', /does not parse/],
      ['lo <= result <= top', /unknown variable.*"top"/],
      ['result + 1', /not a boolean/],
    ];
    for (const [post, reason] of cases) {
      const verdict = await verifier.verify(candidate(CORRECT), { ...clampTask, contract: { post } });
      expect(verdict.status, post).toBe('error');
      expect(verdict.contract?.status).toBe('unknown');
      expect(verdict.contract?.reason).toMatch(reason);
      expect(verdict.diagnostics[0]?.message).toMatch(reason);
    }
  });

  it('reports code in the wrong language as an error verdict', async () => {
    const ts =
      'export function clamp(x: number, lo: number, hi: number): number {\n  return Math.min(Math.max(x, lo), hi);\n}\n';
    const verdict = await verifier.verify(candidate(ts), clampTask);
    expect(verdict.status).toBe('error');
    expect(verdict.contract?.reason).toMatch(/does not parse as python/);
  });

  it('skips code outside the subset, naming the construct and line', async () => {
    const code =
      'def clamp(x: int, lo: int, hi: int) -> int:\n    try:\n        return max(lo, min(x, hi))\n    finally:\n        pass\n';
    const verdict = await verifier.verify(candidate(code), clampTask);
    expect(verdict.status).toBe('skipped');
    expect(verdict.contract?.reason).toMatch(/try_statement at line 2/);
  });

  it('skips on a solver timeout with the reason', async () => {
    const fermat: Task = {
      ...clampTask,
      id: 'fermat',
      entryPoint: 'cubes',
      signature: { params: clampTask.signature!.params, returns: 'bool' },
      contract: { pre: 'x > 1 and lo > 1 and hi > 1', post: 'not result' },
    };
    const code =
      'def cubes(x: int, lo: int, hi: int) -> bool:\n    return x * x * x + lo * lo * lo == hi * hi * hi\n';
    const quick = createContractVerifier({ sandbox, solver, solverTimeoutMs: 300 });
    const verdict = await quick.verify(candidate(code), fermat);
    expect(verdict.status).toBe('skipped');
    expect(verdict.contract?.reason).toMatch(/solver timeout after 300 ms.*nonlinear/);
  });

  it('skips when neither the task nor the code has a contract', async () => {
    const verdict = await verifier.verify(candidate(CORRECT), { ...clampTask, contract: undefined });
    expect(verdict.status).toBe('skipped');
    expect(verdict.contract?.reason).toMatch(/no contract/);
  });

  it('never reports a counterexample the run does not reproduce', async () => {
    // A sandbox whose runs always satisfy the postcondition: every solver counterexample
    // is unconfirmed, so the verdict must be unknown, not a failure.
    const agreeable: Sandbox = {
      name: 'agreeable',
      capabilities: () => ({
        networkIsolated: true,
        processLimit: true,
        unprivilegedUser: true,
        languages: ['python'],
      }),
      start: async () => undefined,
      close: async () => undefined,
      exec: async (_request: ExecRequest): Promise<ExecResult> => ({
        status: 'ok',
        exitCode: 0,
        signal: null,
        stdout: '__NSGEN_CONTRACT__{"pre": [true], "post": [true], "result": 0}\n',
        stderr: '',
        durationMs: 1,
      }),
    };
    const doubting = createContractVerifier({ sandbox: agreeable, solver, maxReplays: 2 });
    const verdict = await doubting.verify(candidate(BUGGY), clampTask);
    expect(verdict.status).toBe('skipped');
    expect(verdict.counterexamples).toEqual([]);
    expect(verdict.contract?.reason).toMatch(/did not reproduce.*postcondition holds/);
  });

  it('reads icontract decorators and JSDoc tags from the code', async () => {
    const python = [
      'from icontract import ensure, require',
      '',
      '@require(lambda lo, hi: lo <= hi)',
      '@ensure(lambda result, lo: result >= lo)',
      'def clamp(x: int, lo: int, hi: int) -> int:',
      '    return min(x, hi)',
    ].join('\n');
    const verdict = await verifier.verify(candidate(python), { ...clampTask, contract: undefined });
    expect(verdict.status).toBe('fail');
    expect(verdict.contract?.counterexample?.violates).toBe('post: result >= lo');

    const ts = [
      '/**',
      ' * @pre lo <= hi',
      ' * @post result >= lo && result <= hi',
      ' */',
      'export function clamp(x: number, lo: number, hi: number): number {',
      '  return Math.min(Math.max(x, lo), hi);',
      '}',
    ].join('\n');
    const tsVerdict = await verifier.verify(candidate(ts), {
      ...clampTask,
      language: 'typescript',
      contract: undefined,
    });
    expect(tsVerdict.status).toBe('pass');
  });

  it('verifyContract gives the DESIGN.md contract object', async () => {
    const outcome = await verifyContract({ task: clampTask, code: BUGGY, sandbox, solver });
    expect(Object.keys(outcome).sort()).toEqual(['bounded', 'counterexample', 'status']);
    expect(outcome.status).toBe('counterexample');
    expect(Object.keys(outcome.counterexample!).sort()).toEqual(['input', 'output', 'violates']);
  });
});
