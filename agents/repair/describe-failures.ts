/**
 * What went wrong with a candidate, in words a model can act on: syntax errors with the
 * offending line quoted, failing tests with expected and actual values, limits hit,
 * contract counterexamples, and security, quality and license findings as instructions.
 */
import type { Counterexample, Diagnostic, ExecSummary, Task, Verdict } from '../../src/core/index.js';
import { renderCall, renderValue } from '../task-prompt/index.js';

/** At most this many items of one kind (diagnostics, failing cases) are listed. */
const MAX_ITEMS = 5;

const EXECUTION_PROBLEMS: Partial<Record<ExecSummary['status'], string>> = {
  timeout:
    'The program ran past its time limit: look for an infinite loop, or an algorithm too slow for the inputs.',
  memory: 'The program ran out of memory: avoid building huge lists, strings or recursion depths.',
  'output-limit': 'The program printed more output than allowed: remove print statements and logging.',
  killed: 'The program was killed before it finished (a limit on processes or resources).',
};

const FINDING_ADVICE: Record<string, string> = {
  security: 'Rewrite the code so that this finding goes away.',
  quality: 'Simplify the code accordingly.',
  license: 'Write your own code rather than reproducing licensed code.',
};

/** A bullet list of every failure the verdicts report, for the repair prompt. */
export function describeFailures(code: string, verdicts: Verdict[], task: Task): string {
  const lines = code.split('\n');
  const items: string[] = [];
  for (const verdict of verdicts) {
    if (verdict.status !== 'fail' && verdict.status !== 'error') continue;
    if (verdict.tests) items.push(...testFailures(verdict, task));
    else if (verdict.contract) items.push(...contractFailures(verdict, task));
    else items.push(...findingFailures(verdict, lines, task));
  }
  if (items.length === 0) items.push('- It did not pass verification (no details were reported).');
  return items.join('\n');
}

/** One line per failing verdict, for the memory of earlier attempts. */
export function summariseFailures(verdicts: Verdict[], task: Task): string {
  const parts: string[] = [];
  for (const verdict of verdicts) {
    if (verdict.status !== 'fail' && verdict.status !== 'error') continue;
    if (verdict.tests) {
      const { passed, total, execution } = verdict.tests;
      const status =
        execution.status === 'ok' || execution.status === 'error' ? '' : ` (${execution.status})`;
      const first = verdict.counterexamples[0];
      const example = first ? `; ${counterexampleText(first, task)}` : '';
      parts.push(`tests ${passed}/${total} passed${status}${example}`);
    } else if (verdict.contract?.counterexample) {
      parts.push(`contract violated: ${verdict.contract.counterexample.violates}`);
    } else {
      const first = verdict.diagnostics.find((diagnostic) => diagnostic.severity !== 'info');
      const where = first?.location ? ` at line ${first.location.line}` : '';
      parts.push(`${verdict.verifier}: ${first ? `${first.message}${where}` : verdict.status}`);
    }
  }
  return parts.join('; ') || 'failed verification';
}

function testFailures(verdict: Verdict, task: Task): string[] {
  const tests = verdict.tests!;
  const items = [`- Tests: ${tests.passed} of ${tests.total} passed.`];
  const problem = EXECUTION_PROBLEMS[tests.execution.status];
  if (problem) items.push(`- ${problem}`);
  for (const counterexample of verdict.counterexamples.slice(0, MAX_ITEMS)) {
    items.push(`  - ${counterexampleText(counterexample, task)}`);
  }
  const failing = tests.cases.filter((testCase) => testCase.status === 'fail' || testCase.status === 'error');
  for (const testCase of failing.slice(0, MAX_ITEMS)) {
    items.push(
      `  - ${testCase.name} ${testCase.status === 'error' ? 'raised an error' : 'failed'}${testCase.message ? `: ${oneLine(testCase.message)}` : ''}`,
    );
  }
  if (failing.length > MAX_ITEMS) items.push(`  - … and ${failing.length - MAX_ITEMS} more failing cases`);
  const stderr = tests.execution.stderrTail.trim();
  // The traceback matters when nothing else says what went wrong (a crash, a run with no told-apart cases).
  if (
    stderr !== '' &&
    verdict.counterexamples.length === 0 &&
    (tests.execution.status === 'error' || failing.length === 0)
  ) {
    items.push(`- The run ended with this error output:\n\`\`\`\n${lastLines(stderr, 15)}\n\`\`\``);
  }
  for (const diagnostic of verdict.diagnostics
    .filter((item) => item.severity === 'error')
    .slice(0, MAX_ITEMS)) {
    if (!items.some((item) => item.includes(diagnostic.message))) items.push(`- ${diagnostic.message}`);
  }
  return items;
}

function contractFailures(verdict: Verdict, task: Task): string[] {
  const outcome = verdict.contract!;
  if (outcome.status === 'counterexample' && outcome.counterexample) {
    const { input, output, violates } = outcome.counterexample;
    return [
      `- Contract: for ${renderCall(task.entryPoint, input, task.language)} the function returns ${renderValue(output, task.language)}, which violates \`${violates}\`.`,
    ];
  }
  const items = verdict.counterexamples
    .slice(0, MAX_ITEMS)
    .map((counterexample) => `- Contract: ${counterexampleText(counterexample, task)}`);
  return items.length > 0
    ? items
    : [`- The contract check failed${outcome.reason ? `: ${outcome.reason}` : ''}.`];
}

function findingFailures(verdict: Verdict, lines: string[], task: Task): string[] {
  const items: string[] = [];
  const serious = verdict.diagnostics.filter((diagnostic) => diagnostic.severity !== 'info');
  for (const diagnostic of serious.slice(0, MAX_ITEMS))
    items.push(findingText(verdict.verifier, diagnostic, lines));
  if (serious.length > MAX_ITEMS)
    items.push(`- … and ${serious.length - MAX_ITEMS} more ${verdict.verifier} findings`);
  for (const counterexample of verdict.counterexamples.slice(0, MAX_ITEMS)) {
    items.push(`- ${capitalise(verdict.verifier)}: ${counterexampleText(counterexample, task)}`);
  }
  if (items.length === 0)
    items.push(`- The ${verdict.verifier} check ${verdict.status === 'error' ? 'could not run' : 'failed'}.`);
  return items;
}

function findingText(verifier: string, diagnostic: Diagnostic, lines: string[]): string {
  const location = diagnostic.location;
  const rule = diagnostic.rule ? ` [${diagnostic.rule}]` : '';
  const where = location ? ` at line ${location.line}, column ${location.column}` : '';
  let text = `- ${capitalise(verifier)}${rule}${where}: ${oneLine(diagnostic.message)}`;
  const advice = FINDING_ADVICE[verifier];
  if (advice) text += ` ${advice}`;
  const quoted = location ? lines[location.line - 1] : undefined;
  if (location && quoted !== undefined) {
    const caret = ' '.repeat(Math.max(0, location.column - 1));
    text += `\n    ${location.line} | ${quoted}\n    ${' '.repeat(String(location.line).length)} | ${caret}^`;
  }
  return text;
}

function counterexampleText(counterexample: Counterexample, task: Task): string {
  const call = renderCall(task.entryPoint, counterexample.input, task.language);
  const details: string[] = [];
  if ('expected' in counterexample)
    details.push(`expected ${renderValue(counterexample.expected, task.language)}`);
  if ('actual' in counterexample) details.push(`got ${renderValue(counterexample.actual, task.language)}`);
  if (counterexample.violates) details.push(`violates \`${oneLine(counterexample.violates)}\``);
  return details.length === 0 ? call : `${call}: ${details.join(', ')}`;
}

function oneLine(text: string, limit = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n').slice(-1500);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
