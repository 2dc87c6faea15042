/**
 * The ports: one small interface per kind of backend. Implementations live in the
 * top-level parts (`sandbox/`, `verifiers/`, `agents/`, ...) and in `src/lm`; only the
 * edges (`src/cli`, `src/server`, `src/index.ts`) choose concrete ones.
 */
import type {
  Candidate,
  ExecResult,
  Language,
  Mode,
  Reward,
  RewardWeights,
  Task,
  TokenUsage,
  Verdict,
} from './types.js';

/** Options every asynchronous call accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------
// Language models

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateRequest {
  /** Chat form. Providers that only complete text join the messages. */
  messages?: ChatMessage[];
  /** Completion form: text the model continues. */
  prompt?: string;
  /** The task being solved: replay models look samples up by its id. */
  task?: Task;
  /** How many samples to draw. @default 1 */
  n?: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
}

/**
 * How a sample's text becomes a program: `completion` continues the task's prompt
 * (HumanEval), `program` is a whole program, `message` is free text with code somewhere
 * in it (a chat answer) that the agent must extract.
 */
export type SampleFormat = 'completion' | 'program' | 'message';

export interface Sample {
  text: string;
  format: SampleFormat;
  finishReason?: 'stop' | 'length' | 'error' | 'unknown';
}

export interface GenerateResult {
  samples: Sample[];
  usage: TokenUsage;
  /** Settings the provider could not honour: reported, never silently dropped. */
  warnings: string[];
}

export interface LanguageModel {
  readonly specificationVersion: 'v1';
  /** Provider id as written in a model spec (`replay`, `openai`, `tfjs`, ...). */
  readonly provider: string;
  /** The full spec that built this model, for reports. */
  readonly spec: string;
  generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResult>;
}

// ---------------------------------------------------------------------------------------
// Agents

/** What a failed candidate tells the next proposal. */
export interface RepairFeedback {
  parent: Candidate;
  verdicts: Verdict[];
}

export interface ProposeInput {
  task: Task;
  mode: Mode;
  /**
   * How many candidates to propose. Undefined leaves it to the agent: one sample from a
   * live model, every recorded sample from a replay model (scoring recorded samples).
   */
  n?: number;
  /** 0 for first proposals; n for the n-th repair round. */
  round: number;
  /** Failing candidates of the previous round, for repair agents. */
  feedback?: RepairFeedback[];
}

export interface Agent {
  readonly name: string;
  propose(input: ProposeInput, options?: CallOptions): Promise<Candidate[]>;
}

// ---------------------------------------------------------------------------------------
// Verifiers

export interface Verifier {
  /** Stable name, used in verdicts, reward components and caches. */
  readonly name: string;
  /**
   * Relative cost: staged verification runs cheap verifiers first.
   * Syntax ~1, static analysis ~10, sandboxed tests ~100, solvers ~1000.
   */
  readonly cost: number;
  /** A failing hard verifier stops the stages after it and makes the candidate fail. */
  readonly hard: boolean;
  /** False when the task gives the verifier nothing to check (no tests, no contract). */
  appliesTo(task: Task): boolean;
  verify(candidate: Candidate, task: Task, options?: CallOptions): Promise<Verdict>;
}

// ---------------------------------------------------------------------------------------
// Sandboxes

export interface ExecRequest {
  language: Language;
  /** The whole program. */
  code: string;
  stdin?: string;
  /** Wall-clock limit. @default 10_000 */
  timeoutMs?: number;
  /** Address-space limit for the program. @default 512 */
  memoryMb?: number;
  /** Bytes of stdout plus stderr kept before the program is stopped. @default 1 MiB */
  maxOutputBytes?: number;
}

export interface SandboxCapabilities {
  /** True when the program cannot reach any network (a private network namespace). */
  networkIsolated: boolean;
  /** True when process-count limits are enforced. */
  processLimit: boolean;
  /** True when the program runs as an unprivileged user distinct from the host's. */
  unprivilegedUser: boolean;
  languages: Language[];
}

export interface Sandbox {
  readonly name: string;
  /** What this sandbox can enforce on this machine; known after `start`. */
  capabilities(): SandboxCapabilities;
  /** Starts warm resources; `exec` calls it when needed, so calling it is optional. */
  start(): Promise<void>;
  exec(request: ExecRequest, options?: CallOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Rewards

export interface RewardInput {
  task: Task;
  candidate: Candidate;
  verdicts: Verdict[];
}

export interface RewardModel {
  readonly name: string;
  readonly weights: RewardWeights;
  score(input: RewardInput): Reward;
}
