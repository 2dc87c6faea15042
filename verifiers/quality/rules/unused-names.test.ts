import { describe, expect, it } from 'vitest';
import { findingsOf } from '../test-support/snippets.js';

describe('unused-variable (Python)', () => {
  it('flags a local assigned and never read, with its location', async () => {
    const code = 'def f(items):\n    count = len(items)\n    return items\n';
    expect(await findingsOf('unused-variable', 'python', code)).toEqual([
      {
        rule: 'unused-variable',
        severity: 'warning',
        message: 'local variable "count" is never used',
        location: { line: 2, column: 5, endLine: 2, endColumn: 10 },
      },
    ]);
  });

  it('accepts locals read later, in a closure, in an f-string or through global', async () => {
    const code = `counter = 0

def f(items):
    total = 0
    for item in items:
        total += item
    scale = 2
    def inner():
        return scale
    label = "x"
    global counter
    counter = 1
    return f"{label}", total, inner()
`;
    expect(await findingsOf('unused-variable', 'python', code)).toEqual([]);
  });

  it('flags unused nested functions and caught exceptions, skips _names, loops and module level', async () => {
    const code = `unused_at_module_level = 1

def f(items):
    _ignored = 1
    for index in range(3):
        pass
    def helper():
        return 1
    try:
        return items[0]
    except IndexError as error:
        return None
`;
    const found = await findingsOf('unused-variable', 'python', code);
    expect(found.map((d) => d.message)).toEqual([
      'local function "helper" is never used',
      'caught exception "error" is never used',
    ]);
  });

  it('counts destructured names, as TypeScript does', async () => {
    const code = 'def f(x, y):\n    quotient, remainder = divmod(x, y)\n    return quotient\n';
    expect((await findingsOf('unused-variable', 'python', code)).map((d) => d.message)).toEqual([
      'local variable "remainder" is never used',
    ]);
  });

  it('trusts locals() to read every variable', async () => {
    const code = 'def f(name):\n    greeting = "hi"\n    return "{greeting} {name}".format(**locals())\n';
    expect(await findingsOf('unused-variable', 'python', code)).toEqual([]);
  });
});

describe('unused-variable (TypeScript)', () => {
  it('flags an unused const and an unused catch binding', async () => {
    const code = `function f(values: number[]): number {
  const doubled = values.map((v) => v * 2);
  try {
    return values[0]!;
  } catch (error) {
    return 0;
  }
}
`;
    const found = await findingsOf('unused-variable', 'typescript', code);
    expect(found.map((d) => [d.message, d.location?.line])).toEqual([
      ['local variable "doubled" is never used', 2],
      ['caught exception "error" is never used', 5],
    ]);
  });

  it('accepts variables read in closures, shorthand properties and after reassignment', async () => {
    const code = `function f(values: number[]) {
  let best = 0;
  best = Math.max(...values);
  const label = 'max';
  const pick = () => best;
  return { label, value: pick() };
}
`;
    expect(await findingsOf('unused-variable', 'typescript', code)).toEqual([]);
  });

  it('counts a variable only written to as unused', async () => {
    const code = 'function f(): number {\n  let seen = 0;\n  seen = 1;\n  return 2;\n}\n';
    expect((await findingsOf('unused-variable', 'typescript', code)).map((d) => d.message)).toEqual([
      'local variable "seen" is never used',
    ]);
  });
});

describe('unused-import', () => {
  it('flags an unused Python import and accepts one used in an annotation or __all__', async () => {
    const code = `import os
import collections.abc
from typing import List, Dict as Mapping
from helpers import exported

__all__ = ["exported"]

def f(values: List[int]) -> int:
    return len(collections.abc.__name__) + len(values)
`;
    const found = await findingsOf('unused-import', 'python', code);
    expect(found.map((d) => [d.message, d.location?.line])).toEqual([
      ['"os" is imported but never used', 1],
      ['"Mapping" is imported but never used', 3],
    ]);
  });

  it('flags unused TypeScript imports and accepts names used as types or re-exported', async () => {
    const code = `import fs from 'node:fs';
import * as path from 'node:path';
import { type Stats, readFileSync as read, unused } from 'node:fs';
const os = require('node:os');

export { path };
export function size(file: string): Stats | number {
  return read(file).length;
}
`;
    const found = await findingsOf('unused-import', 'typescript', code, {
      verifier: { disabledRules: ['type-error'] },
    });
    expect(found.map((d) => d.message)).toEqual([
      '"fs" is imported but never used',
      '"unused" is imported but never used',
      '"os" is imported but never used',
    ]);
  });

  it('reports nothing when every import is used', async () => {
    expect(await findingsOf('unused-import', 'python', 'import math\nprint(math.pi)\n')).toEqual([]);
    expect(
      await findingsOf(
        'unused-import',
        'javascript',
        "import { join } from 'node:path';\nconsole.log(join('a'));\n",
      ),
    ).toEqual([]);
  });
});
