/**
 * The run journal: an append-only JSONL file of RunEvents, written as work finishes, so a
 * run killed at any point (even `kill -9`) loses nothing it had scored. `readJournal`
 * rebuilds what an interrupted run did, and a resumed run continues from there.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import {
  type Candidate,
  type Episode,
  NsgenError,
  type RunEvent,
  type ScoredCandidate,
} from '../core/index.js';

/** What an interrupted run recorded for one unfinished task. */
export interface TaskResumeState {
  /** Proposals per round, in the order they were made. */
  proposals: Map<number, Candidate[]>;
  /** Scored candidates by id. */
  verified: Map<string, ScoredCandidate>;
}

export interface JournalState {
  /** The settings of the first run that wrote the journal. */
  settings: Record<string, unknown> | undefined;
  runId: string | undefined;
  /** Finished tasks. */
  episodes: Map<string, Episode>;
  /** Unfinished tasks with recorded work. */
  tasks: Map<string, TaskResumeState>;
  /** Bytes of the file that hold complete lines; a torn last line lies beyond. */
  validBytes: number;
}

export function readJournal(path: string): JournalState {
  const state: JournalState = {
    settings: undefined,
    runId: undefined,
    episodes: new Map(),
    tasks: new Map(),
    validBytes: 0,
  };
  if (!existsSync(path)) return state;
  const buffer = readFileSync(path);
  // Only complete lines count: a kill mid-write leaves a torn tail without its newline.
  const end = buffer.lastIndexOf(0x0a) + 1;
  state.validBytes = end;
  const lines = buffer.subarray(0, end).toString('utf8').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    let event: RunEvent;
    try {
      event = JSON.parse(line) as RunEvent;
    } catch (cause) {
      throw new NsgenError('JOURNAL_ERROR', 'malformed journal line; the journal was edited or corrupted', {
        where: `${path}:${index + 1}`,
        cause,
      });
    }
    apply(state, event);
  }
  return state;
}

function apply(state: JournalState, event: RunEvent): void {
  switch (event.type) {
    case 'run.started':
      if (!state.settings) {
        state.settings = event.settings;
        state.runId = event.runId;
      }
      return;
    case 'candidate.proposed': {
      const task = taskState(state, event.candidate.taskId);
      const round = event.candidate.origin.repairRound;
      const list = task.proposals.get(round) ?? [];
      if (!list.some((c) => c.id === event.candidate.id)) list.push(event.candidate);
      task.proposals.set(round, list);
      return;
    }
    case 'candidate.verified':
      taskState(state, event.scored.candidate.taskId).verified.set(event.scored.candidate.id, event.scored);
      return;
    case 'task.finished':
      state.episodes.set(event.episode.taskId, event.episode);
      state.tasks.delete(event.episode.taskId);
      return;
    default:
      return;
  }
}

function taskState(state: JournalState, taskId: string): TaskResumeState {
  let task = state.tasks.get(taskId);
  if (!task) {
    task = { proposals: new Map(), verified: new Map() };
    state.tasks.set(taskId, task);
  }
  return task;
}

/**
 * Appends events as JSON lines. Events emitted in the same tick go out in one `write`,
 * so the proposals of a round land together or not at all.
 */
export class JournalWriter {
  private fd: number | undefined;
  private pending: string[] = [];
  private scheduled = false;

  /** Opens `path` for appending; `truncateTo` cuts a torn tail left by a killed run. */
  constructor(
    private readonly path: string,
    truncateTo?: number,
  ) {
    try {
      this.fd = openSync(path, 'a');
      if (truncateTo !== undefined) ftruncateSync(this.fd, truncateTo);
    } catch (cause) {
      throw new NsgenError('JOURNAL_ERROR', `cannot open the journal for writing`, { where: path, cause });
    }
  }

  write(event: RunEvent): void {
    this.pending.push(`${JSON.stringify(event)}\n`);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.fd === undefined) return;
    const text = this.pending.join('');
    this.pending = [];
    try {
      writeSync(this.fd, text);
    } catch (cause) {
      throw new NsgenError('JOURNAL_ERROR', 'cannot append to the journal', { where: this.path, cause });
    }
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The first setting that differs between a journal and the run that wants to resume it. */
export function settingsMismatch(
  recorded: Record<string, unknown>,
  current: Record<string, unknown>,
): string | undefined {
  const keys = new Set([...Object.keys(recorded), ...Object.keys(current)]);
  for (const key of [...keys].sort()) {
    const was = JSON.stringify(recorded[key] ?? null);
    const now = JSON.stringify(current[key] ?? null);
    if (was !== now) return `${key} was ${was}, now ${now}`;
  }
  return undefined;
}
