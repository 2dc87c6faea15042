/**
 * Where a program defines a function, by name, per language. Regular expressions rather
 * than a parser: model answers are often not yet valid programs, and a parse would fail
 * exactly where extraction must still work.
 */
import type { Language } from '../../src/core/index.js';

function escapeIdentifier(name: string): string {
  return name.replace(/[$]/g, '\\$');
}

function definitionPattern(name: string, language: Language): RegExp {
  const id = escapeIdentifier(name);
  if (language === 'python') return new RegExp(`^[ \\t]*(async[ \\t]+)?def[ \\t]+${id}[ \\t]*\\(`, 'm');
  // function NAME(, function* NAME<T>(, const|let|var NAME = <a function expression>; a binding of
  // another value (`let f = 1` inside the body of a function `f`) is not a definition.
  return new RegExp(
    `(^|[^\\w$.])(function[ \\t]*\\*?[ \\t]*${id}[ \\t]*[<(]|(const|let|var)[ \\t]+${id}[ \\t]*(:[^=\\n]+)?=[ \\t]*(async\\b[ \\t]*)?(function\\b|\\(|<|[\\w$]+[ \\t]*=>))`,
    'm',
  );
}

/** True when `code` defines `name` as a function (or binds it, in JavaScript and TypeScript). */
export function definesFunction(code: string, name: string, language: Language): boolean {
  return definitionPattern(name, language).test(code);
}

/** The offset of the start of the line that defines `name`, or -1. */
export function definitionOffset(code: string, name: string, language: Language): number {
  const match = definitionPattern(name, language).exec(code);
  if (!match) return -1;
  const at = match.index + (language === 'python' ? 0 : (match[1]?.length ?? 0));
  return at === 0 ? 0 : code.lastIndexOf('\n', at - 1) + 1;
}

/** Names a JavaScript or TypeScript program declares at its top level (functions, bindings, classes). */
export function topLevelNames(code: string): string[] {
  const names = new Set<string>();
  const pattern =
    /^(?:export[ \t]+)?(?:async[ \t]+)?(?:function[ \t]*\*?[ \t]*|const[ \t]+|let[ \t]+|var[ \t]+|class[ \t]+)([\w$]+)/gm;
  for (const match of code.matchAll(pattern)) names.add(match[1]!);
  return [...names];
}

/** Import lines (`import ...`, `from x import y`, `const x = require(...)`). */
export function importLines(code: string, language: Language): string[] {
  const pattern =
    language === 'python'
      ? /^(?:import[ \t]+\S.*|from[ \t]+\S+[ \t]+import[ \t]+.*)$/gm
      : /^(?:import[ \t].*|(?:const|let|var)[ \t]+.*=[ \t]*require\(.*\).*)$/gm;
  return code.match(pattern) ?? [];
}
