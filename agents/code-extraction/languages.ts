/**
 * Which language a piece of code is written in: from a fence's tag when the model wrote
 * one, from the code itself when it did not.
 */
import type { Language } from '../../src/core/index.js';

/** A language nsgen runs, or another one a model answered in (`java`, `cpp`, ...). */
export type CodeLanguage = Language | 'other';

const TAGS: Record<string, Language> = {
  python: 'python',
  python3: 'python',
  py: 'python',
  py3: 'python',
  typescript: 'typescript',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  javascript: 'javascript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  node: 'javascript',
};

/** Tags that say nothing about the language. */
const NEUTRAL_TAGS = new Set([
  '',
  'text',
  'plaintext',
  'txt',
  'code',
  'output',
  'console',
  'shell',
  'sh',
  'bash',
]);

/** The language a fence tag names; undefined for no tag or a neutral one (`text`, `output`). */
export function languageOfTag(tag: string | undefined): CodeLanguage | undefined {
  const normalised = (tag ?? '').trim().toLowerCase();
  if (NEUTRAL_TAGS.has(normalised)) return undefined;
  return TAGS[normalised] ?? 'other';
}

export const LANGUAGE_LABELS: Record<Language, string> = {
  python: 'Python',
  typescript: 'TypeScript',
  javascript: 'JavaScript',
};

export const FENCE_TAGS: Record<Language, string> = {
  python: 'python',
  typescript: 'typescript',
  javascript: 'javascript',
};

/**
 * True when code in `written` can run as a `task` program: the same language, or
 * JavaScript for a TypeScript task (plain JavaScript is TypeScript).
 */
export function isCompatible(task: Language, written: CodeLanguage): boolean {
  return written === task || (task === 'typescript' && written === 'javascript');
}

const PYTHON_SIGNS: RegExp[] = [
  /^[ \t]*(async[ \t]+)?def[ \t]+\w+[ \t]*\(.*\)[^{]*:[ \t]*(#.*)?$/m,
  /^[ \t]*class[ \t]+\w+(\(.*\))?:[ \t]*$/m,
  /^[ \t]*(elif|except|finally)\b.*:[ \t]*$/m,
  /^[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]/m,
  /^[ \t]*import[ \t]+[\w.]+([ \t]+as[ \t]+\w+)?[ \t]*$/m,
  /^[ \t]*(if|for|while|with|else|try)\b[^{]*:[ \t]*(#.*)?$/m,
  /\b(None|True|False|self|lambda|nonlocal)\b/,
  /^[ \t]*#(?!include|!)/m,
];

const SCRIPT_SIGNS: RegExp[] = [
  /\bfunction\b[ \t]*\*?[ \t]*\w*[ \t]*\(/,
  /=>/,
  /^[ \t]*(const|let|var)[ \t]+[\w$]+/m,
  /;[ \t]*$/m,
  /^[ \t]*}[ \t]*(else\b.*)?$/m,
  /===|!==/,
  /\bconsole\.\w+\(/,
  /^[ \t]*(export|import)\b.*\bfrom\b[ \t]*['"]/m,
  /^[ \t]*\/\//m,
];

const TYPESCRIPT_SIGNS: RegExp[] = [
  /^[ \t]*(export[ \t]+)?(interface|type)[ \t]+\w+/m,
  /\(([^()]*\w[ \t]*\??:[ \t]*[\w[\]<>|, {}]+)\)/,
  /\)[ \t]*:[ \t]*[\w[\]<>| ]+[ \t]*(\{|=>)/,
  /:[ \t]*(number|string|boolean|void|unknown|any|never)(\[\])?\b/,
  /\bas[ \t]+(const|number|string|unknown|any)\b/,
  /<[A-Z]\w*(,[ \t]*[A-Z]\w*)*>\(/,
];

const OTHER_SIGNS: RegExp[] = [
  /^[ \t]*#include[ \t]*[<"]/m,
  /\bpublic[ \t]+(static[ \t]+)?[\w<>[\]]+[ \t]+\w+[ \t]*\(/,
  /^[ \t]*fn[ \t]+\w+[ \t]*(<.*>)?\(/m,
  /^[ \t]*func[ \t]+\w+[ \t]*\(/m,
  /^[ \t]*package[ \t]+\w+[ \t]*;?[ \t]*$/m,
  /\bstd::/,
  /^[ \t]*using[ \t]+namespace\b/m,
];

function score(code: string, signs: RegExp[]): number {
  return signs.reduce((total, sign) => total + (sign.test(code) ? 1 : 0), 0);
}

/**
 * A best guess from the code alone; undefined when nothing looks like code of any kind.
 * JavaScript and TypeScript are told apart by type annotations.
 */
export function detectLanguage(code: string): CodeLanguage | undefined {
  const other = score(code, OTHER_SIGNS);
  const python = score(code, PYTHON_SIGNS);
  const script = score(code, SCRIPT_SIGNS);
  const best = Math.max(other, python, script);
  if (best === 0) return undefined;
  if (other === best && other > 0) return 'other';
  if (python > script) return 'python';
  if (script > python) return score(code, TYPESCRIPT_SIGNS) > 0 ? 'typescript' : 'javascript';
  return undefined;
}
