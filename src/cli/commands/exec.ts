import { type Language, NsgenError } from '../../core/index.js';
import { readUtf8File } from '../../eval/index.js';
import { resolveSandbox } from '../../index.js';
import { printResult } from '../output.js';

export interface ExecCommandOptions {
  language: Language;
  sandbox: string;
  timeoutMs?: number;
  memoryMb?: number;
  stdin?: string;
  json?: boolean;
}

/** Runs one program; exits 0 when it ran to completion with status `ok`, else 1. */
export async function execCommand(file: string, options: ExecCommandOptions): Promise<void> {
  const code = await readUtf8File(file);
  const stdin = options.stdin ? await readUtf8File(options.stdin) : undefined;
  const sandbox = resolveSandbox(options.sandbox);
  try {
    const result = await sandbox.exec({
      language: options.language,
      code,
      ...(stdin !== undefined ? { stdin } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.memoryMb !== undefined ? { memoryMb: options.memoryMb } : {}),
    });
    printResult(result, options.json === true, () => {
      const head = `status ${result.status} · exit ${result.exitCode ?? '-'} · signal ${result.signal ?? '-'} · ${result.durationMs} ms`;
      return [result.stdout.trimEnd(), result.stderr.trimEnd(), head].filter(Boolean).join('\n');
    });
    if (result.status !== 'ok') process.exitCode = 1;
  } catch (error) {
    throw new NsgenError('SANDBOX_ERROR', `the sandbox could not run ${file}`, { cause: error });
  } finally {
    await sandbox.close();
  }
}
