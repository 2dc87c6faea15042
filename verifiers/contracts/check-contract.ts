/**
 * One contract check, start to finish: parse the candidate, gather the contract (task and
 * code), encode it for Z3, ask for a violation, and replay every counterexample in the
 * sandbox before believing it. Returns the DESIGN.md `ContractOutcome` plus what the
 * verdict needs (counterexamples as test inputs, diagnostics, timings).
 */
import type { Tree } from '../../src/ast/parser.js';
import { parse } from '../../src/ast/parser.js';
import {
  type CallOptions,
  type ContractOutcome,
  type Counterexample,
  type Diagnostic,
  type Sandbox,
  type Task,
  throwIfAborted,
} from '../../src/core/index.js';
import {
  type Bounds,
  blockingAssertion,
  ContractProblem,
  decodeInputs,
  type EncodedContractProblem,
  encodeContractProblem,
  type ModelScalar,
  type SmtCheckRequest,
  type SmtResult,
  type SolverPool,
  UnsupportedConstruct,
} from '../../src/smt/index.js';
import {
  codeContract,
  type ExtractedContract,
  findFunction,
  InvalidContract,
  taskContract,
} from './extract-contracts.js';
import { buildHarness, type HarnessInput, readOutcome, representable } from './harness.js';

/** Limits of one contract check. */
export interface ContractCheckSettings {
  /** Loop unrolling and list capacity. @default DEFAULT_BOUNDS of src/smt */
  bounds?: Partial<Bounds>;
  /** Solver time per query. @default 5_000 */
  solverTimeoutMs?: number;
  /** Wall-clock limit of one counterexample replay in the sandbox. @default 10_000 */
  replayTimeoutMs?: number;
  /** Counterexamples the solver may propose before the check gives up as unknown. @default 3 */
  maxReplays?: number;
}

export const CONTRACT_CHECK_DEFAULTS = {
  solverTimeoutMs: 5_000,
  replayTimeoutMs: 10_000,
  maxReplays: 3,
} satisfies ContractCheckSettings;

export interface ContractCheckInput {
  task: Task;
  code: string;
  /** Runs the replays that confirm counterexamples. */
  sandbox: Sandbox;
  solver: SolverPool;
  settings?: ContractCheckSettings;
}

/**
 * Why a check ended as it did: `invalid-contract` and `invalid-code` are the task's or the
 * candidate's fault; `no-contract` means nothing to check; `unsupported`, `solver` and
 * `unconfirmed` are the checker's limits.
 */
export type ContractCheckKind =
  | 'proved'
  | 'counterexample'
  | 'no-contract'
  | 'invalid-contract'
  | 'invalid-code'
  | 'unsupported'
  | 'solver'
  | 'unconfirmed';

export interface ContractReport {
  outcome: ContractOutcome;
  kind: ContractCheckKind;
  /** For `verdict.counterexamples`: positional input, the actual output, what it violates. */
  counterexamples: Counterexample[];
  diagnostics: Diagnostic[];
  /** Where the time went, in milliseconds. */
  timings: { encodeMs: number; solverMs: number; replayMs: number; totalMs: number };
  /** Solver queries and sandbox replays made. */
  queries: number;
  replays: number;
}

export async function checkContract(
  input: ContractCheckInput,
  options: CallOptions = {},
): Promise<ContractReport> {
  const started = performance.now();
  const trees: Tree[] = [];
  const report = new ReportBuilder(started);
  try {
    return await check(input, trees, report, options);
  } catch (error) {
    if (error instanceof InvalidContract || error instanceof ContractProblem) {
      return report.unknown('invalid-contract', `invalid contract: ${error.message}`);
    }
    if (error instanceof UnsupportedConstruct) {
      return report.unknown('unsupported', `outside the verifiable subset: ${error.message}`, error.line);
    }
    throw error;
  } finally {
    for (const tree of trees) tree.delete();
  }
}

async function check(
  input: ContractCheckInput,
  trees: Tree[],
  report: ReportBuilder,
  options: CallOptions,
): Promise<ContractReport> {
  const { task, code } = input;
  const settings = { ...CONTRACT_CHECK_DEFAULTS, ...input.settings };
  const language = task.language;
  if (language !== 'python' && language !== 'typescript' && language !== 'javascript') {
    return report.unknown('unsupported', `contracts are not checked for ${language} tasks`);
  }
  const taskClauses = await taskContract(task, trees);
  const tree = await parse(code, language);
  trees.push(tree);
  if (tree.rootNode.hasError) {
    const line = firstErrorLine(tree);
    return report.unknown(
      'invalid-code',
      `the code does not parse as ${language}${line ? ` (line ${line})` : ''}`,
      line,
    );
  }
  const definition = findFunction(tree.rootNode, task.entryPoint, language);
  if (!definition) {
    return report.unknown('invalid-code', `the code defines no top-level function "${task.entryPoint}"`);
  }
  const codeClauses = await codeContract(definition, language, trees);
  const contract: ExtractedContract = {
    pre: [...taskClauses.pre, ...codeClauses.pre],
    post: [...taskClauses.post, ...codeClauses.post],
  };
  if (contract.pre.length === 0 && contract.post.length === 0) {
    return report.unknown('no-contract', 'no contract in the task or the code');
  }

  const encodeStarted = performance.now();
  const problem = encodeContractProblem({
    language,
    program: tree.rootNode,
    entryPoint: task.entryPoint,
    ...(task.signature ? { signature: task.signature } : {}),
    pre: contract.pre,
    post: contract.post,
    ...(settings.bounds ? { bounds: settings.bounds } : {}),
  });
  report.timings.encodeMs += performance.now() - encodeStarted;

  const inputConstants = new Set(problem.inputs.flatMap((variable) => variable.constants));
  let script = problem.violation;
  const rejected: string[] = [];
  for (let attempt = 0; attempt < settings.maxReplays; attempt++) {
    throwIfAborted(options.signal);
    const answer = await report.solve(
      input.solver,
      // Only the inputs: what failed is read from the replay, and every extra value costs a model evaluation.
      { script, read: problem.read.filter((constant) => inputConstants.has(constant.name)) },
      settings.solverTimeoutMs,
      options,
    );
    if (answer.status === 'unsat') {
      if (rejected.length > 0) {
        return report.unknown(
          'unconfirmed',
          `the solver's counterexamples did not reproduce: ${rejected.join('; ')}`,
        );
      }
      return proved(input, problem, report, settings.solverTimeoutMs, options);
    }
    if (answer.status !== 'sat' || !answer.model)
      return report.unknown('solver', solverReason(answer, problem, settings.solverTimeoutMs));
    const values = decodeInputs(answer.model, problem.inputs);
    const harness: HarnessInput = {
      language,
      code,
      entryPoint: task.entryPoint,
      parameters: problem.inputs.map((variable) => variable.name),
      args: problem.inputs.map((variable) => values[variable.name]!),
      pre: contract.pre.map((clause) => clause.text),
      post: contract.post.map((clause) => clause.text),
      reals: problem.inputs.map((variable) =>
        'elem' in variable.shape ? variable.shape.elem === 'real' : variable.shape.kind === 'real',
      ),
    };
    const replay = representable(harness)
      ? await report.replay(input.sandbox, harness, settings.replayTimeoutMs, options)
      : { confirmed: false as const, why: 'the input is beyond the integers JavaScript represents exactly' };
    if (replay.confirmed) {
      return report.counterexample({
        bounded: problem.bounded,
        input: Object.fromEntries(
          problem.inputs.map((variable) => [variable.name, toJson(values[variable.name]!)]),
        ),
        args: harness.args.map(toJson),
        output: replay.output,
        violates: replay.violates,
      });
    }
    rejected.push(`${describeInput(values)}: ${replay.why}`);
    const block = blockingAssertion(answer.model, problem.inputs);
    if (!block) break;
    script = `${script}\n${block}`;
  }
  return report.unknown(
    'unconfirmed',
    `the solver's counterexamples did not reproduce: ${rejected.join('; ')}`,
  );
}

async function proved(
  input: ContractCheckInput,
  problem: EncodedContractProblem,
  report: ReportBuilder,
  timeoutMs: number,
  options: CallOptions,
): Promise<ContractReport> {
  if (problem.realArithmetic) {
    report.note(
      'contract-real-arithmetic',
      'floats were modelled as exact reals: floating-point rounding is not part of the proof',
    );
  }
  if (!problem.completeness) return report.proved(false);
  // The bounds cover every admitted input when no input meeting the precondition reaches them.
  const answer = await report.solve(input.solver, { script: problem.completeness }, timeoutMs, options);
  return report.proved(answer.status !== 'unsat');
}

function solverReason(answer: SmtResult, problem: EncodedContractProblem, timeoutMs: number): string {
  if (answer.status === 'error')
    return `the solver rejected the query (${answer.reason ?? 'no reason given'})`;
  const reason = answer.reason ?? 'unknown';
  const hints = [
    ...(problem.nonlinear ? ['the code or contract uses nonlinear arithmetic'] : []),
    ...(problem.strings ? ['string reasoning'] : []),
  ];
  const hint = hints.length > 0 ? ` (${hints.join('; ')})` : '';
  if (/timeout|canceled|cancelled/.test(reason)) return `solver timeout after ${timeoutMs} ms${hint}`;
  return `the solver answered unknown: ${reason}${hint}`;
}

function describeInput(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${JSON.stringify(toJson(value as ModelScalar))}`)
    .join(', ');
}

function toJson(value: ModelScalar | ModelScalar[]): unknown {
  if (Array.isArray(value)) return value.map((item) => toJson(item));
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

function firstErrorLine(tree: Tree): number | undefined {
  const cursor = [tree.rootNode];
  while (cursor.length > 0) {
    const node = cursor.shift()!;
    if (node.isError || node.isMissing) return node.startPosition.row + 1;
    for (const child of node.children) if (child?.hasError || child?.isMissing) cursor.push(child);
  }
  return undefined;
}

type Replay = { confirmed: true; output: unknown; violates: string } | { confirmed: false; why: string };

/** Accumulates timings and builds the final report. */
class ReportBuilder {
  readonly timings = { encodeMs: 0, solverMs: 0, replayMs: 0, totalMs: 0 };
  readonly #notes: Diagnostic[] = [];
  queries = 0;
  replays = 0;
  readonly #started: number;

  constructor(started: number) {
    this.#started = started;
  }

  async solve(
    solver: SolverPool,
    request: { script: string; read?: SmtCheckRequest['read'] },
    timeoutMs: number,
    options: CallOptions,
  ): Promise<SmtResult> {
    const started = performance.now();
    try {
      this.queries++;
      return await solver.check({ ...request, timeoutMs }, options);
    } finally {
      this.timings.solverMs += performance.now() - started;
    }
  }

  async replay(
    sandbox: Sandbox,
    harness: HarnessInput,
    timeoutMs: number,
    options: CallOptions,
  ): Promise<Replay> {
    const started = performance.now();
    this.replays++;
    try {
      const result = await sandbox.exec(
        { language: harness.language, code: buildHarness(harness), timeoutMs },
        options,
      );
      const outcome = readOutcome(result.stdout);
      if (!outcome) {
        const tail = result.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 200);
        return {
          confirmed: false,
          why: `the replay ended with ${result.status} and no outcome${tail ? ` (${tail})` : ''}`,
        };
      }
      if (!outcome.pre.every(Boolean))
        return { confirmed: false, why: 'the input does not meet the precondition when run' };
      if (outcome.raised !== undefined)
        return { confirmed: true, output: { raised: outcome.raised }, violates: `raised ${outcome.raised}` };
      const failed = (outcome.post ?? []).findIndex((holds) => !holds);
      if (failed < 0) return { confirmed: false, why: 'the postcondition holds on the actual output' };
      return { confirmed: true, output: outcome.result ?? null, violates: `post: ${harness.post[failed]}` };
    } finally {
      this.timings.replayMs += performance.now() - started;
    }
  }

  /** An informational diagnostic that goes with whatever the check concludes. */
  note(rule: string, message: string): void {
    this.#notes.push({ severity: 'info', rule, message });
  }

  proved(bounded: boolean): ContractReport {
    return this.#finish(
      { status: 'proved', bounded },
      'proved',
      [],
      [
        {
          severity: 'info',
          rule: 'contract-proved',
          message: bounded
            ? 'contract proved for every input within the unrolling bounds (loops or list lengths were bounded)'
            : 'contract proved for every input meeting the precondition',
        },
      ],
    );
  }

  counterexample(found: {
    bounded: boolean;
    input: Record<string, unknown>;
    args: unknown[];
    output: unknown;
    violates: string;
  }): ContractReport {
    const outcome: ContractOutcome = {
      status: 'counterexample',
      bounded: found.bounded,
      counterexample: { input: found.input, output: found.output, violates: found.violates },
    };
    return this.#finish(
      outcome,
      'counterexample',
      [{ input: found.args, actual: found.output, violates: found.violates }],
      [
        {
          severity: 'error',
          rule: 'contract-violated',
          message: `${describeInput(found.input as Record<string, ModelScalar>)} violates ${found.violates} (confirmed by running it; output ${JSON.stringify(found.output)})`,
        },
      ],
    );
  }

  unknown(kind: ContractCheckKind, reason: string, line?: number): ContractReport {
    const diagnostic: Diagnostic = {
      severity: kind === 'invalid-contract' || kind === 'invalid-code' ? 'error' : 'warning',
      rule: `contract-${kind}`,
      message: reason,
    };
    if (line !== undefined) diagnostic.location = { line, column: 1 };
    return this.#finish({ status: 'unknown', bounded: false, reason }, kind, [], [diagnostic]);
  }

  #finish(
    outcome: ContractOutcome,
    kind: ContractCheckKind,
    counterexamples: Counterexample[],
    diagnostics: Diagnostic[],
  ): ContractReport {
    this.timings.totalMs = performance.now() - this.#started;
    return {
      outcome,
      kind,
      counterexamples,
      diagnostics: [...diagnostics, ...this.#notes],
      timings: { ...this.timings },
      queries: this.queries,
      replays: this.replays,
    };
  }
}
