/**
 * A run over many tasks: episodes run concurrently up to a bound, every event goes to the
 * journal (when one is given) and out to the caller as an async iterable.
 */
import { existsSync } from 'node:fs';
import {
  type Episode,
  NsgenError,
  newRunId,
  type RewardModel,
  type RunEvent,
  type Task,
} from '../core/index.js';
import { type Agents, type EpisodeSettings, runEpisode } from './episode.js';
import { JournalWriter, readJournal, settingsMismatch } from './journal.js';
import type { VerificationPipeline } from './verification-pipeline.js';

export interface RunDependencies {
  agents: Agents;
  pipeline: VerificationPipeline;
  reward: RewardModel;
}

export interface RunOptions extends EpisodeSettings {
  /** The model spec, for events and reports. */
  model: string;
  /** Episodes in flight at once. @default 1 */
  concurrency?: number;
  /** JSONL journal to append to. */
  journalPath?: string;
  /**
   * Continue the run recorded in `journalPath`: finished tasks are restored, scored
   * candidates are not scored again. Without it an existing journal is an error, so
   * finished work is never overwritten.
   */
  resume?: boolean;
  /** Settings that decide outcomes; a resumed run must match the journal's. */
  settings?: Record<string, unknown>;
  signal?: AbortSignal;
}

/**
 * Runs every task and yields the run's events in order. Restored episodes of a resumed
 * run are yielded as `task.finished` events too (they are not journaled again), so a
 * consumer sees every task's episode exactly once.
 */
export async function* runTasks(
  tasks: readonly Task[],
  dependencies: RunDependencies,
  options: RunOptions,
): AsyncGenerator<RunEvent, void, undefined> {
  const settings = options.settings ?? {};
  const journalState = options.journalPath
    ? openJournalState(options.journalPath, options, settings)
    : undefined;
  const runId = journalState?.runId ?? newRunId();
  const journal = options.journalPath
    ? new JournalWriter(options.journalPath, journalState?.validBytes)
    : undefined;
  const queue = new EventQueue();
  const emit = (event: RunEvent): void => {
    journal?.write(event);
    queue.push(event);
  };
  const started = performance.now();
  const now = () => new Date().toISOString();
  emit({
    type: 'run.started',
    runId,
    at: now(),
    tasks: tasks.length,
    mode: options.mode,
    model: options.model,
    settings,
    resumed: journalState !== undefined && journalState.settings !== undefined,
  });

  let solved = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      const restored = journalState?.episodes.get(task.id);
      let episode: Episode;
      if (restored) {
        episode = restored;
        queue.push({ type: 'task.finished', runId, at: now(), episode });
      } else {
        emit({ type: 'task.started', runId, at: now(), taskId: task.id });
        const resume = journalState?.tasks.get(task.id);
        episode = await runEpisode(
          task,
          options,
          { runId, ...dependencies, emit, ...(resume ? { resume } : {}) },
          options.signal ? { signal: options.signal } : {},
        );
        if (episode.status === 'error') {
          emit({
            type: 'run.warning',
            runId,
            at: now(),
            taskId: task.id,
            message: episode.error?.message ?? '',
          });
        }
        emit({ type: 'task.finished', runId, at: now(), episode });
      }
      if (episode.status === 'solved') solved++;
    }
  };

  const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, tasks.length || 1));
  const workers = Promise.all(Array.from({ length: concurrency }, worker)).then(
    () => {
      emit({
        type: 'run.finished',
        runId,
        at: now(),
        solved,
        tasks: tasks.length,
        durationMs: Math.round(performance.now() - started),
      });
      queue.end();
    },
    (error: unknown) => queue.fail(error),
  );

  try {
    yield* queue;
  } finally {
    await workers.catch(() => undefined);
    journal?.close();
  }
}

function openJournalState(path: string, options: RunOptions, settings: Record<string, unknown>) {
  if (!options.resume) {
    if (existsSync(path)) {
      throw new NsgenError(
        'JOURNAL_ERROR',
        'a journal from an earlier run is already there; pass --resume to continue it, or choose another output folder',
        { where: path },
      );
    }
    return undefined;
  }
  const state = readJournal(path);
  if (state.settings) {
    const mismatch = settingsMismatch(state.settings, settings);
    if (mismatch) {
      throw new NsgenError(
        'JOURNAL_ERROR',
        `cannot resume: the journal was written with other settings (${mismatch}); resume with the same settings or choose another output folder`,
        { where: path },
      );
    }
  }
  return state;
}

/** A single-consumer queue that turns pushed events into an async iterable. */
class EventQueue implements AsyncIterable<RunEvent> {
  private items: RunEvent[] = [];
  private waiting: (() => void) | undefined;
  private done = false;
  private error: unknown;

  push(event: RunEvent): void {
    this.items.push(event);
    this.wake();
  }

  end(): void {
    this.done = true;
    this.wake();
  }

  fail(error: unknown): void {
    this.error = error ?? new Error('run failed');
    this.done = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RunEvent> {
    for (;;) {
      while (this.items.length > 0) yield this.items.shift()!;
      if (this.error !== undefined) throw this.error;
      if (this.done) return;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }
}

/** Collects the episodes of a run's events, ordered by task id. */
export function episodesOf(events: readonly RunEvent[]): Episode[] {
  return events
    .filter((event): event is Extract<RunEvent, { type: 'task.finished' }> => event.type === 'task.finished')
    .map((event) => event.episode)
    .sort((a, b) => a.taskId.localeCompare(b.taskId));
}
