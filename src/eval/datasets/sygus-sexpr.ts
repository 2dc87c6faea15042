/**
 * S-expressions as SyGuS-IF writes them, with the line and column of every list and atom
 * kept for error messages. String literals stay quoted (`"a""b"` is `a"b`), so a symbol
 * and a string can never be confused.
 */
import { NsgenError } from '../../core/index.js';

export type SExpr = string | SExpr[];

export interface Located {
  line: number;
  column: number;
}

/** Positions of parsed lists, for messages about a whole form. */
export const positions = new WeakMap<SExpr[], Located>();

export function parseSExprs(text: string, file: string): SExpr[] {
  const forms: SExpr[] = [];
  const stack: { list: SExpr[]; at: Located }[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const where = (at: Located) => `${file}:${at.line}:${at.column}`;
  const here = (): Located => ({ line, column: i - lineStart + 1 });
  const push = (value: SExpr): void => {
    const top = stack.at(-1);
    if (top) top.list.push(value);
    else forms.push(value);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(') {
      const list: SExpr[] = [];
      positions.set(list, here());
      stack.push({ list, at: here() });
      i++;
    } else if (c === ')') {
      const closed = stack.pop();
      if (!closed)
        throw new NsgenError('INVALID_DATA', 'unexpected ")" with no open "("', { where: where(here()) });
      i++;
      push(closed.list);
    } else if (c === '"') {
      const at = here();
      let j = i + 1;
      for (;;) {
        if (j >= text.length)
          throw new NsgenError('INVALID_DATA', 'unterminated string literal', { where: where(at) });
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            j += 2;
            continue;
          }
          break;
        }
        if (text[j] === '\n') {
          line++;
          lineStart = j + 1;
        }
        j++;
      }
      push(text.slice(i, j + 1));
      i = j + 1;
    } else if (c === '|') {
      const at = here();
      const end = text.indexOf('|', i + 1);
      if (end < 0) throw new NsgenError('INVALID_DATA', 'unterminated quoted symbol', { where: where(at) });
      push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()";]/.test(text[j]!)) j++;
      push(text.slice(i, j));
      i = j;
    }
  }
  const open = stack.at(-1);
  if (open)
    throw new NsgenError('INVALID_DATA', 'unbalanced "(": this list is never closed', {
      where: where(open.at),
    });
  return forms;
}

export function isStringLiteral(atom: SExpr): atom is string {
  return typeof atom === 'string' && atom.startsWith('"');
}

/** The value of a string literal: `""` is a quote; `\u{h}` and `\uhhhh` escapes are code points. */
export function stringValue(atom: string): string {
  return atom
    .slice(1, -1)
    .replace(/""/g, '"')
    .replace(
      /\\u\{([0-9a-fA-F]{1,5})\}|\\u([0-9a-fA-F]{4})/g,
      (_, braced: string | undefined, plain: string | undefined) =>
        String.fromCodePoint(Number.parseInt(braced ?? plain ?? '0', 16)),
    );
}

/** SMT-LIB text of a string value (printable ASCII kept, the rest as `\u{h}`). */
export function stringLiteral(value: string): string {
  let body = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') body += '""';
    else if (code >= 32 && code < 127 && char !== '\\') body += char;
    else body += `\\u{${code.toString(16)}}`;
  }
  return `"${body}"`;
}

export function printSExpr(expr: SExpr): string {
  return typeof expr === 'string' ? expr : `(${expr.map(printSExpr).join(' ')})`;
}

export function locationOf(expr: SExpr, file: string): string {
  const at = Array.isArray(expr) ? positions.get(expr) : undefined;
  return at ? `${file}:${at.line}:${at.column}` : file;
}
