/**
 * The JSON report of a run (`report.json`). It is a deterministic function of the episodes:
 * tasks sorted by id, candidates in a stable order, object keys in a fixed order, so a
 * resumed run reproduces an uninterrupted run's report. Everything that depends on the
 * wall clock (start times, durations, verifier timings) lives under `timings` alone.
 */
import {
  type Diagnostic,
  type Episode,
  type EpisodeStatus,
  type ErrorInfo,
  NsgenError,
  REWARD_COMPONENTS,
  type RewardComponent,
  type ScoredCandidate,
  type TokenUsage,
  type VerdictStatus,
} from '../core/index.js';
import { passAtK } from './pass-at-k.js';

/** Bumped when the report's shape changes incompatibly. */
export const REPORT_SCHEMA_VERSION = 1;

/** Diagnostics kept per verdict in the report; the journal keeps them all. */
export const REPORT_DIAGNOSTICS_PER_VERDICT = 3;

const EPISODE_STATUSES: readonly EpisodeStatus[] = ['solved', 'unsolved', 'budget-exhausted', 'error'];

export interface ReportInput {
  episodes: readonly Episode[];
  /** The dataset name (or a task file's name). */
  dataset: string;
  mode: string;
  /** The model spec. */
  model: string;
  /** The k values of pass@k. */
  k: readonly number[];
  /** When the run started (ISO 8601); reported under `timings`. */
  startedAt: string;
  /** The run's wall-clock time; reported under `timings`. */
  wallMs: number;
  /** Settings of the run worth keeping next to its results (samples, repair rounds, ...). */
  config?: Record<string, unknown>;
}

export interface ReportVerdict {
  verifier: string;
  status: VerdictStatus;
  score: number;
  /** The first `REPORT_DIAGNOSTICS_PER_VERDICT` diagnostics. */
  diagnostics: Diagnostic[];
  /** How many diagnostics the verdict had in all. */
  diagnosticCount: number;
  /** Test cases passed and run, for the tests verifier. */
  tests?: { passed: number; total: number };
}

export interface ReportReward {
  total: number;
  components: Partial<Record<RewardComponent, number>>;
  weights: Partial<Record<RewardComponent, number>>;
  appliedWeights: Partial<Record<RewardComponent, number>>;
  notApplicable: RewardComponent[];
}

export interface ReportSample {
  id: string;
  sampleIndex: number | null;
  repairRound: number;
  parentId: string | null;
  passed: boolean;
  reward: ReportReward;
  verdicts: ReportVerdict[];
}

export interface ReportTask {
  taskId: string;
  status: EpisodeStatus;
  /** Candidates that passed, over all rounds. */
  passed: number;
  /** Candidates scored, over all rounds. */
  candidates: number;
  /** The best reward total among the candidates; null when there was none. */
  bestReward: number | null;
  repairRounds: number;
  selectedId: string | null;
  error: ErrorInfo | null;
  tokens: TokenUsage;
  samples: ReportSample[];
  /** Symbolic mode: the selected program as SyGuS `(define-fun …)` text. */
  program?: string;
  /** Symbolic mode: the selected program rendered in Python and TypeScript. */
  renderings?: { python: string; typescript: string };
}

/** Percentiles by the nearest-rank method, in milliseconds. */
export interface DurationStats {
  count: number;
  totalMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface ReportTimings {
  startedAt: string;
  wallMs: number;
  /** Per verifier, over every verdict of every candidate. */
  verifiers: Record<string, DurationStats>;
  episodes: DurationStats;
  /** Each task's start, duration and its candidates' verdict durations. */
  perTask: {
    taskId: string;
    startedAt: string;
    durationMs: number;
    samples: { id: string; verdicts: { verifier: string; durationMs: number }[] }[];
  }[];
}

export interface Report {
  schemaVersion: number;
  dataset: string;
  mode: string;
  model: string;
  /** Number of tasks. */
  tasks: number;
  /** Number of solved tasks. */
  solved: number;
  statusCounts: Record<EpisodeStatus, number>;
  /** pass@k keyed by k (`{"1": 0.5}`); a k no task can be scored at is absent. */
  passAtK: Record<string, number>;
  /**
   * How many tasks each pass@k covers and how many were left out for having fewer than k
   * candidates (see `passAtK` in pass-at-k.ts). pass@k uses, per task, the candidates of
   * repair round 0 (n) and those of them that passed (c).
   */
  passAtKCoverage: Record<string, { counted: number; excluded: number }>;
  /** Mean over tasks of the best reward; tasks without candidates are left out. */
  meanBestReward: number | null;
  tokens: TokenUsage;
  config: Record<string, unknown>;
  perTask: ReportTask[];
  timings: ReportTimings;
}

/** Builds the report from the run's episodes (one per task) and its metadata. */
export function buildReport(input: ReportInput): Report {
  const episodes = sortedEpisodes(input.episodes);
  const perTask = episodes.map(taskReport);
  const ks = [...new Set(input.k)].sort((a, b) => a - b);
  const counts = episodes.map((episode) => {
    const firstRound = episode.candidates.filter((scored) => scored.candidate.origin.repairRound === 0);
    return { n: firstRound.length, c: firstRound.filter((scored) => scored.passed).length };
  });
  const passAtKValues: Record<string, number> = {};
  const passAtKCoverage: Record<string, { counted: number; excluded: number }> = {};
  for (const result of passAtK(counts, ks)) {
    if (result.value !== undefined) passAtKValues[String(result.k)] = result.value;
    passAtKCoverage[String(result.k)] = { counted: result.counted, excluded: result.excluded };
  }
  const statusCounts = Object.fromEntries(EPISODE_STATUSES.map((status) => [status, 0])) as Record<
    EpisodeStatus,
    number
  >;
  for (const episode of episodes) statusCounts[episode.status] = (statusCounts[episode.status] ?? 0) + 1;
  const bestRewards = perTask.flatMap((task) => (task.bestReward === null ? [] : [task.bestReward]));

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    dataset: input.dataset,
    mode: input.mode,
    model: input.model,
    tasks: episodes.length,
    solved: statusCounts.solved,
    statusCounts,
    passAtK: passAtKValues,
    passAtKCoverage,
    meanBestReward: bestRewards.length === 0 ? null : sum(bestRewards) / bestRewards.length,
    tokens: {
      promptTokens: sum(episodes.map((episode) => episode.tokens.promptTokens)),
      completionTokens: sum(episodes.map((episode) => episode.tokens.completionTokens)),
    },
    config: sortKeysDeep(input.config ?? {}) as Record<string, unknown>,
    perTask,
    timings: timings(input, episodes),
  };
}

/** Orders task ids the way people read them: `HumanEval/2` before `HumanEval/10`. */
export function compareTaskIds(a: string, b: string): number {
  const chunksA = a.match(/\d+|\D+/g) ?? [];
  const chunksB = b.match(/\d+|\D+/g) ?? [];
  for (let index = 0; index < Math.min(chunksA.length, chunksB.length); index++) {
    const left = chunksA[index]!;
    const right = chunksB[index]!;
    if (left === right) continue;
    const bothNumbers = /^\d/.test(left) && /^\d/.test(right);
    if (bothNumbers) {
      const byValue = compareDigits(left, right);
      if (byValue !== 0) return byValue;
    }
    return left < right ? -1 : 1;
  }
  if (chunksA.length !== chunksB.length) return chunksA.length - chunksB.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares digit strings by value without converting (ids may exceed 2^53). */
function compareDigits(left: string, right: string): number {
  const a = left.replace(/^0+(?=\d)/, '');
  const b = right.replace(/^0+(?=\d)/, '');
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedEpisodes(episodes: readonly Episode[]): Episode[] {
  const seen = new Set<string>();
  for (const episode of episodes) {
    if (seen.has(episode.taskId)) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `two episodes for task "${episode.taskId}": a report takes one per task`,
        {
          where: 'buildReport',
        },
      );
    }
    seen.add(episode.taskId);
  }
  return [...episodes].sort((a, b) => compareTaskIds(a.taskId, b.taskId));
}

/** Round first, then sample position; candidates without a position keep their order. */
function sortedCandidates(candidates: readonly ScoredCandidate[]): ScoredCandidate[] {
  return candidates
    .map((scored, index) => ({ scored, index }))
    .sort((a, b) => {
      const left = a.scored.candidate.origin;
      const right = b.scored.candidate.origin;
      return (
        left.repairRound - right.repairRound ||
        (left.sampleIndex ?? Number.MAX_SAFE_INTEGER) - (right.sampleIndex ?? Number.MAX_SAFE_INTEGER) ||
        a.index - b.index
      );
    })
    .map(({ scored }) => scored);
}

function taskReport(episode: Episode): ReportTask {
  const samples = sortedCandidates(episode.candidates).map(sampleReport);
  const rewards = samples.map((sample) => sample.reward.total);
  return {
    taskId: episode.taskId,
    status: episode.status,
    passed: samples.filter((sample) => sample.passed).length,
    candidates: samples.length,
    bestReward: rewards.length === 0 ? null : Math.max(...rewards),
    repairRounds: episode.repairRounds,
    selectedId: episode.selectedId ?? null,
    error: episode.error ? { code: episode.error.code, message: episode.error.message } : null,
    tokens: { promptTokens: episode.tokens.promptTokens, completionTokens: episode.tokens.completionTokens },
    samples,
    ...synthesized(episode),
  };
}

/** The program and renderings the symbolic agent put on the selected candidate. */
function synthesized(episode: Episode): Pick<ReportTask, 'program' | 'renderings'> {
  const selected = episode.candidates.find((scored) => scored.candidate.id === episode.selectedId);
  const metadata = selected?.candidate.metadata;
  const renderings = metadata?.renderings as ReportTask['renderings'] | undefined;
  return {
    ...(typeof metadata?.program === 'string' ? { program: metadata.program } : {}),
    ...(renderings ? { renderings: { python: renderings.python, typescript: renderings.typescript } } : {}),
  };
}

function sampleReport(scored: ScoredCandidate): ReportSample {
  const { candidate, reward } = scored;
  return {
    id: candidate.id,
    sampleIndex: candidate.origin.sampleIndex ?? null,
    repairRound: candidate.origin.repairRound,
    parentId: candidate.origin.parentId ?? null,
    passed: scored.passed,
    reward: {
      total: reward.total,
      components: byComponent(reward.components),
      weights: byComponent(reward.weights),
      appliedWeights: byComponent(reward.appliedWeights),
      notApplicable: REWARD_COMPONENTS.filter((component) => reward.notApplicable.includes(component)),
    },
    verdicts: scored.verdicts.map((verdict) => ({
      verifier: verdict.verifier,
      status: verdict.status,
      score: verdict.score,
      diagnostics: verdict.diagnostics.slice(0, REPORT_DIAGNOSTICS_PER_VERDICT).map(diagnosticReport),
      diagnosticCount: verdict.diagnostics.length,
      ...(verdict.tests ? { tests: { passed: verdict.tests.passed, total: verdict.tests.total } } : {}),
    })),
  };
}

function diagnosticReport(diagnostic: Diagnostic): Diagnostic {
  return {
    message: diagnostic.message,
    severity: diagnostic.severity,
    ...(diagnostic.rule !== undefined ? { rule: diagnostic.rule } : {}),
    ...(diagnostic.location ? { location: sortKeysDeep(diagnostic.location) as Diagnostic['location'] } : {}),
  };
}

/** Components in the reward formula's order, whatever order the record was built in. */
function byComponent(
  values: Partial<Record<RewardComponent, number>>,
): Partial<Record<RewardComponent, number>> {
  const ordered: Partial<Record<RewardComponent, number>> = {};
  for (const component of REWARD_COMPONENTS) {
    const value = values[component];
    if (value !== undefined) ordered[component] = value;
  }
  return ordered;
}

function timings(input: ReportInput, episodes: Episode[]): ReportTimings {
  const byVerifier = new Map<string, number[]>();
  const perTask: ReportTimings['perTask'] = [];
  for (const episode of episodes) {
    const samples = sortedCandidates(episode.candidates).map((scored) => ({
      id: scored.candidate.id,
      verdicts: scored.verdicts.map((verdict) => {
        const durations = byVerifier.get(verdict.verifier) ?? [];
        durations.push(verdict.durationMs);
        byVerifier.set(verdict.verifier, durations);
        return { verifier: verdict.verifier, durationMs: verdict.durationMs };
      }),
    }));
    perTask.push({
      taskId: episode.taskId,
      startedAt: episode.timings.startedAt,
      durationMs: episode.timings.durationMs,
      samples,
    });
  }
  const verifiers: Record<string, DurationStats> = {};
  for (const name of [...byVerifier.keys()].sort()) verifiers[name] = durationStats(byVerifier.get(name)!);
  return {
    startedAt: input.startedAt,
    wallMs: input.wallMs,
    verifiers,
    episodes: durationStats(episodes.map((episode) => episode.timings.durationMs)),
    perTask,
  };
}

/** Count, total, nearest-rank p50/p95 and maximum of some durations. */
export function durationStats(durations: readonly number[]): DurationStats {
  const sorted = [...durations].sort((a, b) => a - b);
  const rank = (percent: number) =>
    sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)]!;
  return {
    count: sorted.length,
    totalMs: sum(sorted),
    p50Ms: rank(50),
    p95Ms: rank(95),
    maxMs: sorted.at(-1) ?? 0,
  };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Plain objects with keys sorted, recursively, so key order never depends on history. */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
