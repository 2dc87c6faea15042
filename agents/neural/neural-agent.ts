/**
 * The neural agent: asks a language model for n candidate programs and turns its
 * answers into whole programs (code extraction shared with the repair agent).
 */
import type {
  Agent,
  CallOptions,
  Candidate,
  ChatMessage,
  GenerateResult,
  LanguageModel,
  ProposeInput,
  Task,
  TokenUsage,
} from '../../src/core/index.js';
import { throwIfAborted } from '../../src/core/index.js';
import { completionPromptFor, programFromSample } from '../code-extraction/index.js';
import { describeTask, systemMessage } from '../task-prompt/index.js';

/** Sampling settings passed to the model on every call. */
export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
}

export interface NeuralAgentOptions extends SamplingOptions {
  model: LanguageModel;
  /** Show the task's tests in the prompt. Hidden tests are the benchmark norm; MBPP's prompt shows them. @default false */
  showTests?: boolean;
  /** Finds code to ground the answer (the RAG retriever); a failure is warned about and the prompt goes without. */
  retriever?: (task: Task, options?: CallOptions) => Promise<string>;
  /** Longest retrieved context kept, in characters. @default 6000 */
  maxContextChars?: number;
  /** Told about the model's warnings and about answers that need attention (wrong language). */
  onWarning?: (warning: string, task: Task) => void;
}

export class NeuralAgent implements Agent {
  readonly name = 'neural';
  readonly #options: NeuralAgentOptions;

  constructor(options: NeuralAgentOptions) {
    this.#options = options;
  }

  /** The chat messages the model receives for a task (exported for inspection and tests). */
  async messagesFor(task: Task, options: CallOptions = {}): Promise<ChatMessage[]> {
    const context = await this.#retrieve(task, options);
    const description = describeTask(task, {
      showTests: this.#options.showTests ?? false,
      ...(context !== undefined ? { context } : {}),
      ...(this.#options.maxContextChars !== undefined
        ? { maxContextChars: this.#options.maxContextChars }
        : {}),
    });
    return [
      { role: 'system', content: systemMessage(task) },
      { role: 'user', content: description },
    ];
  }

  /**
   * One `generate` call for `input.n` samples (undefined: the model's default, which for
   * replay models is every recorded sample). Both chat messages and a completion prompt
   * go in the request, so completion-only providers work too.
   */
  async propose(input: ProposeInput, options: CallOptions = {}): Promise<Candidate[]> {
    const { task, round } = input;
    throwIfAborted(options.signal);
    const messages = await this.messagesFor(task, options);
    const result = await this.#options.model.generate(
      {
        messages,
        prompt: completionPromptFor(task),
        task,
        ...(input.n !== undefined ? { n: input.n } : {}),
        ...samplingOf(this.#options),
      },
      options,
    );
    this.#reportWarnings(result, task);
    const usages = splitUsage(result.usage, result.samples.length);
    return result.samples.map((sample, index) => {
      const program = programFromSample(sample, task);
      if (program.extracted?.languageMismatch) {
        this.#options.onWarning?.(
          `${task.id}: sample ${index} is written in ${program.extracted.language === 'other' ? 'another language' : program.extracted.language}, not ${task.language}; kept as is for the verifiers to judge`,
          task,
        );
      }
      return {
        id: `${task.id}/r${round}/${index}`,
        taskId: task.id,
        code: program.code,
        origin: {
          agent: 'neural',
          mode: input.mode,
          model: this.#options.model.spec,
          repairRound: round,
          sampleIndex: index,
        },
        usage: usages[index]!,
      };
    });
  }

  async #retrieve(task: Task, options: CallOptions): Promise<string | undefined> {
    if (!this.#options.retriever) return undefined;
    try {
      return await this.#options.retriever(task, options);
    } catch (error) {
      throwIfAborted(options.signal);
      const message = error instanceof Error ? error.message : String(error);
      this.#options.onWarning?.(`${task.id}: retrieval failed, prompting without context: ${message}`, task);
      return undefined;
    }
  }

  #reportWarnings(result: GenerateResult, task: Task): void {
    for (const warning of result.warnings) this.#options.onWarning?.(warning, task);
  }
}

export function samplingOf(options: SamplingOptions): SamplingOptions {
  const sampling: SamplingOptions = {};
  if (options.temperature !== undefined) sampling.temperature = options.temperature;
  if (options.topP !== undefined) sampling.topP = options.topP;
  if (options.maxTokens !== undefined) sampling.maxTokens = options.maxTokens;
  if (options.stop !== undefined) sampling.stop = options.stop;
  return sampling;
}

/**
 * A call's usage spread over its samples: integer shares whose sums equal the call's
 * totals (the first samples take the remainder). Prompt tokens are shared too, though a
 * server may have read the prompt once for all samples.
 */
export function splitUsage(usage: TokenUsage, parts: number): TokenUsage[] {
  const share = (total: number, index: number): number =>
    Math.floor(total / parts) + (index < total % parts ? 1 : 0);
  return Array.from({ length: parts }, (_, index) => ({
    promptTokens: share(usage.promptTokens, index),
    completionTokens: share(usage.completionTokens, index),
  }));
}
