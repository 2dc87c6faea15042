/**
 * Turns one model sample into the whole program the verifiers run, by the sample's
 * format: a `completion` continues the prompt, a `program` is taken as is, a chat
 * `message` has its code extracted and fitted to the task.
 */
import type { Language, Sample, Task } from '../../src/core/index.js';
import { definesFunction, definitionOffset, importLines, topLevelNames } from './definitions.js';
import { type ExtractedCode, extractCode } from './extract-code.js';
import { functionHeader } from './signature.js';

export interface AssembledProgram {
  code: string;
  /**
   * How the program was made: `completion` (prompt + text), `program` (text as is),
   * `function` (an extracted definition of the entry point, with the prompt's imports
   * and helpers), `body` (extracted statements put into the prompt's or the signature's
   * function), `as-is` (extracted code that fits neither: left for the verifiers to judge).
   */
  assembly: 'completion' | 'program' | 'function' | 'body' | 'as-is';
  /** What extraction found, for `message` samples. */
  extracted?: ExtractedCode;
}

/** True when the task's prompt is code that defines the entry point (HumanEval). */
export function promptIsCode(task: Task): boolean {
  return definesFunction(task.prompt, task.entryPoint, task.language);
}

/**
 * The text a completion continues: the task's prompt when it is code or when there is no
 * signature to write a header from (HumanEval scoring depends on prompt + completion,
 * byte for byte); otherwise the signature's header with the request as its docstring.
 */
export function completionPromptFor(task: Task): string {
  if (promptIsCode(task)) return task.prompt;
  return functionHeader(task, { docstring: task.prompt }) ?? task.prompt;
}

/**
 * The program a sample stands for.
 *
 * Wrong language: code in a language the task cannot run is kept as is (`as-is`, with
 * `extracted.languageMismatch`), so the syntax verifier fails it with a real diagnostic
 * and the repair prompt can ask for the right language; nothing is translated or dropped.
 */
export function programFromSample(sample: Sample, task: Task): AssembledProgram {
  if (sample.format === 'completion')
    return { code: completionPromptFor(task) + sample.text, assembly: 'completion' };
  if (sample.format === 'program') return { code: sample.text, assembly: 'program' };
  const extracted = extractCode(sample.text, task);
  if (extracted.languageMismatch) return { code: withNewline(extracted.code), assembly: 'as-is', extracted };
  if (extracted.definesEntryPoint) {
    const code = task.language === 'python' ? withoutMainBlock(extracted.code) : extracted.code;
    return { code: withNewline(withPromptPreamble(code, task)), assembly: 'function', extracted };
  }
  const base = promptIsCode(task) ? task.prompt : functionHeader(task);
  if (base === undefined || extracted.code.trim() === '') {
    return { code: withNewline(extracted.code), assembly: 'as-is', extracted };
  }
  return { code: withBody(base, extracted.code, task.language), assembly: 'body', extracted };
}

/**
 * A HumanEval prompt may import modules and define helpers before the entry point; an
 * answer that rewrites only the entry point still needs them. Python takes the whole
 * preamble first (the answer's own definitions, coming later, win). JavaScript and
 * TypeScript cannot declare a name twice, so when the answer redeclares a preamble name
 * only the imports it lacks are added.
 */
function withPromptPreamble(code: string, task: Task): string {
  const offset = definitionOffset(task.prompt, task.entryPoint, task.language);
  if (offset <= 0) return code;
  const preamble = task.prompt.slice(0, offset);
  if (preamble.trim() === '') return code;
  if (task.language === 'python') return `${preamble}${code}`;
  const declared = new Set(topLevelNames(code));
  if (!topLevelNames(preamble).some((name) => declared.has(name))) return `${preamble}${code}`;
  const missing = importLines(preamble, task.language).filter((line) => !code.includes(line.trim()));
  return missing.length === 0 ? code : `${missing.join('\n')}\n${code}`;
}

/** Statements put into an open function: re-indented to its body, braces closed. */
function withBody(base: string, body: string, language: Language): string {
  const head = base.endsWith('\n') ? base : `${base}\n`;
  const indent = bodyIndent(head, language);
  const lines = dedent(body).split('\n');
  const indented = lines.map((line) => (line.trim() === '' ? '' : indent + line)).join('\n');
  let program = `${head}${indented}\n`;
  if (language !== 'python') {
    const open = braceBalance(program);
    for (let count = 0; count < open; count++) program += '}\n';
  }
  return program;
}

/** The indentation of an open function's body: its docstring's, or one step past the header's. */
function bodyIndent(head: string, language: Language): string {
  const lines = head.split('\n').filter((line) => line.trim() !== '');
  const headerIndex = lines.findLastIndex((line) =>
    language === 'python' ? /^\s*(async\s+)?def\s/.test(line) : /[{]\s*$/.test(line),
  );
  const headerIndent = /^[ \t]*/.exec(lines[headerIndex] ?? '')?.[0] ?? '';
  const after = lines.slice(headerIndex + 1).find((line) => line.trim() !== '');
  const afterIndent = after === undefined ? '' : (/^[ \t]*/.exec(after)?.[0] ?? '');
  if (afterIndent.length > headerIndent.length) return afterIndent;
  return headerIndent + (language === 'python' ? '    ' : '  ');
}

function dedent(code: string): string {
  const lines = code.replace(/\t/g, '    ').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(Math.min(common, line.length - line.trimStart().length))).join('\n');
}

/**
 * Open braces minus closed ones, outside strings, template literals and comments (regular
 * expression literals are not recognised; a brace inside one is rare in model answers).
 */
export function braceBalance(code: string): number {
  let balance = 0;
  for (let index = 0; index < code.length; index++) {
    const char = code[index];
    const next = code[index + 1];
    if (char === '/' && next === '/') {
      const end = code.indexOf('\n', index);
      index = end === -1 ? code.length : end;
    } else if (char === '/' && next === '*') {
      const end = code.indexOf('*/', index + 2);
      index = end === -1 ? code.length : end + 1;
    } else if (char === '"' || char === "'" || char === '`') {
      for (index++; index < code.length && code[index] !== char; index++) {
        if (code[index] === '\\') index++;
        if (char !== '`' && code[index] === '\n') break;
      }
    } else if (char === '{') balance++;
    else if (char === '}') balance--;
  }
  return balance;
}

/**
 * Drops a top-level `if __name__ == "__main__":` block: the sandbox runs the program as
 * main, so a model's demo (prints, `input()` calls) would run with the tests.
 */
function withoutMainBlock(code: string): string {
  const lines = code.split('\n');
  const start = lines.findIndex((line) => /^if\s+__name__\s*==\s*['"]__main__['"]\s*:/.test(line));
  if (start === -1) return code;
  let end = start + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || /^\s/.test(lines[end]!))) end++;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n').replace(/\s+$/, '');
}

function withNewline(code: string): string {
  return code.endsWith('\n') ? code : `${code}\n`;
}
