import { join } from 'node:path';
import { NsgenError } from '../../core/index.js';
import { assertSandboxName, evaluate } from '../../index.js';
import { printResult } from '../output.js';
import { ProgressBar } from '../progress.js';

export interface EvalCommandOptions {
  dataset: string;
  dataFile?: string;
  /** Optional in symbolic mode (no model), required otherwise. */
  model?: string;
  mode: 'neural' | 'symbolic' | 'hybrid' | 'adaptive';
  samples?: number;
  k: number[];
  repair: number;
  sandbox: string;
  concurrency: number;
  timeoutMs?: number;
  showTests?: boolean;
  out?: string;
  resume?: boolean;
  json?: boolean;
}

export async function evalCommand(options: EvalCommandOptions): Promise<void> {
  if (options.resume && !options.out) {
    throw new NsgenError(
      'INVALID_ARGUMENT',
      '--resume continues the run in --out: give the same --out as before',
    );
  }
  assertSandboxName(options.sandbox);
  if (options.model === undefined && options.mode !== 'symbolic') {
    throw new NsgenError('INVALID_ARGUMENT', `--model is required in ${options.mode} mode`);
  }
  const out =
    options.out ?? join('runs', `${options.dataset}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const progress = new ProgressBar({ stream: process.stderr, label: options.dataset });
  const warnings = new Set<string>();
  const result = await evaluate({
    dataset: options.dataset,
    ...(options.dataFile ? { dataFile: options.dataFile } : {}),
    model: options.model ?? 'none',
    mode: options.mode,
    ...(options.samples !== undefined ? { samples: options.samples } : {}),
    k: options.k,
    repairRounds: options.repair,
    sandbox: options.sandbox,
    concurrency: options.concurrency,
    ...(options.timeoutMs !== undefined ? { testTimeoutMs: options.timeoutMs } : {}),
    ...(options.showTests ? { showTests: true } : {}),
    out,
    ...(options.resume ? { resume: true } : {}),
    onEvent: (event) => {
      progress.update(event);
      if (event.type === 'run.warning') warnings.add(event.message);
    },
    onWarning: (warning) => warnings.add(warning),
  });
  if (!options.json) for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const { report, files } = result;
  printResult(report, options.json === true, () =>
    [
      `${report.dataset} · ${report.model} · ${report.mode}`,
      `solved ${report.solved}/${report.tasks}`,
      ...Object.entries(report.passAtK).map(
        ([k, value]) => `pass@${k} ${value === null ? 'n/a' : value.toFixed(4)}`,
      ),
      `report: ${files.reportJson}`,
      `html:   ${files.reportHtml}`,
      `journal: ${files.journal}`,
    ].join('\n'),
  );
}
