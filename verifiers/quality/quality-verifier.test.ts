import { describe, expect, it } from 'vitest';
import { createQualityVerifier, type TypeScriptChecker } from './index.js';
import { candidateOf, taskFor, verifyQuality } from './test-support/snippets.js';

const CLEAN_PYTHON = `def running_max(numbers: list[int]) -> list[int]:
    """Return the running maximum of numbers."""
    result = []
    best = None
    for value in numbers:
        best = value if best is None else max(best, value)
        result.append(best)
    return result
`;

const CLEAN_TYPESCRIPT = `/** The running maximum of numbers. */
export function runningMax(numbers: number[]): number[] {
  const result: number[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const value of numbers) {
    best = Math.max(best, value);
    result.push(best);
  }
  return result;
}
`;

describe('QualityVerifier', () => {
  it('is a soft verifier of moderate cost that always applies', () => {
    const verifier = createQualityVerifier();
    expect(verifier).toMatchObject({ name: 'quality', hard: false, cost: 10 });
    expect(verifier.appliesTo(taskFor('python'))).toBe(true);
  });

  it('gives clean code a score of 1 and passes it, with metrics in details', async () => {
    const python = await verifyQuality('python', CLEAN_PYTHON);
    expect(python).toMatchObject({
      verifier: 'quality',
      status: 'pass',
      score: 1,
      diagnostics: [],
      counterexamples: [],
    });
    expect(python.details).toMatchObject({
      metrics: {
        language: 'python',
        functions: [{ name: 'running_max', cyclomaticComplexity: 3, maxNestingDepth: 1, parameterCount: 1 }],
      },
      thresholds: { cyclomaticComplexity: 10, nestingDepth: 4, functionLength: 50, parameterCount: 5 },
      findings: {},
      penalties: {},
      exemptFindings: 0,
    });
    const typescript = await verifyQuality('typescript', CLEAN_TYPESCRIPT);
    expect(typescript).toMatchObject({ status: 'pass', score: 1, diagnostics: [] });
    expect(typeof typescript.details?.typeCheckMs).toBe('number');
  });

  it('passes with warnings and fails on an error finding, lowering the score either way', async () => {
    const warned = await verifyQuality('python', 'def f(x):\n    unused = 1\n    return x\n');
    expect(warned.status).toBe('pass');
    expect(warned.score).toBe(0.9);
    expect(warned.details).toMatchObject({
      findings: { 'unused-variable': 1 },
      penalties: { 'unused-variable': 0.1 },
    });

    const failed = await verifyQuality('typescript', 'export const f = (x: number): string => x;\n');
    expect(failed.status).toBe('fail');
    expect(failed.score).toBe(0.75);
  });

  it('scores worse candidates lower', async () => {
    const clean = await verifyQuality('python', CLEAN_PYTHON);
    const messy = await verifyQuality(
      'python',
      `import os
def runningMax(list):
    result = []
    unused = 0
    for value in list:
        result.append(value)
    return result
    print(result)
`,
    );
    expect(messy.score).toBeLessThan(clean.score);
    expect(new Set(messy.diagnostics.map((d) => d.rule))).toEqual(
      new Set([
        'unused-import',
        'naming-convention',
        'shadowed-builtin',
        'unused-variable',
        'unreachable-code',
      ]),
    );
    // 1 − (0.1 import + 0.02 naming + 0.1 shadowing + 0.1 unused + 0.1 unreachable)
    expect(messy.score).toBe(0.58);
  });

  it('leaves out findings inside the prompt the candidate continues', async () => {
    const prompt =
      'import math\nfrom typing import List\n\n\ndef sumSquares(values: List[int]) -> int:\n    """Sum of squares."""\n';
    const completion = '    return sum(v * v for v in values)\n';
    const verdict = await createQualityVerifier().verify(
      candidateOf(prompt + completion),
      taskFor('python', { prompt, entryPoint: 'sumSquares' }),
    );
    // `import math` is unused, but the prompt wrote it.
    expect(verdict.diagnostics).toEqual([]);
    expect(verdict.score).toBe(1);
    expect(verdict.details?.exemptFindings).toBe(1);
  });

  it('gives the same verdict twice for the same candidate', async () => {
    const verifier = createQualityVerifier();
    const code = 'def f(list):\n    x = 1\n    return list\n';
    const first = await verifier.verify(candidateOf(code), taskFor('python'));
    const second = await verifier.verify(candidateOf(code), taskFor('python'));
    expect({ ...second, durationMs: 0 }).toEqual({ ...first, durationMs: 0 });
  });

  it('still measures code with syntax errors instead of throwing', async () => {
    const verdict = await verifyQuality('python', 'def f(x):\n    return x +\n');
    expect(['pass', 'fail']).toContain(verdict.status);
    expect(verdict.score).toBeGreaterThanOrEqual(0);
    expect(verdict.score).toBeLessThanOrEqual(1);
  });

  it('rejects unknown rules and bad thresholds with the option named', () => {
    expect(() => createQualityVerifier({ disabledRules: ['no-such-rule' as never] })).toThrow(
      /disabledRules: unknown rule "no-such-rule"/,
    );
    expect(() => createQualityVerifier({ thresholds: { nestingDepth: -1 } })).toThrow(
      /thresholds.nestingDepth/,
    );
  });

  it('stops when the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      createQualityVerifier().verify(candidateOf('x = 1\n'), taskFor('python'), {
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('QualityVerifier with a failing compiler', () => {
  it('keeps the other findings and records why type checking did not happen', async () => {
    const broken = {
      check(): never {
        throw new Error('compiler exploded');
      },
    } as unknown as TypeScriptChecker;
    const verifier = createQualityVerifier({ typeScriptChecker: broken });
    const verdict = await verifier.verify(
      candidateOf('export function f(): number {\n  const unused = 1;\n  return 2;\n}\n'),
      taskFor('typescript'),
    );
    expect(verdict.diagnostics.map((d) => d.rule)).toEqual(['unused-variable']);
    expect(verdict.details?.typeCheckError).toBe('compiler exploded');
  });
});
