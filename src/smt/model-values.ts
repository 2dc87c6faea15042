/**
 * Reading values back from a Z3 model: `sexpr()` text such as `5`, `(- 3)`,
 * `(/ 1.0 2.0)`, `"a""b\u{e9}"`, `true`.
 */

/** An integer (bigint), a real (number), a boolean or a string. */
export type ModelScalar = bigint | number | boolean | string;

export function parseModelInt(text: string): bigint {
  const value = parseNumber(text.trim());
  if (typeof value !== 'bigint') throw new SyntaxError(`not an integer model value: ${text}`);
  return value;
}

export function parseModelReal(text: string): number {
  const value = parseNumber(text.trim());
  return typeof value === 'bigint' ? Number(value) : value;
}

export function parseModelBool(text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new SyntaxError(`not a boolean model value: ${text}`);
}

/** Decodes an SMT-LIB string literal (`""` is a quote, `\u{h}` / `\uhhhh` a code point). */
export function parseModelString(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('"') || !trimmed.endsWith('"'))
    throw new SyntaxError(`not a string model value: ${text}`);
  const body = trimmed.slice(1, -1).replace(/""/g, '"');
  return body.replace(/\\u\{([0-9a-fA-F]{1,5})\}|\\u([0-9a-fA-F]{4})/g, (_, braced: string, plain: string) =>
    String.fromCodePoint(Number.parseInt(braced ?? plain, 16)),
  );
}

function parseNumber(text: string): bigint | number {
  if (/^\d+$/.test(text)) return BigInt(text);
  if (/^\d+\.\d+$/.test(text)) return Number(text);
  const inner = /^\((\S+)\s+(.*)\)$/s.exec(text);
  if (!inner) throw new SyntaxError(`not a numeric model value: ${text}`);
  const operator = inner[1]!;
  const operands = splitTop(inner[2]!).map(parseNumber);
  if (operator === '-' && operands.length === 1) {
    const value = operands[0]!;
    return typeof value === 'bigint' ? -value : -value;
  }
  if (operator === '/' && operands.length === 2) return Number(operands[0]!) / Number(operands[1]!);
  throw new SyntaxError(`unexpected numeric model value: ${text}`);
}

function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text.trim()) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (/\s/.test(char) && depth === 0) {
      if (current) parts.push(current);
      current = '';
    } else current += char;
  }
  if (current) parts.push(current);
  return parts;
}
