/**
 * A synthesized program as source: a SyGuS `define-fun`, and Python and TypeScript
 * functions for the task's signature. Operations whose edge cases differ from the host
 * language's (out-of-range substrings, negative numbers to strings, ...) go through small
 * helpers that reproduce SMT-LIB's meaning, emitted only when the program uses them.
 */
import { operatorsUsed, type Program, type Sort, type Value } from './language.js';

export interface Rendering {
  sygus: string;
  python: string;
  typescript: string;
}

export interface RenderInput {
  program: Program;
  name: string;
  params: { name: string; sort: Sort }[];
  returns: Sort;
  /** The synth-fun's own names (SyGuS), when they differ from the Python-safe ones. */
  sygusName?: string;
  sygusParams?: string[];
}

export function renderAll(input: RenderInput): Rendering {
  return { sygus: renderSygus(input), python: renderPython(input), typescript: renderTypeScript(input) };
}

// ---------------------------------------------------------------------------------------
// SyGuS

function smtString(value: string): string {
  let body = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') body += '""';
    else if (code >= 32 && code < 127 && char !== '\\') body += char;
    else body += `\\u{${code.toString(16)}}`;
  }
  return `"${body}"`;
}

function smtValue(value: Value): string {
  if (typeof value === 'string') return smtString(value);
  if (typeof value === 'number') return value < 0 ? `(- ${-value})` : String(value);
  if (typeof value === 'boolean') return String(value);
  throw new Error('lists have no SyGuS literal');
}

export function sygusTerm(program: Program, names?: readonly string[]): string {
  switch (program.kind) {
    case 'var':
      return names?.[program.index] ?? program.name;
    case 'const':
      return smtValue(program.value);
    case 'call':
      return `(${program.op} ${program.args.map((arg) => sygusTerm(arg, names)).join(' ')})`;
  }
}

export function renderSygus(input: RenderInput): string {
  const names = input.sygusParams ?? input.params.map((param) => param.name);
  const params = input.params.map((param, i) => `(${names[i]} ${param.sort})`).join(' ');
  return `(define-fun ${input.sygusName ?? input.name} (${params}) ${input.returns} ${sygusTerm(input.program, names)})`;
}

// ---------------------------------------------------------------------------------------
// Python and TypeScript

interface Text {
  text: string;
  /** Binding strength: higher binds tighter. */
  prec: number;
}

const ATOM = 100;
const wrap = (child: Text, least: number): string => (child.prec >= least ? child.text : `(${child.text})`);

type Renderer = (args: Text[]) => Text;

const PYTHON_TYPES: Record<Sort, string> = { Int: 'int', String: 'str', Bool: 'bool', IntList: 'list[int]' };
const TS_TYPES: Record<Sort, string> = {
  Int: 'number',
  String: 'string',
  Bool: 'boolean',
  IntList: 'number[]',
};

const PYTHON_HELPERS: Record<string, string> = {
  'str.substr':
    'def _substr(s: str, start: int, length: int) -> str:\n    return s[start:start + length] if 0 <= start < len(s) and length > 0 else ""',
  'str.at': 'def _char_at(s: str, i: int) -> str:\n    return s[i] if 0 <= i < len(s) else ""',
  'str.indexof':
    'def _index_of(s: str, t: str, start: int) -> int:\n    return s.find(t, start) if 0 <= start <= len(s) else -1',
  'str.to.int': 'def _to_int(s: str) -> int:\n    return int(s) if s.isascii() and s.isdigit() else -1',
  'int.to.str': 'def _to_str(n: int) -> str:\n    return str(n) if n >= 0 else ""',
  'list.at': '',
};

const TS_HELPERS: Record<string, string> = {
  'str.substr':
    'function substr(s: string, start: number, length: number): string {\n  return start >= 0 && start < s.length && length > 0 ? s.slice(start, start + length) : "";\n}',
  'str.at':
    'function charAt(s: string, i: number): string {\n  return i >= 0 && i < s.length ? s.charAt(i) : "";\n}',
  'str.indexof':
    'function indexOf(s: string, t: string, start: number): number {\n  return start >= 0 && start <= s.length ? s.indexOf(t, start) : -1;\n}',
  'str.to.int': 'function toInt(s: string): number {\n  return /^[0-9]+$/.test(s) ? Number(s) : -1;\n}',
  'int.to.str': 'function toStr(n: number): string {\n  return n >= 0 ? String(n) : "";\n}',
};

const call = (text: string): Text => ({ text, prec: 90 });
const infix = (left: Text, op: string, right: Text, prec: number, associative = false): Text => ({
  // Comparisons chain in Python (`a < b == c`), so their operands are always atoms there;
  // associative operations (`+` on strings and integers) need no parentheses on the right.
  text: `${wrap(left, prec === 40 ? 41 : prec)} ${op} ${wrap(right, associative ? prec : prec + 1)}`,
  prec,
});

const PYTHON: Record<string, Renderer> = {
  '+': ([a, b]) => infix(a!, '+', b!, 50, true),
  '-': ([a, b]) => infix(a!, '-', b!, 50),
  '*': ([a, b]) => infix(a!, '*', b!, 60, true),
  'str.++': ([a, b]) => infix(a!, '+', b!, 50, true),
  'str.len': ([s]) => call(`len(${s!.text})`),
  'str.to.int': ([s]) => call(`_to_int(${s!.text})`),
  'int.to.str': ([n]) => call(`_to_str(${n!.text})`),
  'str.indexof': ([s, t, i]) => call(`_index_of(${s!.text}, ${t!.text}, ${i!.text})`),
  'str.replace': ([s, t, u]) => call(`${wrap(s!, 90)}.replace(${t!.text}, ${u!.text}, 1)`),
  'str.at': ([s, i]) => call(`_char_at(${s!.text}, ${i!.text})`),
  'str.substr': ([s, i, n]) => call(`_substr(${s!.text}, ${i!.text}, ${n!.text})`),
  'str.to_lower': ([s]) => call(`${wrap(s!, 90)}.lower()`),
  'str.to_upper': ([s]) => call(`${wrap(s!, 90)}.upper()`),
  'str.prefixof': ([a, b]) => call(`${wrap(b!, 90)}.startswith(${a!.text})`),
  'str.suffixof': ([a, b]) => call(`${wrap(b!, 90)}.endswith(${a!.text})`),
  'str.contains': ([a, b]) => infix(b!, 'in', a!, 40),
  '=': ([a, b]) => infix(a!, '==', b!, 40),
  '<': ([a, b]) => infix(a!, '<', b!, 40),
  '<=': ([a, b]) => infix(a!, '<=', b!, 40),
  '>': ([a, b]) => infix(a!, '>', b!, 40),
  '>=': ([a, b]) => infix(a!, '>=', b!, 40),
  and: ([a, b]) => infix(a!, 'and', b!, 20, true),
  or: ([a, b]) => infix(a!, 'or', b!, 10, true),
  not: ([a]) => ({ text: `not ${wrap(a!, 30)}`, prec: 30 }),
  ite: ([c, a, b]) => ({ text: `${wrap(a!, 6)} if ${wrap(c!, 6)} else ${wrap(b!, 5)}`, prec: 5 }),
  'list.len': ([xs]) => call(`len(${xs!.text})`),
  'list.sum': ([xs]) => call(`sum(${xs!.text})`),
  'list.max': ([xs]) => call(`max(${xs!.text})`),
  'list.min': ([xs]) => call(`min(${xs!.text})`),
  'list.at': ([xs, i]) => call(`${wrap(xs!, 90)}[${i!.text}]`),
  'list.reverse': ([xs]) => call(`list(reversed(${xs!.text}))`),
  'list.sort': ([xs]) => call(`sorted(${xs!.text})`),
};

const TS: Record<string, Renderer> = {
  ...PYTHON,
  'str.len': ([s]) => call(`${wrap(s!, 90)}.length`),
  'str.to.int': ([s]) => call(`toInt(${s!.text})`),
  'int.to.str': ([n]) => call(`toStr(${n!.text})`),
  'str.indexof': ([s, t, i]) => call(`indexOf(${s!.text}, ${t!.text}, ${i!.text})`),
  'str.replace': ([s, t, u]) => call(`${wrap(s!, 90)}.replace(${t!.text}, () => ${wrap(u!, 6)})`),
  'str.at': ([s, i]) => call(`charAt(${s!.text}, ${i!.text})`),
  'str.substr': ([s, i, n]) => call(`substr(${s!.text}, ${i!.text}, ${n!.text})`),
  'str.to_lower': ([s]) => call(`${wrap(s!, 90)}.toLowerCase()`),
  'str.to_upper': ([s]) => call(`${wrap(s!, 90)}.toUpperCase()`),
  'str.prefixof': ([a, b]) => call(`${wrap(b!, 90)}.startsWith(${a!.text})`),
  'str.suffixof': ([a, b]) => call(`${wrap(b!, 90)}.endsWith(${a!.text})`),
  'str.contains': ([a, b]) => call(`${wrap(a!, 90)}.includes(${b!.text})`),
  '=': ([a, b]) => infix(a!, '===', b!, 40),
  and: ([a, b]) => infix(a!, '&&', b!, 20, true),
  or: ([a, b]) => infix(a!, '||', b!, 10, true),
  not: ([a]) => ({ text: `!${wrap(a!, 80)}`, prec: 80 }),
  ite: ([c, a, b]) => ({ text: `${wrap(c!, 6)} ? ${wrap(a!, 5)} : ${wrap(b!, 5)}`, prec: 5 }),
  'list.len': ([xs]) => call(`${wrap(xs!, 90)}.length`),
  'list.sum': ([xs]) => call(`${wrap(xs!, 90)}.reduce((total, x) => total + x, 0)`),
  'list.max': ([xs]) => call(`Math.max(...${wrap(xs!, 90)})`),
  'list.min': ([xs]) => call(`Math.min(...${wrap(xs!, 90)})`),
  'list.at': ([xs, i]) => call(`${wrap(xs!, 90)}[${i!.text}]!`),
  'list.reverse': ([xs]) => call(`[...${wrap(xs!, 90)}].reverse()`),
  'list.sort': ([xs]) => call(`[...${wrap(xs!, 90)}].sort((a, b) => a - b)`),
};

function literal(value: Value, language: 'python' | 'typescript'): Text {
  if (typeof value === 'boolean')
    return { text: language === 'python' ? (value ? 'True' : 'False') : String(value), prec: ATOM };
  if (typeof value === 'number') return { text: String(value), prec: value < 0 ? 70 : ATOM };
  return { text: JSON.stringify(value), prec: ATOM };
}

function expression(program: Program, language: 'python' | 'typescript', names: readonly string[]): Text {
  switch (program.kind) {
    case 'var':
      return { text: names[program.index] ?? program.name, prec: ATOM };
    case 'const':
      return literal(program.value, language);
    case 'call': {
      const renderer = (language === 'python' ? PYTHON : TS)[program.op];
      if (!renderer) throw new Error(`no ${language} rendering for ${program.op}`);
      return renderer(program.args.map((arg) => expression(arg, language, names)));
    }
  }
}

export function renderPython(input: RenderInput): string {
  const names = input.params.map((param) => param.name);
  const helpers = [...operatorsUsed(input.program)].map((op) => PYTHON_HELPERS[op]).filter(Boolean);
  const params = input.params.map((param) => `${param.name}: ${PYTHON_TYPES[param.sort]}`).join(', ');
  const body = expression(input.program, 'python', names).text;
  const definition = `def ${input.name}(${params}) -> ${PYTHON_TYPES[input.returns]}:\n    return ${body}\n`;
  return helpers.length > 0 ? `${helpers.join('\n\n\n')}\n\n\n${definition}` : definition;
}

/**
 * JavaScript: the TypeScript rendering without its annotations (the helpers and the
 * function are written so that removing `: type`, `!` and `export` leaves plain JavaScript).
 */
export function renderJavaScript(input: RenderInput): string {
  return renderTypeScript(input)
    .replace(/^export /gm, '')
    .replace(/\): (?:string|number|boolean|number\[\]) \{/g, ') {')
    .replace(/(\w): (?:string|number|boolean|number\[\])(?=[,)])/g, '$1')
    .replace(/\]!/g, ']');
}

export function renderTypeScript(input: RenderInput): string {
  const names = input.params.map((param) => param.name);
  const helpers = [...operatorsUsed(input.program)].map((op) => TS_HELPERS[op]).filter(Boolean);
  const params = input.params.map((param) => `${param.name}: ${TS_TYPES[param.sort]}`).join(', ');
  const body = expression(input.program, 'typescript', names).text;
  const definition = `export function ${input.name}(${params}): ${TS_TYPES[input.returns]} {\n  return ${body};\n}\n`;
  return helpers.length > 0 ? `${helpers.join('\n\n')}\n\n${definition}` : definition;
}
