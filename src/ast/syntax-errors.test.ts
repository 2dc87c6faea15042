import { describe, expect, it } from 'vitest';
import { syntaxErrors } from './syntax-errors.js';

describe('syntaxErrors', () => {
  it('accepts valid Python and TypeScript', async () => {
    expect(await syntaxErrors('def f(x):\n    return x + 1\n', 'python')).toEqual([]);
    expect(await syntaxErrors('const f = (a: number): number => a * 2;\n', 'typescript')).toEqual([]);
    expect(await syntaxErrors('const f = (a) => a * 2;\n', 'javascript')).toEqual([]);
  });

  it('locates a Python syntax error', async () => {
    const errors = await syntaxErrors('def f(x):\n    return x +\n', 'python');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.rule).toBe('syntax-error');
    expect(errors[0]!.location?.line).toBe(2);
  });

  it('reports a missing bracket in TypeScript', async () => {
    const errors = await syntaxErrors('function f(a: number {\n  return a;\n}\n', 'typescript');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.location?.line).toBe(1);
  });
});
