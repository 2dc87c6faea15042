/**
 * A language model with canned answers, for tests: it stands in for the external model
 * and records every request it receives.
 *
 * @example
 * const model = createScriptedModel({ answers: ['```python\ndef f():\n    return 1\n```'] });
 */
import {
  type CallOptions,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  NsgenError,
  type SampleFormat,
  type TokenUsage,
  throwIfAborted,
} from '../../src/core/index.js';

export interface ScriptedModelOptions {
  /**
   * The answers: a queue consumed one per sample (a call with `n: 3` takes three), or a
   * function giving the texts of each call.
   */
  answers: string[] | ((request: GenerateRequest, call: number) => string[]);
  /** @default 'message' */
  format?: SampleFormat;
  /** Usage reported per call. @default { promptTokens: 10, completionTokens: 6 } */
  usage?: TokenUsage;
  /** Warnings reported with every call. @default [] */
  warnings?: string[];
  /** @default 'scripted:test' */
  spec?: string;
}

export class ScriptedModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly provider: string;
  readonly spec: string;
  /** Every request, in order. */
  readonly requests: GenerateRequest[] = [];
  readonly #options: ScriptedModelOptions;
  readonly #queue: string[];

  constructor(options: ScriptedModelOptions) {
    this.#options = options;
    this.#queue = Array.isArray(options.answers) ? [...options.answers] : [];
    this.spec = options.spec ?? 'scripted:test';
    this.provider = this.spec.split(':')[0] ?? 'scripted';
  }

  async generate(request: GenerateRequest, options: CallOptions = {}): Promise<GenerateResult> {
    throwIfAborted(options.signal);
    this.requests.push(request);
    const n = request.n ?? 1;
    let texts: string[];
    if (typeof this.#options.answers === 'function') {
      texts = this.#options.answers(request, this.requests.length - 1);
    } else {
      if (this.#queue.length < n) {
        throw new NsgenError(
          'MODEL_ERROR',
          `the scripted model has ${this.#queue.length} answers left, asked for ${n}`,
          {
            where: this.spec,
          },
        );
      }
      texts = this.#queue.splice(0, n);
    }
    return {
      samples: texts.map((text) => ({
        text,
        format: this.#options.format ?? 'message',
        finishReason: 'stop',
      })),
      usage: { ...(this.#options.usage ?? { promptTokens: 10, completionTokens: 6 }) },
      warnings: [...(this.#options.warnings ?? [])],
    };
  }
}

export function createScriptedModel(options: ScriptedModelOptions): ScriptedModel {
  return new ScriptedModel(options);
}
