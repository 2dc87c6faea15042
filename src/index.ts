/**
 * nsgen's SDK. This module is the composition root (with the CLI and the server, which
 * build on it): the one place that knows concrete backends and builds the defaults.
 *
 * ```ts
 * import { solve } from 'nsgen';
 * const episode = await solve(task, { model: 'openai:qwen2.5-coder@http://127.0.0.1:8000/v1' });
 * ```
 */
import { NeuralAgent } from '../agents/neural/index.js';
import { RepairAgent } from '../agents/repair/index.js';
import { SymbolicAgent, type SynthesisBudget } from '../agents/symbolic/index.js';
import { createTaskRetriever, type TaskRetrieverOptions } from '../rag/task-retriever.js';
import { createWeightedReward } from '../reward/index.js';
import { createDockerSandbox, type DockerSandboxOptions } from '../sandbox/docker/index.js';
import { createProcessSandbox, type ProcessSandboxOptions } from '../sandbox/process/index.js';
import { tfjsProvider } from '../training/generate/tfjs-language-model.js';
import { createContractVerifier } from '../verifiers/contracts/index.js';
import { createLicenseVerifier } from '../verifiers/license/index.js';
import { createQualityVerifier } from '../verifiers/quality/index.js';
import { createSecurityVerifier } from '../verifiers/security/index.js';
import { createSyntaxVerifier } from '../verifiers/syntax/index.js';
import { createTestsVerifier } from '../verifiers/tests/index.js';
import {
  type Episode,
  errorInfo,
  type LanguageModel,
  MODES,
  type Mode,
  NsgenError,
  type RewardModel,
  type RewardWeights,
  type RunEvent,
  type Sandbox,
  type Task,
  type Verdict,
  type Verifier,
} from './core/index.js';
import { type EvaluationResult, loadDataset, runEvaluation } from './eval/index.js';
import { type ResolveOptions, resolveModel, tasksWithoutReplaySamples } from './lm/index.js';
import {
  type Agents,
  type Budget,
  type EpisodeSettings,
  runEpisode,
  runTasks,
  VerificationPipeline,
} from './orchestrator/index.js';
import { createSolverPool } from './smt/index.js';

export const SANDBOXES = ['process', 'docker'] as const;
export type SandboxName = (typeof SANDBOXES)[number];

export const VERIFIER_NAMES = ['syntax', 'quality', 'security', 'license', 'tests', 'contracts'] as const;
export type VerifierName = (typeof VERIFIER_NAMES)[number];

/** Modes this build can run; the others are named in errors so users know they are missing. */
export const SUPPORTED_MODES: readonly Mode[] = ['neural', 'symbolic'];

export interface RuntimeConfig {
  /** A model spec (`replay:canonical`, `openai:MODEL@URL`, ..., `none`) or a LanguageModel. */
  model?: string | LanguageModel;
  /** Provider options for model specs (API key, timeouts, retries, extra providers). */
  modelOptions?: ResolveOptions;
  /** The sandbox that runs tests and confirms counterexamples. @default 'process' */
  sandbox?: SandboxName | Sandbox;
  /** Options of the process sandbox. */
  processSandbox?: ProcessSandboxOptions;
  /** Options of the Docker sandbox (`sandbox: 'docker'`): pool size, image, limits. */
  dockerSandbox?: DockerSandboxOptions;
  /** Verifiers to run, by name. @default every verifier */
  verifiers?: readonly VerifierName[];
  /** Wall-clock limit of one test run. @default 10_000 */
  testTimeoutMs?: number;
  /** Memory limit of one test run. @default the sandbox's */
  memoryMb?: number;
  /** Reward weights; missing ones keep DESIGN.md's. */
  rewardWeights?: Partial<RewardWeights>;
  /** Show the task's tests in the model's prompt. @default false */
  showTests?: boolean;
  temperature?: number;
  maxTokens?: number;
  /**
   * Retrieval for tasks with `context.repo`: the repository's most relevant code goes into
   * the neural agent's prompt. `false` turns it off. @default on, 1500 tokens
   */
  retrieval?: TaskRetrieverOptions | false;
  /** Called with warnings (model settings ignored, wrong-language answers, ...). */
  onWarning?: (warning: string, task?: Task) => void;
  /** Limits of the symbolic synthesizer per task. @default 10 s, programs up to size 24 */
  synthesis?: SynthesisBudget;
}

export interface Runtime {
  readonly model: LanguageModel | undefined;
  readonly sandbox: Sandbox;
  readonly verifiers: readonly Verifier[];
  readonly pipeline: VerificationPipeline;
  readonly reward: RewardModel;
  readonly agents: Agents;
  /** Stops the sandbox's processes and the solver workers. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Adds the in-process `tfjs:CHECKPOINT_DIR` provider (from training/) unless the caller replaced it. */
export function withTfjsProvider(options: ResolveOptions = {}): ResolveOptions {
  return { ...options, providers: { tfjs: tfjsProvider, ...options.providers } };
}

/** Builds the runtime; nothing starts until the first candidate needs it. */
export function createRuntime(config: RuntimeConfig = {}): Runtime {
  // `none` is the model of a symbolic run: no language model at all.
  const model =
    typeof config.model === 'string'
      ? config.model === 'none'
        ? undefined
        : resolveModel(config.model, withTfjsProvider(config.modelOptions))
      : config.model;
  const ownsSandbox = typeof config.sandbox !== 'object';
  const sandbox =
    typeof config.sandbox === 'object' ? config.sandbox : resolveSandbox(config.sandbox ?? 'process', config);
  const names = new Set(config.verifiers ?? VERIFIER_NAMES);
  // One Z3 pool for the contract verifier and the synthesizer's constant solving.
  const solver = createSolverPool();
  const contracts = names.has('contracts') ? createContractVerifier({ sandbox, solver }) : undefined;
  const verifiers: Verifier[] = [];
  if (names.has('syntax')) verifiers.push(createSyntaxVerifier());
  if (names.has('quality')) verifiers.push(createQualityVerifier());
  if (names.has('security')) verifiers.push(createSecurityVerifier());
  if (names.has('license')) verifiers.push(createLicenseVerifier());
  if (names.has('tests')) {
    verifiers.push(
      createTestsVerifier({
        sandbox,
        ...(config.testTimeoutMs !== undefined ? { timeoutMs: config.testTimeoutMs } : {}),
        ...(config.memoryMb !== undefined ? { memoryMb: config.memoryMb } : {}),
      }),
    );
  }
  if (contracts) verifiers.push(contracts);

  const sampling = {
    ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
    ...(config.maxTokens !== undefined ? { maxTokens: config.maxTokens } : {}),
    showTests: config.showTests ?? false,
    ...(config.onWarning ? { onWarning: config.onWarning } : {}),
  };
  const agents: Agents = {};
  if (model) {
    agents.neural = new NeuralAgent({
      model,
      ...sampling,
      ...(config.retrieval !== false ? { retriever: createTaskRetriever(config.retrieval ?? {}) } : {}),
    });
    // A replay model can only give back what was recorded: repairing needs a live model.
    if (model.provider !== 'replay') agents.repair = new RepairAgent({ model, ...sampling });
  }
  agents.symbolic = new SymbolicAgent({
    solver,
    ...(config.synthesis ? { budget: config.synthesis } : {}),
    ...(contracts
      ? { checkContract: ({ task, code }, options) => contracts.check({ code }, task, options) }
      : {}),
  });

  const close = async (): Promise<void> => {
    await contracts?.close();
    await solver.close();
    if (ownsSandbox) await sandbox.close();
  };
  return {
    model,
    sandbox,
    verifiers,
    pipeline: new VerificationPipeline({ verifiers }),
    reward: createWeightedReward(config.rewardWeights ? { weights: config.rewardWeights } : {}),
    agents,
    close,
    [Symbol.asyncDispose]: close,
  };
}

export function resolveSandbox(name: string, config: RuntimeConfig = {}): Sandbox {
  assertSandboxName(name);
  if (name === 'docker') return createDockerSandbox(config.dockerSandbox);
  return createProcessSandbox(config.processSandbox);
}

/** Throws a clear error, listing the valid names, for a sandbox this build does not have. */
export function assertSandboxName(name: string): asserts name is SandboxName {
  if (SANDBOXES.includes(name as SandboxName)) return;
  throw new NsgenError('UNKNOWN_SANDBOX', `unknown sandbox "${name}"; valid: ${SANDBOXES.join(', ')}`);
}

/** Throws a clear error for a mode this build cannot run. */
export function assertSupportedMode(mode: string): asserts mode is Mode {
  if (!MODES.includes(mode as Mode)) {
    throw new NsgenError('UNKNOWN_MODE', `unknown mode "${mode}"; valid: ${MODES.join(', ')}`);
  }
  if (!SUPPORTED_MODES.includes(mode as Mode)) {
    throw new NsgenError(
      'UNSUPPORTED',
      `${mode} mode is not part of this build yet; available: ${SUPPORTED_MODES.join(', ')}`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// Generation: one task, or many

export interface SolveOptions extends RuntimeConfig {
  /** @default 'neural' */
  mode?: Mode;
  /** Candidates sampled first. @default 1 (a replay model: every recorded sample) */
  samples?: number;
  /** Repair rounds while nothing passes. @default 0 */
  repairRounds?: number;
  budget?: Budget;
  signal?: AbortSignal;
  /** A runtime to reuse; without one a runtime is built from the options and closed after. */
  runtime?: Runtime;
}

function episodeSettings(options: SolveOptions): EpisodeSettings {
  const mode = options.mode ?? 'neural';
  assertSupportedMode(mode);
  return {
    mode,
    ...(options.samples !== undefined ? { samples: options.samples } : {}),
    repairRounds: options.repairRounds ?? 0,
    budget: options.budget ?? {},
  };
}

/** Solves one task: proposes, verifies, rewards, repairs; the episode says what happened. */
export async function solve(task: Task, options: SolveOptions = {}): Promise<Episode> {
  const settings = episodeSettings(options);
  const runtime = options.runtime ?? createRuntime(options);
  try {
    return await runEpisode(
      task,
      settings,
      { runId: 'solve', ...runtime, emit: () => undefined },
      options.signal ? { signal: options.signal } : {},
    );
  } finally {
    if (!options.runtime) await runtime.close();
  }
}

export interface RunManyOptions extends SolveOptions {
  /** Tasks in flight at once. @default 1 */
  concurrency?: number;
  /** JSONL journal to append to (see `resume`). */
  journalPath?: string;
  resume?: boolean;
}

/** Solves many tasks; yields every RunEvent as it happens. */
export async function* run(tasks: readonly Task[], options: RunManyOptions = {}): AsyncGenerator<RunEvent> {
  const settings = episodeSettings(options);
  const runtime = options.runtime ?? createRuntime(options);
  try {
    yield* runTasks(tasks, runtime, {
      ...settings,
      model: runtime.model?.spec ?? 'none',
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.journalPath ? { journalPath: options.journalPath } : {}),
      ...(options.resume ? { resume: options.resume } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    if (!options.runtime) await runtime.close();
  }
}

// ---------------------------------------------------------------------------------------
// Evaluation on a benchmark or a task file

export interface EvaluateOptions extends RunManyOptions {
  /** `humaneval`, `mbpp`, `humaneval-js`, `humaneval-ts` or `tasks`. */
  dataset: string;
  /** The dataset file; the bundled copy by default (required for `tasks`). */
  dataFile?: string;
  /** The model spec; required except in symbolic mode (`none` there). */
  model?: string;
  /** k values of pass@k. @default [1] */
  k?: readonly number[];
  /** Folder for the journal and the reports. */
  out?: string;
  onEvent?: (event: RunEvent) => void;
}

/**
 * Runs a dataset through the orchestrator and writes `journal.jsonl`, `report.json` and
 * `report.html` to `out`. With a replay model every recorded sample is scored and nothing
 * is repaired.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  const settings = episodeSettings(options);
  const tasks = await loadDataset({
    name: options.dataset,
    ...(options.dataFile ? { file: options.dataFile } : {}),
  });
  const runtime = options.runtime ?? createRuntime(options);
  try {
    const model = runtime.model;
    if (!model && settings.mode !== 'symbolic') {
      throw new NsgenError('INVALID_ARGUMENT', 'evaluate needs a model spec (--model)');
    }
    if (model?.provider === 'replay') {
      const missing = await tasksWithoutReplaySamples(model, tasks);
      if (missing.length === tasks.length) {
        throw new NsgenError(
          'INVALID_ARGUMENT',
          `${model.spec} has no samples for any task of ${options.dataset}` +
            (model.spec === 'replay:canonical' ? ' (this dataset has no reference solutions)' : ''),
        );
      }
      if (settings.repairRounds > 0) {
        options.onWarning?.(
          'recorded samples are scored as they are: --repair is ignored with a replay model',
        );
      }
    }
    const k = options.k ?? [1];
    return await runEvaluation(tasks, runtime, {
      ...settings,
      ...(model?.provider === 'replay' ? { repairRounds: 0 } : {}),
      dataset: options.dataset,
      model: model?.spec ?? 'none',
      k,
      settings: {
        dataset: options.dataset,
        dataFile: options.dataFile ?? null,
        model: model?.spec ?? 'none',
        mode: settings.mode,
        samples: settings.samples ?? null,
        repairRounds: settings.repairRounds,
        verifiers: runtime.verifiers.map((verifier) => verifier.name),
        rewardWeights: runtime.reward.weights,
        testTimeoutMs: options.testTimeoutMs ?? null,
      },
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.out ? { out: options.out } : {}),
      ...(options.resume ? { resume: true } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    if (!options.runtime) await runtime.close();
  }
}

// ---------------------------------------------------------------------------------------
// Verification of one candidate

export interface VerifyOptions extends RuntimeConfig {
  signal?: AbortSignal;
}

/** The verdict of every applicable verifier on one program, and the reward. */
export async function verify(task: Task, code: string, options: VerifyOptions = {}) {
  const runtime = createRuntime(options);
  try {
    const candidate = {
      id: `${task.id}/verify`,
      taskId: task.id,
      code,
      origin: { agent: 'user', mode: 'neural' as const, repairRound: 0 },
    };
    const verdicts: Verdict[] = [];
    for (const verifier of runtime.verifiers) {
      if (!verifier.appliesTo(task)) continue;
      try {
        verdicts.push(
          await verifier.verify(candidate, task, options.signal ? { signal: options.signal } : {}),
        );
      } catch (error) {
        const info = errorInfo(error);
        verdicts.push({
          verifier: verifier.name,
          status: 'error',
          score: 0,
          diagnostics: [{ message: info.message, severity: 'error', rule: info.code }],
          counterexamples: [],
          durationMs: 0,
        });
      }
    }
    const reward = runtime.reward.score({ task, candidate, verdicts });
    const passed = runtime.verifiers.every(
      (verifier) =>
        !verifier.hard ||
        !verdicts.some((v) => v.verifier === verifier.name && (v.status === 'fail' || v.status === 'error')),
    );
    return { taskId: task.id, passed, verdicts, reward };
  } finally {
    await runtime.close();
  }
}

export { DEFAULT_REWARD_WEIGHTS } from '../reward/index.js';
export * from './core/index.js';
export type { EvaluationResult, Report } from './eval/index.js';
export { DATASETS, loadDataset } from './eval/index.js';
export {
  createSolveTool,
  type FromLangChainOptions,
  fromLangChain,
  type LangChainChatModel,
  resolveModel,
  type SolveToolInput,
  type SolveToolOutput,
} from './lm/index.js';
export type { Agents, Budget, EpisodeSettings } from './orchestrator/index.js';
