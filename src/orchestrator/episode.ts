/**
 * One task's episode: propose → staged verification → reward → select, then repair rounds
 * while nothing passes and the budget allows. Every step is emitted as a RunEvent.
 */
import {
  type Agent,
  type CallOptions,
  type Candidate,
  type Episode,
  type EpisodeStatus,
  errorInfo,
  type Mode,
  NsgenError,
  type RepairFeedback,
  type RewardModel,
  type RunEvent,
  type ScoredCandidate,
  type Task,
  throwIfAborted,
} from '../core/index.js';
import { type Budget, exhaustedLimit } from './budget.js';
import type { TaskResumeState } from './journal.js';
import type { VerificationPipeline } from './verification-pipeline.js';

/** The agents an orchestrator can drive; a mode needs the ones it names. */
export interface Agents {
  /** Proposes first candidates from a language model (neural and hybrid modes). */
  neural?: Agent;
  /** Rewrites failing candidates from their verdicts (repair rounds). */
  repair?: Agent;
  /** Synthesises without a model (symbolic mode). */
  symbolic?: Agent;
}

export interface EpisodeSettings {
  mode: Mode;
  /** Candidates proposed in round 0. Undefined: the agent decides (replay: all recorded). */
  samples?: number;
  /** Repair rounds after round 0 while nothing passes. @default 0 */
  repairRounds: number;
  /** Candidates proposed per repair round. @default 1 */
  repairSamples?: number;
  /** Failing candidates of a round handed to the repair agent, best reward first. @default 1 */
  repairWidth?: number;
  budget: Budget;
}

export interface EpisodeContext {
  runId: string;
  agents: Agents;
  pipeline: VerificationPipeline;
  reward: RewardModel;
  emit: (event: RunEvent) => void;
  /** What an interrupted run already did for this task. */
  resume?: TaskResumeState;
}

export async function runEpisode(
  task: Task,
  settings: EpisodeSettings,
  context: EpisodeContext,
  options: CallOptions = {},
): Promise<Episode> {
  const startedAt = new Date();
  const started = performance.now();
  const scored: ScoredCandidate[] = [];
  const use = { candidates: 0, tokens: 0, startedAt: started };
  let status: EpisodeStatus = 'unsolved';
  let error: Episode['error'];
  let round = 0;

  try {
    const first = firstAgent(settings.mode, context.agents);
    let proposals = await propose(task, round, context, options, () =>
      first.propose(
        settings.samples === undefined
          ? { task, mode: settings.mode, round }
          : { task, mode: settings.mode, round, n: settings.samples },
        options,
      ),
    );
    for (;;) {
      const roundScored: ScoredCandidate[] = [];
      for (const candidate of proposals) {
        if (exhaustedLimit(settings.budget, use)) break;
        const result = await score(task, candidate, context, options);
        use.candidates++;
        use.tokens += tokensOf(candidate);
        roundScored.push(result);
        scored.push(result);
      }
      if (scored.some((s) => s.passed)) {
        status = 'solved';
        break;
      }
      if (exhaustedLimit(settings.budget, use)) {
        status = 'budget-exhausted';
        break;
      }
      if (round >= settings.repairRounds || !context.agents.repair || roundScored.length === 0) break;
      const feedback = bestFailures(roundScored, settings.repairWidth ?? 1);
      round++;
      proposals = await propose(task, round, context, options, () =>
        context.agents.repair!.propose(
          { task, mode: settings.mode, round, n: settings.repairSamples ?? 1, feedback },
          options,
        ),
      );
    }
  } catch (caught) {
    const info = errorInfo(caught);
    if (info.code === 'ABORTED') throw caught;
    status = 'error';
    error = info;
  }

  const selected = selectBest(scored);
  return {
    taskId: task.id,
    mode: settings.mode,
    status,
    candidates: scored,
    ...(selected ? { selectedId: selected.candidate.id } : {}),
    repairRounds: round,
    tokens: {
      promptTokens: sum(scored, (s) => s.candidate.usage?.promptTokens ?? 0),
      completionTokens: sum(scored, (s) => s.candidate.usage?.completionTokens ?? 0),
    },
    timings: { startedAt: startedAt.toISOString(), durationMs: Math.round(performance.now() - started) },
    ...(error ? { error } : {}),
  };
}

/** The best candidate: passing before failing, then higher reward, then earlier. */
export function selectBest(scored: readonly ScoredCandidate[]): ScoredCandidate | undefined {
  let best: ScoredCandidate | undefined;
  for (const candidate of scored) {
    if (
      !best ||
      (candidate.passed && !best.passed) ||
      (candidate.passed === best.passed && candidate.reward.total > best.reward.total)
    ) {
      best = candidate;
    }
  }
  return best;
}

function firstAgent(mode: Mode, agents: Agents): Agent {
  const agent = mode === 'symbolic' ? agents.symbolic : agents.neural;
  if (!agent) {
    throw new NsgenError(
      'UNSUPPORTED',
      mode === 'symbolic'
        ? 'symbolic mode needs a symbolic synthesizer, and none is configured'
        : `${mode} mode needs a language model agent, and none is configured`,
    );
  }
  return agent;
}

/**
 * Proposals of a round come from the journal when an interrupted run recorded them (so a
 * resumed run neither repeats model calls nor changes what was sampled), else from the
 * agent. Ids are stamped `${task}/r${round}/${i}` so they are unique and stable.
 */
async function propose(
  task: Task,
  round: number,
  context: EpisodeContext,
  options: CallOptions,
  ask: () => Promise<Candidate[]>,
): Promise<Candidate[]> {
  throwIfAborted(options.signal);
  const recorded = context.resume?.proposals.get(round);
  if (recorded) return recorded;
  const candidates = (await ask()).map((candidate, index) => ({
    ...candidate,
    id: `${task.id}/r${round}/${index}`,
    taskId: task.id,
  }));
  const at = new Date().toISOString();
  for (const candidate of candidates) {
    context.emit({ type: 'candidate.proposed', runId: context.runId, at, candidate });
    const parentId = candidate.origin.parentId;
    if (parentId) {
      const { runId } = context;
      context.emit({
        type: 'candidate.repaired',
        runId,
        at,
        taskId: task.id,
        parentId,
        candidateId: candidate.id,
        round,
      });
    }
  }
  return candidates;
}

async function score(
  task: Task,
  candidate: Candidate,
  context: EpisodeContext,
  options: CallOptions,
): Promise<ScoredCandidate> {
  const recorded = context.resume?.verified.get(candidate.id);
  if (recorded && recorded.candidate.code === candidate.code) return recorded;
  throwIfAborted(options.signal);
  const { verdicts, passed } = await context.pipeline.verify(candidate, task, options);
  const reward = context.reward.score({ task, candidate, verdicts });
  const scored: ScoredCandidate = { candidate, verdicts, reward, passed };
  context.emit({ type: 'candidate.verified', runId: context.runId, at: new Date().toISOString(), scored });
  return scored;
}

function bestFailures(scored: ScoredCandidate[], width: number): RepairFeedback[] {
  return scored
    .filter((s) => !s.passed)
    .sort((a, b) => b.reward.total - a.reward.total)
    .slice(0, Math.max(1, width))
    .map((s) => ({ parent: s.candidate, verdicts: s.verdicts }));
}

function tokensOf(candidate: Candidate): number {
  return (candidate.usage?.promptTokens ?? 0) + (candidate.usage?.completionTokens ?? 0);
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
