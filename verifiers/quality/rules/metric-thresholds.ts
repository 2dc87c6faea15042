/**
 * Findings from the structure metrics: a function whose complexity, nesting, length or
 * parameter count is over its limit gets a warning, and an error past twice the limit.
 * The parameters of a function the task names (its entry point) are the task's choice,
 * not the candidate's, so they are never a finding.
 */
import type { FunctionMetrics } from '../../../src/ast/index.js';
import type { Diagnostic } from '../../../src/core/index.js';
import { finding, type QualityRuleId, type QualityThresholds, type RuleContext } from '../rule-context.js';

interface MetricRule {
  rule: QualityRuleId;
  threshold: keyof QualityThresholds;
  value: (metrics: FunctionMetrics) => number;
  describe: (value: number) => string;
}

const METRIC_RULES: MetricRule[] = [
  {
    rule: 'cyclomatic-complexity',
    threshold: 'cyclomaticComplexity',
    value: (m) => m.cyclomaticComplexity,
    describe: (value) => `cyclomatic complexity ${value}`,
  },
  {
    rule: 'nesting-depth',
    threshold: 'nestingDepth',
    value: (m) => m.maxNestingDepth,
    describe: (value) => `blocks nested ${value} deep`,
  },
  {
    rule: 'function-length',
    threshold: 'functionLength',
    value: (m) => m.lengthLines,
    describe: (value) => `${value} lines of code`,
  },
  {
    rule: 'parameter-count',
    threshold: 'parameterCount',
    value: (m) => m.parameterCount,
    describe: (value) => `${value} parameters`,
  },
];

export function checkMetricThresholds(context: RuleContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  context.metrics.functions.forEach((metrics, index) => {
    const site = context.sites[index]!;
    for (const { rule, threshold, value, describe } of METRIC_RULES) {
      const limit = context.thresholds[threshold];
      const actual = value(metrics);
      if (actual <= limit) continue;
      if (rule === 'parameter-count' && context.dictatedNames.has(metrics.name)) continue;
      const qualified = metrics.className ? `${metrics.className}.${metrics.name}` : metrics.name;
      diagnostics.push(
        finding({
          rule,
          severity: actual > 2 * limit ? 'error' : 'warning',
          message: `function "${qualified}" has ${describe(actual)} (limit ${limit})`,
          at: site.info.range,
        }),
      );
    }
  });
  return diagnostics;
}
