/**
 * Runs a task's tests against a candidate in a sandbox. The program is exactly
 * `candidate.code + "\n" + task.tests` in the task's language, and the candidate passes iff
 * that run ends with status `ok` (exit status 0): HumanEval's and MBPP's semantics. For
 * MBPP-style Python tests each assert's outcome is reported too (python-assert-cases.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  type CallOptions,
  type Candidate,
  type Counterexample,
  type Diagnostic,
  type ExecResult,
  type ExecSummary,
  isNsgenError,
  type Sandbox,
  type Task,
  type TestCaseResult,
  type Verdict,
  type VerdictStatus,
  type Verifier,
} from '../../src/core/index.js';
import { raisedException, stderrTail } from './failure-details.js';
import { type AssertCase, instrumentPythonAsserts, markerPrefix } from './python-assert-cases.js';

export interface TestsVerifierOptions {
  /** Where the tests run. */
  sandbox: Sandbox;
  /**
   * Wall-clock limit per run. The official HumanEval harness uses 3 s per sample.
   * @default 10_000
   */
  timeoutMs?: number;
  /** Memory limit per run; the sandbox's default when left out. */
  memoryMb?: number;
}

export const TESTS_VERIFIER_DEFAULTS = { timeoutMs: 10_000 } as const;

/** How many stderr lines go into a verdict. */
const STDERR_TAIL_LINES = 20;

interface CaseMarker {
  case: number;
  outcome: 'pass' | 'fail';
  input?: unknown;
  actual?: unknown;
  expected?: unknown;
}

export class TestsVerifier implements Verifier {
  readonly name = 'tests';
  readonly cost = 100;
  readonly hard = true;
  private readonly sandbox: Sandbox;
  private readonly timeoutMs: number;
  private readonly memoryMb: number | undefined;

  constructor(options: TestsVerifierOptions) {
    this.sandbox = options.sandbox;
    this.timeoutMs = options.timeoutMs ?? TESTS_VERIFIER_DEFAULTS.timeoutMs;
    this.memoryMb = options.memoryMb;
  }

  appliesTo(task: Task): boolean {
    return typeof task.tests === 'string' && task.tests.trim().length > 0;
  }

  async verify(candidate: Candidate, task: Task, options: CallOptions = {}): Promise<Verdict> {
    const started = performance.now();
    const tests = task.tests ?? '';
    const nonce = randomBytes(12).toString('hex');
    const instrumented =
      task.language === 'python'
        ? await instrumentPythonAsserts(tests, { entryPoint: task.entryPoint, nonce })
        : undefined;
    const code = `${candidate.code}\n${instrumented?.code ?? tests}`;
    let result: ExecResult;
    try {
      result = await this.sandbox.exec(
        {
          language: task.language,
          code,
          timeoutMs: this.timeoutMs,
          ...(this.memoryMb !== undefined ? { memoryMb: this.memoryMb } : {}),
        },
        options,
      );
    } catch (error) {
      if (isNsgenError(error) && error.code === 'ABORTED') throw error;
      return sandboxFailure(error, performance.now() - started);
    }
    const { markers, stderr } = splitMarkers(result.stderr, nonce);
    const clean: ExecResult = { ...result, stderr };
    const status = verdictStatus(clean);
    const candidateLines = candidate.code.split('\n').length;
    // Rewritten asserts shift the lines after them: there the failing case names its line.
    const diagnostics = runDiagnostics(clean, task, { candidateLines, testsLines: !instrumented });
    const execution: ExecSummary = {
      status: clean.status,
      exitCode: clean.exitCode,
      signal: clean.signal,
      durationMs: clean.durationMs,
      stderrTail: stderrTail(stderr, STDERR_TAIL_LINES),
    };

    if (instrumented) {
      const outcome = caseResults(instrumented.cases, markers, clean);
      diagnostics.unshift(...outcome.diagnostics);
      return {
        verifier: this.name,
        status,
        score: outcome.passed / instrumented.cases.length,
        diagnostics,
        counterexamples: outcome.counterexamples,
        durationMs: performance.now() - started,
        tests: { passed: outcome.passed, total: instrumented.cases.length, cases: outcome.cases, execution },
      };
    }
    const passed = status === 'pass' ? 1 : 0;
    return {
      verifier: this.name,
      status,
      score: passed,
      diagnostics,
      counterexamples: [],
      durationMs: performance.now() - started,
      tests: {
        passed,
        total: 1,
        cases: [{ name: 'tests', status, ...(status === 'pass' ? {} : { message: summary(clean) }) }],
        execution,
      },
    };
  }
}

export function createTestsVerifier(options: TestsVerifierOptions): TestsVerifier {
  return new TestsVerifier(options);
}

function verdictStatus(result: ExecResult): Exclude<VerdictStatus, 'skipped'> {
  if (result.status === 'ok') return 'pass';
  if (result.status === 'error') return 'fail';
  return 'error';
}

/** Takes this run's markers out of stderr; lines with another nonce stay as program output. */
function splitMarkers(stderr: string, nonce: string): { markers: CaseMarker[]; stderr: string } {
  const prefix = markerPrefix(nonce);
  const markers: CaseMarker[] = [];
  const kept: string[] = [];
  for (const line of stderr.split('\n')) {
    const at = line.indexOf(prefix);
    if (at < 0) {
      kept.push(line);
      continue;
    }
    try {
      markers.push(JSON.parse(line.slice(at + prefix.length)) as CaseMarker);
    } catch {
      // A marker cut short by the output cap.
    }
    if (at > 0) kept.push(line.slice(0, at));
  }
  return { markers, stderr: kept.join('\n') };
}

/**
 * Per-case results. Passes count only in order from the first case and only up to the
 * first case without a pass marker; a failed run never has all cases passed; a run that
 * ended with status ok ran every assert, so every case passed whatever the markers say.
 */
function caseResults(
  cases: AssertCase[],
  markers: CaseMarker[],
  result: ExecResult,
): { passed: number; cases: TestCaseResult[]; diagnostics: Diagnostic[]; counterexamples: Counterexample[] } {
  if (result.status === 'ok') {
    return {
      passed: cases.length,
      cases: cases.map((testCase) => ({ name: caseName(testCase), status: 'pass' })),
      diagnostics: [],
      counterexamples: [],
    };
  }
  const byCase = new Map<number, CaseMarker>();
  for (const marker of markers) if (!byCase.has(marker.case)) byCase.set(marker.case, marker);
  let passed = 0;
  while (passed < cases.length - 1 && byCase.get(passed)?.outcome === 'pass') passed += 1;
  const failing = cases[passed]!;
  const marker = byCase.get(passed);
  const failedAssert = marker?.outcome === 'fail';
  const results: TestCaseResult[] = cases.map((testCase, index) => {
    const name = caseName(testCase);
    if (index < passed) return { name, status: 'pass' };
    if (index > passed) return { name, status: 'not-run' };
    return failedAssert
      ? { name, status: 'fail', message: failureMessage(testCase, marker) }
      : { name, status: 'error', message: summary(result) };
  });
  const diagnostics: Diagnostic[] = [
    {
      message: failedAssert
        ? `tests line ${failing.line}: ${failureMessage(failing, marker)}`
        : `tests line ${failing.line}: ${failing.text} did not complete: ${summary(result)}`,
      severity: 'error',
      rule: failedAssert ? 'test-failed' : 'test-error',
    },
  ];
  const counterexamples: Counterexample[] =
    failedAssert && failing.reportsValues && marker && 'actual' in marker
      ? [
          {
            input: Array.isArray(marker.input) ? marker.input : [marker.input],
            expected: marker.expected,
            actual: marker.actual,
            violates: failing.text,
          },
        ]
      : [];
  return { passed, cases: results, diagnostics, counterexamples };
}

function caseName(testCase: AssertCase): string {
  return `assert #${testCase.index + 1} (tests line ${testCase.line})`;
}

function failureMessage(testCase: AssertCase, marker: CaseMarker | undefined): string {
  if (marker && 'actual' in marker) {
    return `${testCase.text} failed: got ${JSON.stringify(marker.actual)}, expected ${JSON.stringify(marker.expected)}`;
  }
  return `${testCase.text} failed`;
}

/** One line on how the run ended. */
function summary(result: ExecResult): string {
  switch (result.status) {
    case 'ok':
      return 'exited with status 0';
    case 'error': {
      const last = result.stderr.trimEnd().split('\n').at(-1);
      return `exited with status ${result.exitCode}${last ? `: ${last}` : ''}`;
    }
    case 'timeout':
      return `timed out after ${Math.round(result.durationMs)} ms`;
    case 'memory':
      return 'ran out of memory';
    case 'output-limit':
      return 'stopped for writing more output than allowed';
    case 'killed':
      return `killed${result.signal ? ` by ${result.signal}` : ''}`;
  }
}

/** Diagnostics for how the run ended: the limit it hit, or the exception it raised. */
function runDiagnostics(
  result: ExecResult,
  task: Task,
  lines: { candidateLines: number; testsLines: boolean },
): Diagnostic[] {
  const { candidateLines } = lines;
  if (result.status === 'ok') return [];
  const diagnostics: Diagnostic[] = [];
  if (result.status !== 'error') {
    diagnostics.push({
      message: `the tests ${summary(result)}`,
      severity: 'error',
      rule: `test-${result.status}`,
    });
  }
  const exception = raisedException(result.stderr, task.language);
  if (exception) {
    const inCandidate = exception.programLine !== undefined && exception.programLine <= candidateLines;
    const where =
      !inCandidate && lines.testsLines && exception.programLine !== undefined
        ? ` (tests line ${exception.programLine - candidateLines})`
        : '';
    diagnostics.push({
      message: `${exception.type}${exception.message ? `: ${exception.message}` : ''}${where}`,
      severity: 'error',
      rule: 'exception',
      ...(inCandidate ? { location: { line: exception.programLine!, column: 1 } } : {}),
    });
  }
  const tail = stderrTail(result.stderr, STDERR_TAIL_LINES);
  if (tail) diagnostics.push({ message: tail, severity: 'info', rule: 'stderr-tail' });
  return diagnostics;
}

function sandboxFailure(error: unknown, durationMs: number): Verdict {
  const message = error instanceof Error ? error.message : String(error);
  return {
    verifier: 'tests',
    status: 'error',
    score: 0,
    diagnostics: [
      {
        message: `the sandbox could not run the tests: ${message}`,
        severity: 'error',
        rule: 'sandbox-error',
      },
    ],
    counterexamples: [],
    durationMs,
  };
}
