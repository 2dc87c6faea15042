/**
 * Autoregressive decoding with a KV cache: greedy at temperature 0, else temperature and
 * nucleus (top-p) sampling; stops at end of text, a stop sequence, max tokens or the
 * context length.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../../src/core/index.js';
import { disposeCache, type KvCache, type LlamaModel } from '../model/llama.js';
import { SeededRandom } from '../model/random.js';
import type { ByteBpeTokenizer } from '../tokenizer/bpe.js';

export interface DecodeOptions {
  /** @default 128 */
  maxTokens?: number;
  /** 0 decodes greedily. @default 0.8 */
  temperature?: number;
  /** @default 0.95 */
  topP?: number;
  stop?: string[];
  /** Seed of the sampler (the same seed, the same sample). */
  seed?: number;
  signal?: AbortSignal;
}

export interface DecodeResult {
  text: string;
  tokens: number[];
  promptTokens: number;
  finishReason: 'stop' | 'length';
  /** The prompt was cut from the left to fit the context. */
  truncatedPrompt: boolean;
}

/** Picks the next token from logits (plain numbers, one row). */
export function pickToken(
  logits: Float32Array,
  options: { temperature: number; topP: number; random: SeededRandom },
): number {
  if (options.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
    return best;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const value of logits) max = Math.max(max, value);
  const probabilities = Array.from(logits, (value, id) => ({
    id,
    p: Math.exp((value - max) / options.temperature),
  }));
  const total = probabilities.reduce((sum, entry) => sum + entry.p, 0);
  probabilities.sort((a, b) => b.p - a.p);
  const nucleus: typeof probabilities = [];
  let mass = 0;
  for (const entry of probabilities) {
    nucleus.push(entry);
    mass += entry.p / total;
    if (mass >= options.topP) break;
  }
  let draw = options.random.next() * nucleus.reduce((sum, entry) => sum + entry.p, 0);
  for (const entry of nucleus) {
    draw -= entry.p;
    if (draw <= 0) return entry.id;
  }
  return (nucleus.at(-1) as { id: number }).id;
}

/** Logits of the last position for a prompt, through a fresh cache (the caller disposes it). */
export function prefill(model: LlamaModel, ids: number[], cache: KvCache): Float32Array {
  return tf.tidy(() => {
    const logits = model.forward(tf.tensor2d(ids, [1, ids.length], 'int32'), cache);
    return logits.slice([0, ids.length - 1, 0], [1, 1, model.config.vocabSize]).dataSync() as Float32Array;
  });
}

export function decode(
  model: LlamaModel,
  tokenizer: ByteBpeTokenizer,
  prompt: string,
  options: DecodeOptions = {},
): DecodeResult {
  const maxTokens = options.maxTokens ?? 128;
  const temperature = options.temperature ?? 0.8;
  const topP = options.topP ?? 0.95;
  const random = new SeededRandom(options.seed ?? 1);
  let promptIds = tokenizer.encode(prompt);
  if (promptIds.length === 0) promptIds = [tokenizer.endOfTextId];
  const context = model.config.contextLength;
  // Leave room for at least one new token.
  const truncatedPrompt = promptIds.length > context - 1;
  if (truncatedPrompt) promptIds = promptIds.slice(promptIds.length - (context - 1));
  const cache: KvCache = { layers: [], length: 0 };
  const tokens: number[] = [];
  let finishReason: DecodeResult['finishReason'] = 'length';
  let text = '';
  try {
    let logits = prefill(model, promptIds, cache);
    while (tokens.length < maxTokens && cache.length < context) {
      throwIfAborted(options.signal);
      const next = pickToken(logits, { temperature, topP, random });
      if (next === tokenizer.endOfTextId) {
        finishReason = 'stop';
        break;
      }
      tokens.push(next);
      text = tokenizer.decode(tokens);
      const stopAt = firstStop(text, options.stop ?? []);
      if (stopAt !== -1) {
        text = text.slice(0, stopAt);
        finishReason = 'stop';
        break;
      }
      if (tokens.length >= maxTokens || cache.length >= context) break;
      logits = tf.tidy(
        () => model.forward(tf.tensor2d([next], [1, 1], 'int32'), cache).dataSync() as Float32Array,
      );
    }
  } finally {
    disposeCache(cache);
  }
  return { text, tokens, promptTokens: promptIds.length, finishReason, truncatedPrompt };
}

function firstStop(text: string, stops: string[]): number {
  let first = -1;
  for (const stop of stops) {
    if (stop === '') continue;
    const index = text.indexOf(stop);
    if (index !== -1 && (first === -1 || index < first)) first = index;
  }
  return first;
}
