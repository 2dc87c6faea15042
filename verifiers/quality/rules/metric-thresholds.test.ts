import { describe, expect, it } from 'vitest';
import { findingsOf } from '../test-support/snippets.js';

/** A Python function with `n` `if`s in a row (complexity n + 1). */
function pythonBranches(n: number): string {
  const lines = ['def branches(x):', '    total = 0'];
  for (let i = 0; i < n; i++) lines.push(`    if x > ${i}:`, `        total += ${i}`);
  lines.push('    return total', '');
  return lines.join('\n');
}

function typescriptBranches(n: number): string {
  const lines = ['function branches(x: number): number {', '  let total = 0;'];
  for (let i = 0; i < n; i++) lines.push(`  if (x > ${i}) total += ${i};`);
  lines.push('  return total;', '}', '');
  return lines.join('\n');
}

describe('cyclomatic-complexity', () => {
  it('warns above the limit and errs above twice the limit (Python)', async () => {
    expect(await findingsOf('cyclomatic-complexity', 'python', pythonBranches(9))).toEqual([]);
    const warning = await findingsOf('cyclomatic-complexity', 'python', pythonBranches(10));
    expect(warning).toEqual([
      {
        rule: 'cyclomatic-complexity',
        severity: 'warning',
        message: 'function "branches" has cyclomatic complexity 11 (limit 10)',
        location: { line: 1, column: 1, endLine: 23, endColumn: 17 },
      },
    ]);
    const error = await findingsOf('cyclomatic-complexity', 'python', pythonBranches(20));
    expect(error[0]?.severity).toBe('error');
  });

  it('warns above the limit (TypeScript) and follows configured thresholds', async () => {
    expect(await findingsOf('cyclomatic-complexity', 'typescript', typescriptBranches(9))).toEqual([]);
    expect(await findingsOf('cyclomatic-complexity', 'typescript', typescriptBranches(10))).toHaveLength(1);
    const strict = { verifier: { thresholds: { cyclomaticComplexity: 3 } } };
    expect(
      await findingsOf('cyclomatic-complexity', 'typescript', typescriptBranches(3), strict),
    ).toHaveLength(1);
  });
});

describe('nesting-depth', () => {
  const python = (depth: number) => {
    const lines = ['def deep(x):'];
    for (let i = 0; i < depth; i++) lines.push(`${'    '.repeat(i + 1)}if x > ${i}:`);
    lines.push(`${'    '.repeat(depth + 1)}return x`, '    return 0', '');
    return lines.join('\n');
  };
  const typescript = (depth: number) => {
    const lines = ['function deep(x: number): number {'];
    for (let i = 0; i < depth; i++) lines.push(`for (let i${i} = 0; i${i} < x; i${i}++) {`);
    lines.push('x--;', '}'.repeat(depth), 'return x;', '}', '');
    return lines.join('\n');
  };

  it('flags blocks nested deeper than 4 (Python)', async () => {
    expect(await findingsOf('nesting-depth', 'python', python(4))).toEqual([]);
    const found = await findingsOf('nesting-depth', 'python', python(5));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'warning',
      message: 'function "deep" has blocks nested 5 deep (limit 4)',
    });
  });

  it('flags blocks nested deeper than 4 (TypeScript)', async () => {
    expect(await findingsOf('nesting-depth', 'typescript', typescript(4))).toEqual([]);
    expect(await findingsOf('nesting-depth', 'typescript', typescript(5))).toHaveLength(1);
  });
});

describe('function-length', () => {
  const python = (lines: number) =>
    `def long():\n    """Docstrings do not count.\n\n    Nor do their lines.\n    """\n${Array.from({ length: lines - 2 }, (_, i) => `    v${i} = ${i}  # comment`).join('\n')}\n    return 0\n`;
  const typescript = (lines: number) =>
    `function long(): number {\n  // comments do not count\n${Array.from({ length: lines - 3 }, (_, i) => `  console.log(${i}); // note`).join('\n')}\n  return 0;\n}\n`;

  it('counts code lines only and flags functions over 50 of them (Python)', async () => {
    expect(await findingsOf('function-length', 'python', python(50))).toEqual([]);
    const found = await findingsOf('function-length', 'python', python(51));
    expect(found[0]).toMatchObject({
      severity: 'warning',
      message: 'function "long" has 51 lines of code (limit 50)',
    });
  });

  it('flags functions over the limit (TypeScript)', async () => {
    const options = { verifier: { thresholds: { functionLength: 30 } } };
    expect(await findingsOf('function-length', 'typescript', typescript(30), options)).toEqual([]);
    const long = await findingsOf('function-length', 'typescript', typescript(31), options);
    expect(long[0]?.message).toBe('function "long" has 31 lines of code (limit 30)');
  });
});

describe('parameter-count', () => {
  it('flags more than 5 parameters, not counting self (Python)', async () => {
    expect(
      await findingsOf(
        'parameter-count',
        'python',
        'class A:\n    def m(self, a, b, c, d, e):\n        return a\n',
      ),
    ).toEqual([]);
    const found = await findingsOf('parameter-count', 'python', 'def f(a, b, c, d, e, g):\n    return a\n');
    expect(found[0]).toMatchObject({
      severity: 'warning',
      message: 'function "f" has 6 parameters (limit 5)',
    });
  });

  it('flags more than 5 parameters (TypeScript) but not on the entry point the task dictates', async () => {
    const code =
      'function f(a: number, b = 1, c?: number, d = 2, e = 3, ...g: number[]): number { return a; }\n';
    expect(await findingsOf('parameter-count', 'typescript', code)).toHaveLength(1);
    expect(await findingsOf('parameter-count', 'typescript', code, { task: { entryPoint: 'f' } })).toEqual(
      [],
    );
    expect(
      await findingsOf('parameter-count', 'typescript', 'const f = (a: number, b: number) => a + b;\n'),
    ).toEqual([]);
  });
});
