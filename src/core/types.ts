/**
 * The domain types every part of nsgen speaks. Names are a contract (DESIGN.md); fields
 * may grow. Everything here is plain, serialisable data: no classes, no functions, so a
 * value can go into the journal, over HTTP or into a report unchanged.
 */

/** Languages a task can be written in. `javascript` covers HumanEval-JS style tasks. */
export type Language = 'python' | 'typescript' | 'javascript';
export const LANGUAGES: readonly Language[] = ['python', 'typescript', 'javascript'];

/** How the orchestrator produces candidates. */
export type Mode = 'neural' | 'symbolic' | 'hybrid' | 'adaptive';
export const MODES: readonly Mode[] = ['neural', 'symbolic', 'hybrid', 'adaptive'];

/** A parameter of a task's function, with a language-neutral type (`int`, `list[str]`, ...). */
export interface Parameter {
  name: string;
  type: string;
}

export interface Signature {
  params: Parameter[];
  returns: string;
}

/** One input/output pair: `input` holds the positional arguments. */
export interface Example {
  input: unknown[];
  output: unknown;
}

/** Pre/post-conditions as expressions in the task's language; the return value is `result`. */
export interface Contract {
  pre?: string;
  post?: string;
  invariants?: string[];
}

/** Where retrieval looks for grounding code. */
export interface TaskContext {
  repo?: string;
  files?: string[];
}

export interface Task {
  id: string;
  language: Language;
  /** The request in words (for benchmarks: the prompt the model continues). */
  prompt: string;
  /** The function the tests and contracts call. */
  entryPoint: string;
  signature?: Signature;
  examples?: Example[];
  /**
   * Executable test code in the task's language. A candidate passes when
   * `code + "\n" + tests` runs to completion with exit status 0 (the HumanEval and MBPP
   * semantics).
   */
  tests?: string;
  contract?: Contract;
  context?: TaskContext;
  metadata?: Record<string, unknown>;
}

/** Where a candidate came from. */
export interface CandidateOrigin {
  /** The agent that produced it (`replay`, `neural`, `repair`, `symbolic`, ...). */
  agent: string;
  mode: Mode;
  /** The model spec, when a model wrote it. */
  model?: string;
  /** The candidate this one repairs. */
  parentId?: string;
  /** 0 for first proposals, n for the n-th repair round. */
  repairRound: number;
  /** Position among the samples of one proposal (recorded samples keep their order). */
  sampleIndex?: number;
}

export interface Candidate {
  id: string;
  taskId: string;
  /** The whole program under test (for HumanEval: prompt + completion). */
  code: string;
  origin: CandidateOrigin;
  /** Tokens the model spent on this candidate, when known. */
  usage?: TokenUsage;
  /** What the producing agent knows about it, serialisable (the symbolic agent: its program and renderings). */
  metadata?: Record<string, unknown>;
}

export type VerdictStatus = 'pass' | 'fail' | 'error' | 'skipped';

export type Severity = 'error' | 'warning' | 'info';

/** A 1-based line and column range in the candidate's code. */
export interface SourceLocation {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface Diagnostic {
  message: string;
  severity: Severity;
  /** A stable rule or check id (`syntax-error`, `cyclomatic-complexity`, `test-failed`). */
  rule?: string;
  location?: SourceLocation;
}

/** Concrete input that breaks a test or a contract. */
export interface Counterexample {
  input: unknown[] | Record<string, unknown>;
  expected?: unknown;
  actual?: unknown;
  /** The condition it violates (`post`, a test's text, ...). */
  violates?: string;
}

/** One test case's outcome, when the test format lets us tell cases apart. */
export interface TestCaseResult {
  name: string;
  status: 'pass' | 'fail' | 'error' | 'not-run';
  message?: string;
}

/** What a contract check concluded (issue 5 fills it; DESIGN.md shape). */
export interface ContractOutcome {
  status: 'proved' | 'counterexample' | 'unknown';
  /** True when loops were unrolled to a bound. */
  bounded: boolean;
  counterexample?: { input: Record<string, unknown>; output: unknown; violates: string };
  reason?: string;
}

export interface Verdict {
  /** The verifier's name (`syntax`, `quality`, `tests`, `security`, `license`, `contracts`). */
  verifier: string;
  status: VerdictStatus;
  /** In [0, 1]: how well the candidate did on this verifier. */
  score: number;
  diagnostics: Diagnostic[];
  counterexamples: Counterexample[];
  durationMs: number;
  /** Test verifier: per-case results and the run's outcome. */
  tests?: { passed: number; total: number; cases: TestCaseResult[]; execution: ExecSummary };
  /** Contract verifier: the proof outcome. */
  contract?: ContractOutcome;
  /** Verifier-specific figures (metrics, risk, ...), serialisable. */
  details?: Record<string, unknown>;
}

/** Reward components, named after the verifiers that feed them. */
export type RewardComponent = 'tests' | 'security' | 'quality' | 'license';
export const REWARD_COMPONENTS: readonly RewardComponent[] = ['tests', 'security', 'quality', 'license'];

export type RewardWeights = Record<RewardComponent, number>;

export interface Reward {
  total: number;
  /** Component values in [0, 1]; components without a verifier are absent. */
  components: Partial<Record<RewardComponent, number>>;
  /** The configured weights. */
  weights: RewardWeights;
  /** The weights actually applied after renormalising over applicable components. */
  appliedWeights: Partial<Record<RewardComponent, number>>;
  /** Components with no verdict to score them: left out, never invented. */
  notApplicable: RewardComponent[];
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** A candidate with everything the verifiers and the reward said about it. */
export interface ScoredCandidate {
  candidate: Candidate;
  verdicts: Verdict[];
  reward: Reward;
  /** True when every hard verifier passed (tests included, where the task has tests). */
  passed: boolean;
}

export type EpisodeStatus = 'solved' | 'unsolved' | 'budget-exhausted' | 'error';

/** A serialisable error, as it goes into the journal and reports. */
export interface ErrorInfo {
  code: string;
  message: string;
}

export interface Episode {
  taskId: string;
  mode: Mode;
  status: EpisodeStatus;
  candidates: ScoredCandidate[];
  selectedId?: string;
  repairRounds: number;
  tokens: TokenUsage;
  timings: { startedAt: string; durationMs: number };
  error?: ErrorInfo;
}

/** The outcome of running one program in a sandbox (DESIGN.md `nsgen exec` shape). */
export type ExecStatus = 'ok' | 'error' | 'timeout' | 'memory' | 'output-limit' | 'killed';
export const EXEC_STATUSES: readonly ExecStatus[] = [
  'ok',
  'error',
  'timeout',
  'memory',
  'output-limit',
  'killed',
];

export interface ExecResult {
  status: ExecStatus;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** An ExecResult without the output streams, for verdicts kept in journals. */
export type ExecSummary = Omit<ExecResult, 'stdout' | 'stderr'> & { stderrTail: string };

/** Everything that happens in a run, in order. Consumers switch on `type`. */
export type RunEvent =
  | {
      type: 'run.started';
      runId: string;
      at: string;
      tasks: number;
      mode: Mode;
      model: string;
      /** The settings that decide outcomes; a resumed run must match them. */
      settings: Record<string, unknown>;
      /** True when this run continues an interrupted one from its journal. */
      resumed: boolean;
    }
  | { type: 'task.started'; runId: string; at: string; taskId: string }
  | { type: 'candidate.proposed'; runId: string; at: string; candidate: Candidate }
  | { type: 'candidate.verified'; runId: string; at: string; scored: ScoredCandidate }
  | {
      type: 'candidate.repaired';
      runId: string;
      at: string;
      taskId: string;
      parentId: string;
      candidateId: string;
      round: number;
    }
  | { type: 'task.finished'; runId: string; at: string; episode: Episode }
  | { type: 'run.warning'; runId: string; at: string; message: string; taskId?: string }
  | { type: 'run.finished'; runId: string; at: string; solved: number; tasks: number; durationMs: number };

export type RunEventType = RunEvent['type'];
