/**
 * The repair agent: turns failing candidates and their verdicts into repair prompts and
 * asks the model for fixed programs.
 *
 * Replay models cannot repair (they only hand back recorded samples), so `propose`
 * refuses them; the orchestrator does not pair the two.
 */
import {
  type Agent,
  type CallOptions,
  type Candidate,
  type ChatMessage,
  type LanguageModel,
  NsgenError,
  type ProposeInput,
  type RepairFeedback,
  type Task,
  throwIfAborted,
} from '../../src/core/index.js';
import {
  detectLanguage,
  FENCE_TAGS,
  fencedBlocks,
  isCompatible,
  LANGUAGE_LABELS,
  programFromSample,
  withoutReasoning,
} from '../code-extraction/index.js';
import { type SamplingOptions, samplingOf, splitUsage } from '../neural/index.js';
import { describeTask, repairSystemMessage, truncate } from '../task-prompt/index.js';
import { AttemptMemory, type AttemptMemoryOptions } from './attempt-memory.js';
import { describeFailures, summariseFailures } from './describe-failures.js';

export interface RepairAgentOptions extends SamplingOptions {
  model: LanguageModel;
  /** Show the task's tests in the prompt (failing cases are shown regardless). @default false */
  showTests?: boolean;
  /** Bounds of the memory of earlier attempts. */
  memory?: AttemptMemoryOptions;
  /** Longest failure description per parent, in characters. @default 4000 */
  maxFeedbackChars?: number;
  /** Told about the model's warnings. */
  onWarning?: (warning: string, task: Task) => void;
}

/** Pending diagnoses (the model's words before its code) are kept for at most this many candidates. */
const MAX_PENDING_APPROACHES = 2048;

export class RepairAgent implements Agent {
  readonly name = 'repair';
  readonly #options: RepairAgentOptions;
  readonly #memory: AttemptMemory;
  readonly #approaches = new Map<string, string>();

  constructor(options: RepairAgentOptions) {
    this.#options = options;
    this.#memory = new AttemptMemory(options.memory);
  }

  /** The memory of earlier attempts, for inspection. */
  get memory(): AttemptMemory {
    return this.#memory;
  }

  /** The messages asking to repair one failing candidate (exported for inspection and tests). */
  messagesFor(task: Task, feedback: RepairFeedback): ChatMessage[] {
    const tag = FENCE_TAGS[task.language];
    const parts = [describeTask(task, { showTests: this.#options.showTests ?? false })];
    parts.push(`Your previous attempt:\n\`\`\`${tag}\n${feedback.parent.code.trimEnd()}\n\`\`\``);
    const failures = truncate(
      describeFailures(feedback.parent.code, feedback.verdicts, task),
      this.#options.maxFeedbackChars ?? 4000,
    );
    parts.push(`It failed verification:\n${failures}`);
    const written = detectLanguage(feedback.parent.code);
    if (written !== undefined && !isCompatible(task.language, written)) {
      parts.push(
        `The previous attempt is not written in ${LANGUAGE_LABELS[task.language]}` +
          `${written === 'other' ? '' : ` (it looks like ${LANGUAGE_LABELS[written]})`}: the answer must be ${LANGUAGE_LABELS[task.language]}.`,
      );
    }
    const earlier = this.#memory.render(task.id);
    if (earlier !== '') parts.push(`Earlier attempts that also failed (do not repeat them):\n${earlier}`);
    parts.push(
      'First say in one or two sentences what went wrong and how you will fix it; then give the corrected, ' +
        `complete function in one fenced code block (\`\`\`${tag}).`,
    );
    return [
      { role: 'system', content: repairSystemMessage(task) },
      { role: 'user', content: parts.join('\n\n') },
    ];
  }

  /**
   * `n` candidates (default: one per failing parent) shared round-robin among the parents
   * in the order given (the orchestrator puts the most promising first), one model call
   * per parent. Ids run across parents: `${task.id}/r${round}/${i}`.
   */
  async propose(input: ProposeInput, options: CallOptions = {}): Promise<Candidate[]> {
    const { task, round } = input;
    const model = this.#options.model;
    if (model.provider === 'replay') {
      throw new NsgenError(
        'UNSUPPORTED',
        `a replay model cannot repair: it only hands back recorded samples`,
        {
          where: model.spec,
        },
      );
    }
    const feedback = input.feedback ?? [];
    if (feedback.length === 0) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `the repair agent needs feedback (failing candidates) for task "${task.id}"`,
      );
    }
    throwIfAborted(options.signal);
    const total = input.n ?? feedback.length;
    const counts = feedback.map(
      (_, index) => Math.floor(total / feedback.length) + (index < total % feedback.length ? 1 : 0),
    );
    // Prompts are built before this round's failures enter the memory: each shows its
    // own parent's failure in full and earlier rounds in summary.
    const requests = feedback.map((item) => ({ item, messages: this.messagesFor(task, item) }));
    for (const item of feedback) {
      const approach = this.#approaches.get(item.parent.id);
      this.#approaches.delete(item.parent.id);
      this.#memory.record(task.id, {
        round: item.parent.origin.repairRound,
        candidateId: item.parent.id,
        ...(approach !== undefined ? { approach } : {}),
        outcome: summariseFailures(item.verdicts, task),
      });
    }
    const results = await Promise.all(
      requests.map(({ messages }, index) =>
        counts[index] === 0
          ? undefined
          : model.generate({ messages, task, n: counts[index]!, ...samplingOf(this.#options) }, options),
      ),
    );
    const candidates: Candidate[] = [];
    results.forEach((result, parentIndex) => {
      if (!result) return;
      for (const warning of result.warnings) this.#options.onWarning?.(warning, task);
      const parent = requests[parentIndex]!.item.parent;
      const usages = splitUsage(result.usage, result.samples.length);
      result.samples.forEach((sample, sampleIndex) => {
        const index = candidates.length;
        const id = `${task.id}/r${round}/${index}`;
        this.#rememberApproach(id, sample.text);
        candidates.push({
          id,
          taskId: task.id,
          // The model answered a chat about its mistake: even a completion-only provider's
          // text is an answer to extract code from, never a continuation of the task prompt.
          code: programFromSample(
            sample.format === 'completion' ? { ...sample, format: 'message' } : sample,
            task,
          ).code,
          origin: {
            agent: 'repair',
            mode: input.mode,
            model: model.spec,
            parentId: parent.id,
            repairRound: round,
            sampleIndex: index,
          },
          usage: usages[sampleIndex]!,
        });
      });
    });
    return candidates;
  }

  /** The prose before the code is the model's diagnosis: remembered for the next round's memory. */
  #rememberApproach(candidateId: string, text: string): void {
    const answer = withoutReasoning(text);
    const fence = answer.search(/^[ \t]*(```|~~~)/m);
    if (fence <= 0 || fencedBlocks(answer).length === 0) return;
    const approach = answer.slice(0, fence).trim();
    if (approach === '') return;
    this.#approaches.set(candidateId, approach);
    while (this.#approaches.size > MAX_PENDING_APPROACHES) {
      const oldest = this.#approaches.keys().next().value;
      if (oldest === undefined) break;
      this.#approaches.delete(oldest);
    }
  }
}
