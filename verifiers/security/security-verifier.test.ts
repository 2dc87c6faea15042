import { describe, expect, it } from 'vitest';
import type { Candidate, Task } from '../../src/core/index.js';
import { securityRisk } from './risk.js';
import { type SecurityVerdictDetails, SecurityVerifier } from './security-verifier.js';

const task: Task = { id: 't', language: 'python', prompt: 'run a command', entryPoint: 'run' };
const candidate = (code: string): Candidate => ({
  id: 'c',
  taskId: 't',
  code,
  origin: { agent: 'test', mode: 'neural', repairRound: 0 },
});

describe('SecurityVerifier', () => {
  it('passes clean code with score 1', async () => {
    const verdict = await new SecurityVerifier().verify(
      candidate('def run(xs):\n    return sorted(xs)\n'),
      task,
    );
    expect(verdict).toMatchObject({ verifier: 'security', status: 'pass', score: 1, diagnostics: [] });
    expect(verdict.details).toEqual({ risk: 0, findings: [] });
  });

  it('fails on a high finding, with the rule, CWE, location and fix in the diagnostic', async () => {
    const code = 'import os\n\ndef run(name):\n    os.system("echo " + name)\n';
    const verdict = await new SecurityVerifier().verify(candidate(code), task);
    expect(verdict.status).toBe('fail');
    expect(verdict.score).toBeCloseTo(0.5);
    const details = verdict.details as SecurityVerdictDetails;
    expect(details.findings).toEqual([{ rule: 'py-os-system', cwe: 'CWE-78', severity: 'high', line: 4 }]);
    const [diagnostic] = verdict.diagnostics;
    expect(diagnostic?.rule).toBe('py-os-system');
    expect(diagnostic?.location).toMatchObject({ line: 4, column: 5 });
    expect(diagnostic?.message).toContain('CWE-78');
    expect(diagnostic?.message).toContain('Fix: Use subprocess.run');
  });

  it('passes with a lowered score when findings are only low or medium', async () => {
    const verdict = await new SecurityVerifier().verify(
      candidate('import random\n\ndef run():\n    return random.random()\n'),
      task,
    );
    expect(verdict.status).toBe('pass');
    expect(verdict.score).toBeCloseTo(0.95);
  });

  it('honours disabled rules and rejects unknown ids', async () => {
    const verifier = new SecurityVerifier({ disabledRules: ['py-insecure-random'] });
    const verdict = await verifier.verify(candidate('import random\nrandom.random()\n'), task);
    expect(verdict.diagnostics).toEqual([]);
    expect(() => new SecurityVerifier({ disabledRules: ['no-such-rule'] })).toThrow(
      /unknown security rule "no-such-rule"/,
    );
  });

  it('scans TypeScript candidates with the script rules', async () => {
    const verdict = await new SecurityVerifier().verify(
      candidate('export const run = (s: string) => eval(s);'),
      {
        ...task,
        language: 'typescript',
      },
    );
    expect(verdict.diagnostics.map((diagnostic) => diagnostic.rule)).toEqual(['js-eval']);
  });
});

describe('securityRisk', () => {
  it('is a noisy-or over severities', () => {
    expect(securityRisk([])).toBe(0);
    expect(securityRisk([{ severity: 'critical' }])).toBeCloseTo(0.8);
    expect(securityRisk([{ severity: 'high' }, { severity: 'high' }])).toBeCloseTo(0.75);
    expect(securityRisk(Array.from({ length: 10 }, () => ({ severity: 'low' as const })))).toBeCloseTo(
      1 - 0.95 ** 10,
    );
  });
});
