import { describe, expect, it } from 'vitest';
import type { Sample, Task } from '../../src/core/index.js';
import { braceBalance, completionPromptFor, programFromSample } from './assemble-program.js';
import { extractCode } from './extract-code.js';
import { fencedBlocks } from './fenced-blocks.js';
import { detectLanguage } from './languages.js';
import { signatureLine } from './signature.js';

const humanEvalTask: Task = {
  id: 'HumanEval/0',
  language: 'python',
  prompt:
    'from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    """ Check if any two numbers are closer than threshold.\n    >>> has_close_elements([1.0, 2.0], 0.5)\n    False\n    """\n',
  entryPoint: 'has_close_elements',
};

const clampTask: Task = {
  id: 'clamp',
  language: 'python',
  prompt: 'Return x limited to the closed range [lo, hi].',
  entryPoint: 'clamp',
  signature: {
    params: [
      { name: 'x', type: 'int' },
      { name: 'lo', type: 'int' },
      { name: 'hi', type: 'int' },
    ],
    returns: 'int',
  },
};

const jsTask: Task = {
  id: 'JavaScript/0',
  language: 'javascript',
  prompt: '/* Check closeness.\n  */\nconst hasCloseElements = (numbers, threshold) => {\n',
  entryPoint: 'hasCloseElements',
};

const tsTask: Task = {
  id: 'sum',
  language: 'typescript',
  prompt: 'Sum a list of numbers.',
  entryPoint: 'total',
  signature: { params: [{ name: 'xs', type: 'list[int]' }], returns: 'int' },
};

const message = (text: string): Sample => ({ text, format: 'message' });

describe('programFromSample: a table of tricky model outputs', () => {
  const cases: Array<{ name: string; task: Task; text: string; code: string; assembly: string }> = [
    {
      name: 'one fenced block with prose around it',
      task: clampTask,
      text: 'Sure! Here is the function:\n\n```python\ndef clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n```\n\nIt works because min and max compose.',
      code: 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n',
      assembly: 'function',
    },
    {
      name: 'several blocks: the one defining the entry point wins over a usage example before it',
      task: clampTask,
      text: 'Usage:\n```python\nprint(clamp(5, 0, 3))\n```\nImplementation:\n```python\ndef clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n```',
      code: 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n',
      assembly: 'function',
    },
    {
      name: 'a block in the task language wins over one in another language',
      task: tsTask,
      text: 'In Python:\n```python\ndef total(xs):\n    return sum(xs)\n```\nIn TypeScript:\n```ts\nfunction total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n```',
      code: 'function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n',
      assembly: 'function',
    },
    {
      name: 'code without fences between prose lines',
      task: clampTask,
      text: 'Here is my answer.\ndef clamp(x, lo, hi):\n    if x < lo:\n        return lo\n\n    return min(x, hi)\nThis handles both bounds.',
      code: 'def clamp(x, lo, hi):\n    if x < lo:\n        return lo\n\n    return min(x, hi)\n',
      assembly: 'function',
    },
    {
      name: 'a reasoning section before the answer is ignored',
      task: clampTask,
      text: '<think>Maybe ```python\ndef clamp(): pass\n``` no.</think>\n```python\ndef clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n```',
      code: 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n',
      assembly: 'function',
    },
    {
      name: 'a whole HumanEval function gets the prompt imports',
      task: humanEvalTask,
      text: '```python\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n```',
      code: 'from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n',
      assembly: 'function',
    },
    {
      name: 'a bare unindented body goes into the HumanEval prompt, indented',
      task: humanEvalTask,
      text: '```python\nfor i, a in enumerate(numbers):\n    for b in numbers[i + 1:]:\n        if abs(a - b) < threshold:\n            return True\nreturn False\n```',
      code: `${humanEvalTask.prompt}    for i, a in enumerate(numbers):\n        for b in numbers[i + 1:]:\n            if abs(a - b) < threshold:\n                return True\n    return False\n`,
      assembly: 'body',
    },
    {
      name: 'a bare body for a task with a signature gets a header from the signature',
      task: clampTask,
      text: 'return max(lo, min(x, hi))',
      code: 'def clamp(x: int, lo: int, hi: int) -> int:\n    return max(lo, min(x, hi))\n',
      assembly: 'body',
    },
    {
      name: 'a JavaScript body without its closing brace is closed',
      task: jsTask,
      text: '```js\nfor (const a of numbers) {\n  if (a > threshold) return true; // {\n}\nreturn false;\n```',
      code: `${jsTask.prompt}  for (const a of numbers) {\n    if (a > threshold) return true; // {\n  }\n  return false;\n}\n`,
      assembly: 'body',
    },
    {
      name: 'a body that binds a variable named like the function is still a body',
      task: { id: 'JavaScript/106', language: 'javascript', prompt: 'const f = (n) => {\n', entryPoint: 'f' },
      text: '```js\nlet f = 1\nfor (let i = 1; i <= n; i++) f *= i\nreturn f\n```',
      code: 'const f = (n) => {\n  let f = 1\n  for (let i = 1; i <= n; i++) f *= i\n  return f\n}\n',
      assembly: 'body',
    },
    {
      name: 'a demo main block is dropped',
      task: clampTask,
      text: '```python\ndef clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n\nif __name__ == "__main__":\n    print(clamp(int(input()), 0, 3))\n```',
      code: 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n',
      assembly: 'function',
    },
    {
      name: 'an answer in the wrong language is kept as is',
      task: clampTask,
      text: '```java\npublic static int clamp(int x, int lo, int hi) {\n  return Math.max(lo, Math.min(x, hi));\n}\n```',
      code: 'public static int clamp(int x, int lo, int hi) {\n  return Math.max(lo, Math.min(x, hi));\n}\n',
      assembly: 'as-is',
    },
    {
      name: 'an answer cut off inside its block keeps what arrived',
      task: clampTask,
      text: '```python\ndef clamp(x, lo, hi):\n    return max(lo,',
      code: 'def clamp(x, lo, hi):\n    return max(lo,\n',
      assembly: 'function',
    },
    {
      name: 'a fence indented inside a list item loses its indentation',
      task: clampTask,
      text: '1. Write it:\n   ```python\n   def clamp(x, lo, hi):\n       return max(lo, min(x, hi))\n   ```',
      code: 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n',
      assembly: 'function',
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const program = programFromSample(message(testCase.text), testCase.task);
      expect(program.code).toBe(testCase.code);
      expect(program.assembly).toBe(testCase.assembly);
    });
  }

  it('flags the wrong language and a truncated block', () => {
    expect(extractCode('```java\npublic static int f() { return 1; }\n```', clampTask)).toMatchObject({
      language: 'other',
      languageMismatch: true,
    });
    expect(
      extractCode('```js\nfunction clamp(x, lo, hi) { return x; }\n```', clampTask).languageMismatch,
    ).toBe(true);
    expect(extractCode('```js\nfunction total(xs) { return 0; }\n```', tsTask).languageMismatch).toBe(false);
    expect(extractCode('```python\ndef clamp(', clampTask).truncated).toBe(true);
  });

  it('continues the prompt exactly for completions, and takes programs as they are', () => {
    const completion = '    return False  \n\n\n';
    expect(programFromSample({ text: completion, format: 'completion' }, humanEvalTask)).toEqual({
      code: humanEvalTask.prompt + completion,
      assembly: 'completion',
    });
    expect(programFromSample({ text: 'x = 1', format: 'program' }, clampTask).code).toBe('x = 1');
    expect(completionPromptFor(clampTask)).toBe(
      'def clamp(x: int, lo: int, hi: int) -> int:\n    """Return x limited to the closed range [lo, hi].\n    """\n',
    );
  });
});

describe('helpers', () => {
  it('finds fenced blocks with tags, tildes and longer fences', () => {
    expect(fencedBlocks('a\n~~~py\nx = 1\n~~~\n````ts\nconst s = "```";\n````')).toEqual([
      { tag: 'py', code: 'x = 1', closed: true },
      { tag: 'ts', code: 'const s = "```";', closed: true },
    ]);
  });

  it('tells languages apart by their look', () => {
    expect(detectLanguage('def f(x):\n    return None')).toBe('python');
    expect(detectLanguage('const f = (x) => x + 1;')).toBe('javascript');
    expect(detectLanguage('function f(x: number): number {\n  return x;\n}')).toBe('typescript');
    expect(detectLanguage('#include <stdio.h>\nint main() { return 0; }')).toBe('other');
    expect(detectLanguage('The answer is 42')).toBeUndefined();
  });

  it('counts braces outside strings and comments', () => {
    expect(braceBalance('function f() { const s = "{"; /* { */ // {\n')).toBe(1);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text under test is JavaScript with a template literal
    expect(braceBalance('const t = `a${1}b`; {}')).toBe(0);
  });

  it('writes signatures in the task language', () => {
    const signature = {
      params: [
        { name: 'm', type: 'dict[str, list[int]]' },
        { name: 'p', type: 'tuple[int, str]' },
      ],
      returns: 'list[tuple[int, ...]]',
    };
    expect(signatureLine('f', signature, 'python')).toBe(
      'def f(m: dict[str, list[int]], p: tuple[int, str]) -> list[tuple[int, ...]]',
    );
    expect(signatureLine('f', signature, 'typescript')).toBe(
      'function f(m: Record<string, number[]>, p: [number, string]): Array<number[]>',
    );
    expect(signatureLine('f', { params: [{ name: 'x', type: 'bool' }], returns: 'None' }, 'javascript')).toBe(
      '/**\n * @param {boolean} x\n * @returns {null}\n */\nfunction f(x)',
    );
  });
});
