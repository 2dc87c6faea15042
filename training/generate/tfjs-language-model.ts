/**
 * The in-process `tfjs:CHECKPOINT_DIR` language model. Nothing is read at construction;
 * the checkpoint loads on the first call. SFT checkpoints get their prompt template
 * (`<|prompt|>…<|code|>`) and answer with programs; pretrained ones continue text.
 */
import type {
  CallOptions,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  Sample,
} from '../../src/core/index.js';
import type { BackendName } from '../model/backend.js';
import type { SavedCheckpoint } from '../model/checkpoint.js';
import { sftPrompt } from '../train/data.js';
import type { decode as decodeFunction } from './sampler.js';

interface Loaded extends SavedCheckpoint {
  decode: typeof decodeFunction;
}

export interface TfjsModelOptions {
  /** @default 'auto' */
  backend?: BackendName | 'auto';
  /** Seed of the first sample; sample i uses seed + i. @default 1 */
  seed?: number;
  /** @default 256 */
  defaultMaxTokens?: number;
}

export class TfjsLanguageModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'tfjs';
  readonly spec: string;
  private loading: Promise<Loaded> | undefined;

  constructor(
    readonly checkpointDir: string,
    private readonly options: TfjsModelOptions = {},
  ) {
    this.spec = `tfjs:${checkpointDir}`;
  }

  // TensorFlow.js loads with the first call, so that importing the SDK stays light.
  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      const [{ useBackend }, { loadCheckpoint }, { decode }] = await Promise.all([
        import('../model/backend.js'),
        import('../model/checkpoint.js'),
        import('./sampler.js'),
      ]);
      await useBackend(this.options.backend ?? 'auto');
      return { ...(await loadCheckpoint(this.checkpointDir)), decode };
    })();
    // A failed load is not cached: the next call tries again (the folder may appear).
    this.loading.catch(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async generate(request: GenerateRequest, options: CallOptions = {}): Promise<GenerateResult> {
    const { model, tokenizer, config, decode } = await this.load();
    const warnings: string[] = [];
    const sft = config.kind === 'sft';
    const text = request.prompt ?? (request.messages ?? []).map((message) => message.content).join('\n\n');
    const prompt = sft ? sftPrompt(text) : text;
    const n = request.n ?? 1;
    const samples: Sample[] = [];
    let promptTokens = 0;
    let completionTokens = 0;
    for (let i = 0; i < n; i++) {
      const result = decode(model, tokenizer, prompt, {
        maxTokens: request.maxTokens ?? this.options.defaultMaxTokens ?? 256,
        temperature: request.temperature ?? (n > 1 ? 0.8 : 0),
        topP: request.topP ?? 0.95,
        stop: request.stop ?? [],
        seed: (this.options.seed ?? 1) + i,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (i === 0 && result.truncatedPrompt) {
        warnings.push(
          `the prompt was cut to its last ${result.promptTokens} tokens to fit the context of ${model.config.contextLength}`,
        );
      }
      promptTokens += result.promptTokens;
      completionTokens += result.tokens.length;
      samples.push({
        text: result.text,
        format: sft ? 'program' : request.prompt !== undefined ? 'completion' : 'message',
        finishReason: result.finishReason,
      });
    }
    return { samples, usage: { promptTokens, completionTokens }, warnings };
  }
}

/** The registry entry for `tfjs:CHECKPOINT_DIR` (passed to `resolveModel` by the edges). */
export const tfjsProvider = {
  forms: ['tfjs:CHECKPOINT_DIR'],
  create: (argument: string) => new TfjsLanguageModel(argument.trim()),
};
