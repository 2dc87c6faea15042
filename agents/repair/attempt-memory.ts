/**
 * A short memory of earlier repair attempts per task, Reflexion-style: what each attempt
 * tried (the model's own one-line diagnosis) and why it failed. Bounded three ways: the
 * attempts kept per task, the characters rendered into a prompt, and the tasks
 * remembered (the least recently touched are forgotten first).
 */

export interface AttemptRecord {
  /** The round that produced the candidate. */
  round: number;
  candidateId: string;
  /** What the attempt tried, in the model's words, when it said. */
  approach?: string;
  /** Why it failed, from its verdicts. */
  outcome: string;
}

export interface AttemptMemoryOptions {
  /** Attempts kept per task. @default 3 */
  maxAttempts?: number;
  /** The rendered memory's length bound, in characters. @default 1200 */
  maxChars?: number;
  /** Tasks remembered at once. @default 256 */
  maxTasks?: number;
}

const APPROACH_CHARS = 240;
const OUTCOME_CHARS = 240;

export class AttemptMemory {
  readonly #maxAttempts: number;
  readonly #maxChars: number;
  readonly #maxTasks: number;
  readonly #records = new Map<string, AttemptRecord[]>();

  constructor(options: AttemptMemoryOptions = {}) {
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#maxChars = options.maxChars ?? 1200;
    this.#maxTasks = options.maxTasks ?? 256;
  }

  record(taskId: string, attempt: AttemptRecord): void {
    const records = this.#records.get(taskId) ?? [];
    if (records.some((record) => record.candidateId === attempt.candidateId)) return;
    const kept: AttemptRecord = {
      round: attempt.round,
      candidateId: attempt.candidateId,
      outcome: clip(attempt.outcome, OUTCOME_CHARS),
    };
    if (attempt.approach) kept.approach = clip(attempt.approach, APPROACH_CHARS);
    records.push(kept);
    // Re-inserting moves the task to the end: the map's order is least recently touched first.
    this.#records.delete(taskId);
    this.#records.set(taskId, records.slice(-this.#maxAttempts));
    while (this.#records.size > this.#maxTasks) {
      const oldest = this.#records.keys().next().value;
      if (oldest === undefined) break;
      this.#records.delete(oldest);
    }
  }

  attempts(taskId: string): readonly AttemptRecord[] {
    return this.#records.get(taskId) ?? [];
  }

  forget(taskId: string): void {
    this.#records.delete(taskId);
  }

  /** The memory as prompt lines, oldest first, dropping the oldest (then clipping the last) to fit `maxChars`. */
  render(taskId: string): string {
    const lines = this.attempts(taskId).map((record) => {
      const tried = record.approach ? ` tried: ${record.approach};` : '';
      return `- Round ${record.round} (${record.candidateId}):${tried} failed: ${record.outcome}`;
    });
    while (lines.length > 1 && lines.join('\n').length > this.#maxChars) lines.shift();
    const text = lines.join('\n');
    return text.length > this.#maxChars ? `${text.slice(0, this.#maxChars - 1)}…` : text;
  }
}

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}
