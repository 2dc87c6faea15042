/**
 * Examples read off a task's tests: a Python `assert f(1, "a") == 2` line (or the
 * TypeScript `assert.strictEqual(f(1, "a"), 2)` / `console.assert(f(1) === 2)` forms) on
 * literal arguments is an input/output pair the synthesizer can use. Lines of any other
 * shape are left to the tests verifier.
 */
import type { Example, Task } from '../../src/core/index.js';

export function examplesFromTests(task: Task): Example[] {
  if (!task.tests) return [];
  const name = task.entryPoint.replace(/[$]/g, '\\$');
  const shapes = [
    new RegExp(`^\\s*assert\\s+\\(?\\s*${name}\\((.*)\\)\\s*==\\s*(.+?)\\s*\\)?\\s*$`),
    new RegExp(
      `^\\s*assert(?:\\.strictEqual|\\.deepStrictEqual|\\.equal)?\\(\\s*${name}\\((.*)\\)\\s*,\\s*(.+?)\\s*\\);?\\s*$`,
    ),
    new RegExp(`^\\s*console\\.assert\\(\\s*${name}\\((.*)\\)\\s*===?\\s*(.+?)\\s*\\);?\\s*$`),
  ];
  const examples: Example[] = [];
  for (const line of task.tests.split('\n')) {
    for (const shape of shapes) {
      const match = shape.exec(line);
      if (!match) continue;
      const input = literal(`[${match[1]}]`);
      const output = literal(match[2]!);
      if (Array.isArray(input) && output !== undefined) examples.push({ input, output });
      break;
    }
  }
  return examples;
}

/** A Python or JavaScript literal (numbers, strings, booleans, lists), else undefined. */
function literal(text: string): unknown {
  let position = 0;
  const source = text.trim();
  const skip = () => {
    while (position < source.length && /\s/.test(source[position]!)) position++;
  };
  const value = (): unknown => {
    skip();
    const c = source[position];
    if (c === '[') {
      position++;
      const items: unknown[] = [];
      skip();
      while (source[position] !== ']') {
        const item = value();
        if (item === undefined) return undefined;
        items.push(item);
        skip();
        if (source[position] === ',') position++;
        else if (source[position] !== ']') return undefined;
        skip();
      }
      position++;
      return items;
    }
    if (c === '"' || c === "'") {
      let out = '';
      position++;
      while (position < source.length && source[position] !== c) {
        if (source[position] === '\\') {
          const escaped = source[position + 1];
          out += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : (escaped ?? '');
          position += 2;
        } else out += source[position++];
      }
      if (source[position] !== c) return undefined;
      position++;
      return out;
    }
    const word = /^(-?\d+|True|False|true|false)(?![\w.])/.exec(source.slice(position));
    if (!word) return undefined;
    position += word[0].length;
    if (word[0] === 'True' || word[0] === 'true') return true;
    if (word[0] === 'False' || word[0] === 'false') return false;
    return Number(word[0]);
  };
  const result = value();
  skip();
  return position === source.length ? result : undefined;
}
