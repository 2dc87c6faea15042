/**
 * The self-contained HTML report: inline CSS and SVG, no scripts, fonts or links to fetch.
 * Text from the data (task ids, model specs, diagnostics) is always escaped.
 */
import type { Report, ReportTask } from './report.js';
import { columnChart, escapeHtml, horizontalBars } from './svg-charts.js';

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.25rem; }
.meta { color: #555; margin: 0.2rem 0; }
.cards { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 0.9rem; min-width: 7rem; }
.card b { display: block; font-size: 1.3rem; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; }
.charts figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 0.4rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #eee; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f6f6; position: sticky; top: 0; }
table.settings { width: auto; min-width: 24rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-solved { color: #2e7d32; font-weight: 600; }
.status-unsolved { color: #b26a00; font-weight: 600; }
.status-error, .status-budget-exhausted { color: #b00020; font-weight: 600; }
.note { color: #666; font-size: 0.85rem; }
code { font-size: 0.85rem; }
`;

/** Renders a report as one HTML document. */
export function renderReportHtml(report: Report): string {
  const title = `nsgen report: ${report.dataset} · ${report.model} · ${report.mode}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">Started ${escapeHtml(report.timings.startedAt)}; wall time ${escapeHtml(formatMs(report.timings.wallMs))}.</p>`,
    summaryCards(report),
    '<h2>Results</h2><div class="charts">',
    figure('pass@k', passAtKChart(report)),
    figure('Reward distribution (all candidates)', rewardHistogram(report)),
    '</div>',
    '<h2>Search and verification</h2><div class="charts">',
    figure('Repair rounds per task', repairRoundsChart(report)),
    figure('Verifier timings (p50 and p95, ms)', verifierTimingsChart(report)),
    '</div>',
    configSection(report),
    '<h2>Tasks</h2>',
    taskTable(report.perTask),
    '</body></html>',
    '',
  ].join('\n');
}

function summaryCards(report: Report): string {
  const cards: [string, string][] = [
    ['tasks', String(report.tasks)],
    ['solved', `${report.solved} (${percent(report.tasks === 0 ? 0 : report.solved / report.tasks)})`],
    ...Object.entries(report.passAtK).map(([k, value]): [string, string] => [`pass@${k}`, percent(value)]),
    ['mean best reward', report.meanBestReward === null ? '–' : report.meanBestReward.toFixed(3)],
  ];
  for (const [status, count] of Object.entries(report.statusCounts)) {
    if (status !== 'solved' && count > 0) cards.push([status, String(count)]);
  }
  return `<div class="cards">${cards
    .map(([label, value]) => `<div class="card">${escapeHtml(label)}<b>${escapeHtml(value)}</b></div>`)
    .join('')}</div>`;
}

function passAtKChart(report: Report): string {
  const rows = Object.entries(report.passAtKCoverage).map(([k, coverage]) => {
    const value = report.passAtK[k];
    const note =
      coverage.excluded > 0 ? ` (${coverage.counted} tasks; ${coverage.excluded} with n < k left out)` : '';
    return {
      label: `pass@${k}`,
      values: [
        {
          value: value ?? 0,
          series: 0,
          label: value === undefined ? 'no task with n ≥ k' : `${percent(value)}${note}`,
        },
      ],
    };
  });
  return horizontalBars({ title: 'pass@k', rows, series: ['pass@k'], max: 1 });
}

function rewardHistogram(report: Report): string {
  const bins = 10;
  const counts = new Array<number>(bins).fill(0);
  for (const task of report.perTask) {
    for (const sample of task.samples) {
      const index = Math.min(bins - 1, Math.max(0, Math.floor(sample.reward.total * bins)));
      counts[index]! += 1;
    }
  }
  return columnChart({
    title: 'Reward distribution',
    columns: counts.map((value, index) => ({ label: (index / bins).toFixed(1), value })),
    xLabel: 'reward total (bin start)',
    yLabel: 'candidates',
  });
}

function repairRoundsChart(report: Report): string {
  const maxRounds = Math.max(0, ...report.perTask.map((task) => task.repairRounds));
  const counts = new Array<number>(maxRounds + 1).fill(0);
  for (const task of report.perTask) counts[task.repairRounds]! += 1;
  return columnChart({
    title: 'Repair rounds per task',
    columns: counts.map((value, rounds) => ({ label: String(rounds), value })),
    xLabel: 'repair rounds',
    yLabel: 'tasks',
  });
}

function verifierTimingsChart(report: Report): string {
  const rows = Object.entries(report.timings.verifiers).map(([name, stats]) => ({
    label: `${name} (${stats.count})`,
    values: [
      { value: stats.p50Ms, series: 0, label: formatMs(stats.p50Ms) },
      { value: stats.p95Ms, series: 1, label: formatMs(stats.p95Ms) },
    ],
  }));
  return horizontalBars({ title: 'Verifier timings', rows, series: ['p50', 'p95'] });
}

function configSection(report: Report): string {
  const entries = Object.entries(report.config);
  if (entries.length === 0) return '';
  const rows = entries
    .map(
      ([key, value]) =>
        `<tr><th>${escapeHtml(key)}</th><td><code>${escapeHtml(JSON.stringify(value))}</code></td></tr>`,
    )
    .join('');
  return `<h2>Settings</h2><table class="settings">${rows}</table>`;
}

function taskTable(tasks: ReportTask[]): string {
  const header =
    '<tr><th>task</th><th>status</th><th>passed / candidates</th><th>best reward</th><th>repair rounds</th><th>first problem</th></tr>';
  const rows = tasks.map((task) => {
    const problem = firstProblem(task);
    return [
      '<tr>',
      `<td>${escapeHtml(task.taskId)}</td>`,
      `<td class="status-${escapeHtml(task.status)}">${escapeHtml(task.status)}</td>`,
      `<td class="num">${task.passed} / ${task.candidates}</td>`,
      `<td class="num">${task.bestReward === null ? '–' : task.bestReward.toFixed(3)}</td>`,
      `<td class="num">${task.repairRounds}</td>`,
      `<td class="note">${escapeHtml(problem)}</td>`,
      '</tr>',
    ].join('');
  });
  return `<table>${header}${rows.join('\n')}</table>`;
}

/** What went wrong first, to spare a trip to the journal: the task error, or a failing verdict. */
function firstProblem(task: ReportTask): string {
  if (task.error) return `${task.error.code}: ${task.error.message}`;
  if (task.status === 'solved') return '';
  for (const sample of task.samples) {
    for (const verdict of sample.verdicts) {
      if (verdict.status === 'fail' || verdict.status === 'error') {
        const message = verdict.diagnostics[0]?.message ?? verdict.status;
        return truncate(`${verdict.verifier}: ${message}`, 160);
      }
    }
  }
  return task.candidates === 0 ? 'no candidate' : '';
}

function figure(caption: string, chart: string): string {
  return `<figure><figcaption>${escapeHtml(caption)}</figcaption>${chart}</figure>`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function formatMs(ms: number): string {
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms * 10) / 10} ms`;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
