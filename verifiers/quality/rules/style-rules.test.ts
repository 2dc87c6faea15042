import { describe, expect, it } from 'vitest';
import { findingsOf } from '../test-support/snippets.js';

describe('shadowed-builtin', () => {
  it('flags Python locals, parameters and loop variables that hide builtins', async () => {
    const code =
      'def f(str):\n    list = []\n    for id in range(3):\n        list.append(id)\n    return list\n';
    const found = await findingsOf('shadowed-builtin', 'python', code);
    expect(found.map((d) => [d.message, d.location?.line])).toEqual([
      ['parameter "str" shadows the builtin of the same name', 1],
      ['variable "list" shadows the builtin of the same name', 2],
      ['loop variable "id" shadows the builtin of the same name', 3],
    ]);
  });

  it('leaves Python class members and dictated names alone', async () => {
    const code =
      'class Store:\n    type = "kv"\n    def list(self):\n        return []\n\ndef count(input):\n    return input\n';
    const options = { task: { signature: { params: [{ name: 'input', type: 'str' }], returns: 'str' } } };
    expect(await findingsOf('shadowed-builtin', 'python', code, options)).toEqual([]);
  });

  it('flags TypeScript bindings that hide globals, but not browser-only names', async () => {
    const code =
      'function f(String: string, name: string) {\n  const Map = new Set<string>();\n  return [String, name, Map];\n}\n';
    const found = await findingsOf('shadowed-builtin', 'typescript', code);
    expect(found.map((d) => d.message)).toEqual([
      'parameter "String" shadows the builtin of the same name',
      'variable "Map" shadows the builtin of the same name',
    ]);
    expect(
      await findingsOf(
        'shadowed-builtin',
        'typescript',
        'const total = (values: number[]) => values.length;\n',
      ),
    ).toEqual([]);
  });
});

describe('unreachable-code', () => {
  it('flags Python statements after return, raise, break and continue', async () => {
    const code = `def f(values):
    for v in values:
        if v:
            continue
            print(v)
    return 1
    x = 2
    print(x)
`;
    const found = await findingsOf('unreachable-code', 'python', code);
    expect(found).toEqual([
      {
        rule: 'unreachable-code',
        severity: 'warning',
        message: 'unreachable code: 1 statement after "continue" will never run',
        location: { line: 5, column: 13, endLine: 5, endColumn: 21 },
      },
      {
        rule: 'unreachable-code',
        severity: 'warning',
        message: 'unreachable code: 2 statements after "return 1" will never run',
        location: { line: 7, column: 5, endLine: 8, endColumn: 13 },
      },
    ]);
  });

  it('accepts Python code whose jumps end their blocks', async () => {
    const code = 'def f(x):\n    if x:\n        return 1\n    # a comment after is fine\n    return 0\n';
    expect(await findingsOf('unreachable-code', 'python', code)).toEqual([]);
  });

  it('flags TypeScript statements after throw and break in a case, but not hoisted functions', async () => {
    const code = `function f(x: number): number {
  switch (x) {
    case 1:
      break;
      x++;
    default:
      x--;
  }
  if (x < 0) {
    throw new Error('negative');
    console.log(x);
  }
  return helper(x);
  function helper(y: number) {
    return y;
  }
}
`;
    const found = await findingsOf('unreachable-code', 'typescript', code);
    expect(found.map((d) => [d.message, d.location?.line])).toEqual([
      ['unreachable code: 1 statement after "break;" will never run', 5],
      ['unreachable code: 1 statement after "throw new Error(\'negative\');" will never run', 11],
    ]);
  });
});

describe('duplicate-block', () => {
  it('flags a repeated Python loop once, pointing at the original', async () => {
    const code = `def balance(a, b):
    depth = 0
    for char in a + b:
        depth += 1 if char == "(" else -1
        if depth < 0:
            return False
    depth = 0
    for char in a + b:
        depth += 1 if char == "(" else -1
        if depth < 0:
            return False
    return True
`;
    const found = await findingsOf('duplicate-block', 'python', code);
    expect(found).toEqual([
      {
        rule: 'duplicate-block',
        severity: 'warning',
        message: 'these statements repeat lines 2-6; a shared helper or loop would say it once',
        location: { line: 7, column: 5, endLine: 11, endColumn: 25 },
      },
    ]);
  });

  it('ignores similar but different Python code and short repeats', async () => {
    const code = `def f(a, b):
    total = 0
    for x in a:
        total += x * 2
    for y in b:
        total -= y * 3
    a.sort()
    b.sort()
    a.sort()
    return total
`;
    expect(await findingsOf('duplicate-block', 'python', code)).toEqual([]);
  });

  it('flags repeated TypeScript statements and ignores comments and layout', async () => {
    const code = `function f(values: number[]): number {
  let best = values[0] ?? 0;
  for (const value of values) { if (value > best && value !== 0) { best = value; } }
  const first = best;
  // again, formatted differently
  for (const value of values) {
    if (value > best && value !== 0) {
      best = value;
    }
  }
  return first + best;
}
`;
    const found = await findingsOf('duplicate-block', 'typescript', code);
    expect(found.map((d) => [d.message, d.location?.line, d.location?.endLine])).toEqual([
      ['these statements repeat line 3; a shared helper or loop would say it once', 6, 10],
    ]);
    expect(
      await findingsOf('duplicate-block', 'typescript', 'const a = [1, 2, 3].map((x) => x + 1);\n'),
    ).toEqual([]);
  });
});

describe('naming-convention', () => {
  it('flags Python names against PEP 8', async () => {
    const code = `class my_class:
    def getValue(self):
        myValue = 1
        return myValue

def ok_function(count, MAX_SIZE=3):
    result_list = [count, MAX_SIZE]
    return result_list

TypeAlias = int
`;
    const found = await findingsOf('naming-convention', 'python', code);
    expect(found.map((d) => [d.severity, d.message])).toEqual([
      ['info', 'class "my_class" should be PascalCase'],
      ['info', 'function "getValue" should be snake_case'],
      ['info', 'variable "myValue" should be snake_case or UPPER_CASE'],
    ]);
  });

  it('flags TypeScript names and spares the dictated entry point', async () => {
    const code = `const has_close_elements = (numbers: number[]): boolean => {
  const max_gap = 1;
  const MAX_ITEMS = 10;
  return numbers.length < MAX_ITEMS + max_gap;
};
function get_value(): number { return 1; }
class point {}
interface Shape {}
const Component = () => 1;
`;
    const found = await findingsOf('naming-convention', 'typescript', code, {
      task: { entryPoint: 'has_close_elements' },
      verifier: { disabledRules: ['type-error'] },
    });
    expect(found.map((d) => d.message)).toEqual([
      'variable "max_gap" should be camelCase, PascalCase or UPPER_CASE',
      'function "get_value" should be camelCase or PascalCase',
      'class "point" should be PascalCase',
    ]);
  });
});
