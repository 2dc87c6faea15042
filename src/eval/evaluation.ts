/**
 * An evaluation run: tasks through the orchestrator, events into the journal, and the
 * reports (`report.json`, `report.html`) written from the episodes. It composes through
 * ports; the SDK's `evaluate` picks the concrete backends.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Episode, RunEvent, Task } from '../core/index.js';
import { type RunDependencies, type RunOptions, runTasks } from '../orchestrator/index.js';
import { buildReport, type Report } from './report.js';
import { renderReportHtml } from './report-html.js';

export interface EvaluationOptions extends Omit<RunOptions, 'journalPath'> {
  /** Name of the dataset or task file, for the report. */
  dataset: string;
  /** The k values of pass@k. */
  k: readonly number[];
  /** Folder for `journal.jsonl`, `report.json` and `report.html`; without it nothing is written. */
  out?: string;
  /** Called with every event as it happens (progress bars, metrics, user code). */
  onEvent?: (event: RunEvent) => void;
}

export interface EvaluationResult {
  report: Report;
  episodes: Episode[];
  files: { journal?: string; reportJson?: string; reportHtml?: string };
}

export async function runEvaluation(
  tasks: readonly Task[],
  dependencies: RunDependencies,
  options: EvaluationOptions,
): Promise<EvaluationResult> {
  const { out, onEvent, dataset, k, ...runOptions } = options;
  if (out) mkdirSync(out, { recursive: true });
  const journal = out ? join(out, 'journal.jsonl') : undefined;
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const episodes: Episode[] = [];
  for await (const event of runTasks(tasks, dependencies, {
    ...runOptions,
    ...(journal ? { journalPath: journal } : {}),
  })) {
    if (event.type === 'task.finished') episodes.push(event.episode);
    onEvent?.(event);
  }
  const report = buildReport({
    episodes,
    dataset,
    mode: options.mode,
    model: options.model,
    k,
    startedAt,
    wallMs: Math.round(performance.now() - started),
    ...(options.settings ? { config: options.settings } : {}),
  });
  const files: EvaluationResult['files'] = {};
  if (out) {
    files.journal = journal!;
    files.reportJson = join(out, 'report.json');
    files.reportHtml = join(out, 'report.html');
    writeFileSync(files.reportJson, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(files.reportHtml, renderReportHtml(report));
  }
  return { report, episodes, files };
}
