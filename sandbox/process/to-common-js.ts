/**
 * TypeScript and JavaScript jobs run on node as CommonJS, so `require(...)` works as is and
 * `import` works after esbuild rewrites it. Types are stripped, not checked (like tsx).
 */
import { type Message, transform } from 'esbuild';

export type ScriptLanguage = 'typescript' | 'javascript';

export type CommonJsOutcome = { ok: true; code: string } | { ok: false; message: string };

/** The file name stack traces show (through the inline source map). */
export function sourceFileName(language: ScriptLanguage): string {
  return language === 'typescript' ? 'main.ts' : 'main.js';
}

export async function toCommonJs(code: string, language: ScriptLanguage): Promise<CommonJsOutcome> {
  const sourcefile = sourceFileName(language);
  try {
    const result = await transform(code, {
      loader: language === 'typescript' ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile,
      logLevel: 'silent',
    });
    return { ok: true, code: result.code };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(errors)) throw error;
    return { ok: false, message: errors.map((message) => formatMessage(message, sourcefile)).join('\n') };
  }
}

function formatMessage(message: Message, sourcefile: string): string {
  const where = message.location
    ? `${sourcefile}:${message.location.line}:${message.location.column + 1}: `
    : `${sourcefile}: `;
  const excerpt = message.location?.lineText ? `\n    ${message.location.lineText}` : '';
  return `${where}error: ${message.text}${excerpt}`;
}
