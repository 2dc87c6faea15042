import { NsgenError, parseTaskFile, type Verdict } from '../../core/index.js';
import { readUtf8File } from '../../eval/index.js';
import { type SandboxName, verify } from '../../index.js';
import { printResult } from '../output.js';

export interface VerifyCommandOptions {
  task: string;
  code: string;
  sandbox: string;
  timeoutMs?: number;
  json?: boolean;
}

/** Runs every verifier on one program; exits 0 when it passes, 1 when it fails. */
export async function verifyCommand(options: VerifyCommandOptions): Promise<void> {
  const tasks = parseTaskFile(await readUtf8File(options.task), options.task);
  if (tasks.length !== 1) {
    throw new NsgenError('INVALID_TASK', `expected one task, found ${tasks.length}`, { where: options.task });
  }
  const task = tasks[0]!;
  const code = await readUtf8File(options.code);
  const result = await verify(task, code, {
    sandbox: options.sandbox as SandboxName,
    ...(options.timeoutMs !== undefined ? { testTimeoutMs: options.timeoutMs } : {}),
  });
  const output = { ...result, verdicts: result.verdicts.map(presentVerdict) };
  printResult(output, options.json === true, () =>
    [
      ...output.verdicts.map((verdict) => {
        const lines = [
          `${verdict.verifier.padEnd(9)} ${String(verdict.status).padEnd(14)} score ${verdict.score.toFixed(2)}`,
        ];
        for (const diagnostic of verdict.diagnostics.slice(0, 5)) {
          const where = diagnostic.location
            ? `${diagnostic.location.line}:${diagnostic.location.column} `
            : '';
          lines.push(`  ${diagnostic.severity} ${where}${diagnostic.message}`);
        }
        return lines.join('\n');
      }),
      `reward ${result.reward.total.toFixed(3)} · ${result.passed ? 'passed' : 'failed'}`,
    ].join('\n'),
  );
  if (!result.passed) process.exitCode = 1;
}

/** The contract verdict speaks DESIGN.md's words: proved | counterexample | unknown. */
function presentVerdict(verdict: Verdict) {
  if (verdict.verifier !== 'contracts' || !verdict.contract) return verdict;
  const { status, bounded, counterexample, reason } = verdict.contract;
  return {
    ...verdict,
    status,
    verdictStatus: verdict.status,
    bounded,
    ...(counterexample ? { counterexample } : {}),
    ...(reason ? { reason } : {}),
  };
}
