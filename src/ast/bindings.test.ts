import { describe, expect, it } from 'vitest';
import { moduleBindingsOf } from './bindings.js';
import { withTree } from './parser.js';

function topLevel(code: string, language: 'python' | 'typescript' | 'javascript'): Promise<string[]> {
  return withTree(code, language, (tree) => [...moduleBindingsOf(tree, language).keys()]);
}

describe('moduleBindingsOf', () => {
  it('collects Python definitions, assignments, imports and names bound in top-level blocks', async () => {
    const code = `import os.path, numpy as np
from typing import List as L
x, (y, *rest) = 1, (2, 3)
def f():
    hidden = 1
class C:
    attribute = 2
if True:
    for item in []:
        pass
    with open("f") as handle:
        pass
`;
    expect(await topLevel(code, 'python')).toEqual([
      'os',
      'np',
      'L',
      'x',
      'y',
      'rest',
      'f',
      'C',
      'item',
      'handle',
    ]);
  });

  it('collects TypeScript declarations, patterns and imports but not function locals', async () => {
    const code = `import def, { a as b } from 'm';
import * as ns from 'n';
export const { p, q: [r] } = obj;
export function g() { const hidden = 1; }
class K { field = 1; }
enum Color { Red }
let s = 1, t = () => 2;
`;
    expect(await topLevel(code, 'typescript')).toEqual([
      'def',
      'b',
      'ns',
      'p',
      'r',
      'g',
      'K',
      'Color',
      's',
      't',
    ]);
  });

  it('treats a sloppy-mode JavaScript assignment to a name as a global', async () => {
    expect(await topLevel('helper = function () {};\nobj.prop = 1;\n', 'javascript')).toEqual(['helper']);
  });
});
