export * from './datasets/index.js';
export { type EvaluationOptions, type EvaluationResult, runEvaluation } from './evaluation.js';
export { type PassAtKResult, parseKList, passAtK, passAtKEstimate, type SampleCounts } from './pass-at-k.js';
export {
  buildReport,
  compareTaskIds,
  type DurationStats,
  durationStats,
  REPORT_DIAGNOSTICS_PER_VERDICT,
  REPORT_SCHEMA_VERSION,
  type Report,
  type ReportInput,
  type ReportReward,
  type ReportSample,
  type ReportTask,
  type ReportTimings,
  type ReportVerdict,
} from './report.js';
export { renderReportHtml } from './report-html.js';
export { escapeHtml } from './svg-charts.js';
