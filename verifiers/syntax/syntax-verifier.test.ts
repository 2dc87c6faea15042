import { describe, expect, it } from 'vitest';
import type { Candidate, Language, Task } from '../../src/core/index.js';
import { createSyntaxVerifier } from './index.js';

function taskFor(language: Language, entryPoint: string): Task {
  return { id: 't', language, prompt: '', entryPoint };
}

function candidate(code: string): Candidate {
  return { id: 'c', taskId: 't', code, origin: { agent: 'test', mode: 'neural', repairRound: 0 } };
}

describe('SyntaxVerifier', () => {
  const verifier = createSyntaxVerifier();

  it('is a cheap hard verifier that always applies', () => {
    expect(verifier.name).toBe('syntax');
    expect(verifier.hard).toBe(true);
    expect(verifier.cost).toBe(1);
    expect(verifier.appliesTo(taskFor('python', 'f'))).toBe(true);
  });

  it('passes valid code that defines the entry point', async () => {
    const python = await verifier.verify(
      candidate('def add(a, b):\n    return a + b\n'),
      taskFor('python', 'add'),
    );
    expect(python).toMatchObject({ verifier: 'syntax', status: 'pass', score: 1, diagnostics: [] });
    expect(python.details).toMatchObject({
      syntaxErrors: 0,
      entryPointDefined: true,
      topLevelNames: ['add'],
    });

    const typescript = await verifier.verify(
      candidate('export const add = (a: number, b: number): number => a + b;\n'),
      taskFor('typescript', 'add'),
    );
    expect(typescript.status).toBe('pass');
    const javascript = await verifier.verify(
      candidate('function add(a, b) { return a + b; }\n'),
      taskFor('javascript', 'add'),
    );
    expect(javascript.status).toBe('pass');
  });

  it('fails a syntax error with its location', async () => {
    const verdict = await verifier.verify(
      candidate('def add(a, b):\n    return a +\n'),
      taskFor('python', 'add'),
    );
    expect(verdict.status).toBe('fail');
    expect(verdict.score).toBe(0);
    expect(verdict.diagnostics[0]).toMatchObject({
      rule: 'syntax-error',
      severity: 'error',
      location: { line: 2 },
    });

    const ts = await verifier.verify(
      candidate('function add(a: number {\n  return a;\n}\n'),
      taskFor('typescript', 'add'),
    );
    expect(ts.status).toBe('fail');
    expect(ts.diagnostics.some((d) => d.rule === 'syntax-error')).toBe(true);
  });

  it('fails when the entry point is missing and names what is defined', async () => {
    const verdict = await verifier.verify(
      candidate('def plus(a, b):\n    return a + b\n'),
      taskFor('python', 'add'),
    );
    expect(verdict.status).toBe('fail');
    expect(verdict.diagnostics).toEqual([
      {
        message: 'entry point "add" is not defined at the top level of the candidate (top-level names: plus)',
        severity: 'error',
        rule: 'missing-entry-point',
      },
    ]);
  });

  it('tells a method or nested function from a top-level definition', async () => {
    const code = 'class Solution:\n    def add(self, a, b):\n        return a + b\n';
    const verdict = await verifier.verify(candidate(code), taskFor('python', 'add'));
    expect(verdict.diagnostics[0]).toMatchObject({
      rule: 'missing-entry-point',
      message: 'entry point "add" is defined only inside "Solution"; the tests call it at the top level',
      location: { line: 2, column: 5 },
    });
  });

  it('accepts entry points bound by assignment, import or inside a top-level block', async () => {
    const cases: Array<[Language, string]> = [
      ['python', 'import math\nadd = lambda a, b: a + b\n'],
      ['python', 'from operator import add\n'],
      [
        'python',
        'try:\n    from fast import add\nexcept ImportError:\n    def add(a, b):\n        return a + b\n',
      ],
      ['typescript', 'import { add } from "./lib";\n'],
      ['typescript', 'export function add(a: number, b: number) { return a + b; }\n'],
      ['javascript', 'const { add } = require("./lib");\n'],
      ['javascript', 'var add = function (a, b) { return a + b; };\n'],
    ];
    for (const [language, code] of cases) {
      const verdict = await verifier.verify(candidate(code), taskFor(language, 'add'));
      expect(verdict.status, `${language}: ${code}`).toBe('pass');
    }
  });

  it('does not mistake a local variable for a top-level definition', async () => {
    const code = 'function outer() {\n  const add = (a, b) => a + b;\n  return add;\n}\n';
    const verdict = await verifier.verify(candidate(code), taskFor('javascript', 'add'));
    expect(verdict.status).toBe('fail');
    expect(verdict.diagnostics[0]?.rule).toBe('missing-entry-point');
  });

  it('skips the entry-point check when told to', async () => {
    const lenient = createSyntaxVerifier({ requireEntryPoint: false });
    const verdict = await lenient.verify(candidate('x = 1\n'), taskFor('python', 'add'));
    expect(verdict.status).toBe('pass');
    expect(verdict.details).not.toHaveProperty('entryPointDefined');
  });

  it('stops when the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      verifier.verify(candidate('x = 1\n'), taskFor('python', 'x'), { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
