import { describe, expect, it } from 'vitest';
import { extractFunctions } from './functions.js';

const PYTHON = `import math

def clamp(x: int, lo: int = 0, *rest, hi: int = 10, **options) -> int:
    """Limit x to [lo, hi].

    Values below lo become lo.
    """
    return max(lo, min(x, hi))


async def fetch(url):
    return url


square = lambda n, k=2: n ** k


class Stack(Base):
    """A stack."""

    @property
    def size(self) -> int:
        return len(self.items)

    def push(self, /, item, *, check=False):
        def validate(value):
            return value is not None
        yield validate(item)
`;

const TYPESCRIPT = `/**
 * Adds two numbers.
 * @param a the first
 */
export function add(a: number, b = 1, ...more: number[]): number {
  return a + b;
}

// A plain comment is not JSDoc.
const twice = async (value: string, times?: number): Promise<string> => {
  return value.repeat(times ?? 2);
};

let negate = function (x) { return -x; };
const id = x => x;

class Counter<T> {
  /** Increments. */
  increment(this: Counter<T>, step: number): void {
    [1, 2].forEach((n) => n);
  }

  reset = (to: number) => to;

  static *ids() {}
}
`;

describe('extractFunctions (Python)', () => {
  it('finds defs, async defs, named lambdas, methods and nested functions in order', async () => {
    const functions = await extractFunctions(PYTHON, 'python');
    expect(functions.map((f) => [f.name, f.kind, f.className, f.parentFunction])).toEqual([
      ['clamp', 'function', undefined, undefined],
      ['fetch', 'function', undefined, undefined],
      ['square', 'lambda', undefined, undefined],
      ['size', 'method', 'Stack', undefined],
      ['push', 'method', 'Stack', undefined],
      ['validate', 'function', 'Stack', 'push'],
    ]);
  });

  it('reads parameters with annotations, defaults and splats', async () => {
    const [clamp] = await extractFunctions(PYTHON, 'python');
    expect(clamp!.parameters).toEqual([
      { name: 'x', kind: 'regular', optional: false, type: 'int' },
      { name: 'lo', kind: 'regular', optional: true, type: 'int', defaultValue: '0' },
      { name: 'rest', kind: 'rest', optional: true },
      { name: 'hi', kind: 'regular', optional: true, type: 'int', defaultValue: '10' },
      { name: 'options', kind: 'keywords', optional: true },
    ]);
    expect(clamp!.returnType).toBe('int');
    expect(clamp!.docstring).toBe('Limit x to [lo, hi].\n\nValues below lo become lo.');
    expect(clamp!.range).toEqual({ line: 3, column: 1, endLine: 8, endColumn: 31 });
    expect(clamp!.bodyRange.line).toBe(4);
  });

  it('skips the / and * separators and tells async and generator functions apart', async () => {
    const functions = await extractFunctions(PYTHON, 'python');
    const byName = new Map(functions.map((f) => [f.name, f]));
    expect(byName.get('push')!.parameters.map((p) => p.name)).toEqual(['self', 'item', 'check']);
    expect(byName.get('push')!.isGenerator).toBe(true);
    expect(byName.get('validate')!.isGenerator).toBe(false);
    expect(byName.get('fetch')!.isAsync).toBe(true);
    expect(byName.get('clamp')!.isAsync).toBe(false);
    // A decorated method's range starts at its decorator.
    expect(byName.get('size')!.range.line).toBe(21);
    expect(byName.get('size')!.docstring).toBeUndefined();
    expect(byName.get('square')!.parameters).toEqual([
      { name: 'n', kind: 'regular', optional: false },
      { name: 'k', kind: 'regular', optional: true, defaultValue: '2' },
    ]);
  });
});

describe('extractFunctions (TypeScript)', () => {
  it('finds declarations, assigned arrows and function expressions, methods and fields', async () => {
    const functions = await extractFunctions(TYPESCRIPT, 'typescript');
    expect(functions.map((f) => [f.name, f.kind, f.className])).toEqual([
      ['add', 'function', undefined],
      ['twice', 'arrow', undefined],
      ['negate', 'function-expression', undefined],
      ['id', 'arrow', undefined],
      ['increment', 'method', 'Counter'],
      ['reset', 'arrow', 'Counter'],
      ['ids', 'method', 'Counter'],
    ]);
  });

  it('reads parameters, return types and JSDoc without comment markers', async () => {
    const functions = await extractFunctions(TYPESCRIPT, 'typescript');
    const byName = new Map(functions.map((f) => [f.name, f]));
    const add = byName.get('add')!;
    expect(add.parameters).toEqual([
      { name: 'a', kind: 'regular', optional: false, type: 'number' },
      { name: 'b', kind: 'regular', optional: true, defaultValue: '1' },
      { name: 'more', kind: 'rest', optional: true, type: 'number[]' },
    ]);
    expect(add.returnType).toBe('number');
    expect(add.docstring).toBe('Adds two numbers.\n@param a the first');
    expect(add.range).toEqual({ line: 5, column: 8, endLine: 7, endColumn: 2 });

    const twice = byName.get('twice')!;
    expect(twice.isAsync).toBe(true);
    expect(twice.returnType).toBe('Promise<string>');
    expect(twice.parameters[1]).toEqual({ name: 'times', kind: 'regular', optional: true, type: 'number' });
    expect(twice.docstring).toBeUndefined();
    expect(twice.range.line).toBe(10);

    // `this:` annotates the receiver; it is not a parameter.
    expect(byName.get('increment')!.parameters.map((p) => p.name)).toEqual(['step']);
    expect(byName.get('increment')!.docstring).toBe('Increments.');
    expect(byName.get('id')!.parameters).toEqual([{ name: 'x', kind: 'regular', optional: false }]);
    expect(byName.get('id')!.bodyRange).toEqual({ line: 15, column: 17, endLine: 15, endColumn: 18 });
    expect(byName.get('ids')!.isGenerator).toBe(true);
  });
});

describe('extractFunctions (JavaScript)', () => {
  it('reads default and rest parameters from the JavaScript grammar', async () => {
    const code = `/** Sums. */\nfunction sum(first, second = 0, ...others) {\n  return first + second;\n}\nclass A { run = (job) => job; }\n`;
    const [sum, run] = await extractFunctions(code, 'javascript');
    expect(sum!.docstring).toBe('Sums.');
    expect(sum!.parameters).toEqual([
      { name: 'first', kind: 'regular', optional: false },
      { name: 'second', kind: 'regular', optional: true, defaultValue: '0' },
      { name: 'others', kind: 'rest', optional: true },
    ]);
    expect(run).toMatchObject({ name: 'run', kind: 'arrow', className: 'A' });
  });

  it('returns nothing for a source without named functions', async () => {
    expect(await extractFunctions('[1, 2].map((x) => x * 2);\n', 'javascript')).toEqual([]);
  });
});
