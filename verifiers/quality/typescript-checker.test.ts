import { describe, expect, it } from 'vitest';
import { findingsOf } from './test-support/snippets.js';
import { createTypeScriptChecker } from './typescript-checker.js';

describe('TypeScriptChecker', () => {
  const checker = createTypeScriptChecker();

  it('reports type errors of the candidate with 1-based locations', () => {
    const diagnostics = checker.check('function f(x: number): string {\n  return x;\n}\n');
    expect(diagnostics).toEqual([
      {
        rule: 'type-error',
        severity: 'error',
        message: "TS2322: Type 'number' is not assignable to type 'string'.",
        location: { line: 2, column: 3, endLine: 2, endColumn: 9 },
      },
    ]);
  });

  it('knows ES2023 and the Node globals test harnesses use', () => {
    const code = `import * as assert from 'assert';
const { strictEqual } = require('node:assert');
const counts = new Map<string, number>();
const last = [3, 1, 2].toSorted?.((a, b) => a - b).at(-1) ?? Object.hasOwn({}, 'a');
console.log(counts, last, process.argv.length, structuredClone([1]));
setTimeout(() => assert.ok(true), 0);
strictEqual(1, 1);
`;
    expect(checker.check(code)).toEqual([]);
  });

  it('is strict by default and takes compiler options', () => {
    const code = 'function f(x) {\n  return x;\n}\n';
    expect(checker.check(code).map((d) => d.message)).toEqual([
      "TS7006: Parameter 'x' implicitly has an 'any' type.",
    ]);
    const lenient = createTypeScriptChecker({ compilerOptions: { noImplicitAny: false } });
    expect(lenient.check(code)).toEqual([]);
  });

  it('summarises past the diagnostic limit', () => {
    const limited = createTypeScriptChecker({ maxDiagnostics: 2 });
    const code = Array.from({ length: 5 }, (_, i) => `const v${i}: number = 'a';`).join('\n');
    const diagnostics = limited.check(code);
    expect(diagnostics).toHaveLength(3);
    expect(diagnostics[2]?.message).toBe('3 more TypeScript errors not shown');
  });

  it('checks each candidate on its own (no state leaks between checks)', () => {
    expect(checker.check('const shared = 1;\n')).toEqual([]);
    expect(checker.check('const shared = 2;\nexport {};\n')).toEqual([]);
    expect(checker.check('shared;\n').map((d) => d.message)).toEqual(["TS2304: Cannot find name 'shared'."]);
  });
});

describe('type-error rule', () => {
  it('reports type errors for TypeScript candidates', async () => {
    const found = await findingsOf('type-error', 'typescript', 'const n: number = "one";\nexport { n };\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', location: { line: 1 } });
  });

  it('reports nothing for well-typed TypeScript, JavaScript, or when disabled', async () => {
    const typed = 'export const add = (a: number, b: number): number => a + b;\n';
    expect(await findingsOf('type-error', 'typescript', typed)).toEqual([]);
    expect(await findingsOf('type-error', 'javascript', 'const n = 1; n.foo.bar;\n')).toEqual([]);
    expect(
      await findingsOf('type-error', 'typescript', 'const n: number = "one";\n', {
        verifier: { disabledRules: ['type-error'] },
      }),
    ).toEqual([]);
  });
});
