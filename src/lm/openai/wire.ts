/**
 * The OpenAI wire format: request bodies for `/chat/completions` and `/completions`, and
 * the samples, finish reasons and token usage in their answers (whole or streamed).
 * Servers that imitate OpenAI (vLLM, Ollama, llama.cpp server) differ in details, so the
 * readers here accept what is there and name what is missing.
 */
import type { ChatMessage, GenerateRequest, Sample, TokenUsage } from '../../core/index.js';

export type Endpoint = 'chat' | 'completions';

export const ENDPOINT_PATHS: Record<Endpoint, string> = {
  chat: '/chat/completions',
  completions: '/completions',
};

export interface WireBodyInput {
  endpoint: Endpoint;
  modelId: string;
  request: GenerateRequest;
  n: number;
  stream: boolean;
}

/** The JSON body of one request; `n` is left out when it is 1 (some servers reject it). */
export function buildBody(input: WireBodyInput): Record<string, unknown> {
  const { request } = input;
  const body: Record<string, unknown> = { model: input.modelId };
  if (input.endpoint === 'chat') body.messages = chatMessagesOf(request);
  else body.prompt = completionPromptOf(request);
  if (input.n !== 1) body.n = input.n;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (input.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

function chatMessagesOf(request: GenerateRequest): ChatMessage[] {
  if (request.messages && request.messages.length > 0) {
    return request.messages.map((message) => ({ role: message.role, content: message.content }));
  }
  return [{ role: 'user', content: request.prompt ?? '' }];
}

/** The completion endpoint continues text: a prompt as is, or the messages joined. */
function completionPromptOf(request: GenerateRequest): string {
  if (request.prompt !== undefined) return request.prompt;
  return (request.messages ?? []).map((message) => message.content).join('\n\n');
}

/** A sample before it is put in order: `index` is the server's choice index. */
export interface IndexedSample extends Sample {
  index: number;
}

export interface ParsedAnswer {
  samples: IndexedSample[];
  usage: TokenUsage | undefined;
}

/**
 * Reads a whole (non-streamed) answer. Returns a problem description instead of throwing
 * so that the caller can name the server and endpoint in its error.
 */
export function parseAnswer(endpoint: Endpoint, value: unknown): ParsedAnswer | { problem: string } {
  if (!isRecord(value)) return { problem: 'the answer is not a JSON object' };
  if (!Array.isArray(value.choices)) return { problem: 'the answer has no "choices" array' };
  const samples: IndexedSample[] = [];
  for (const [position, choice] of value.choices.entries()) {
    if (!isRecord(choice)) return { problem: `choices[${position}] is not an object` };
    const text = endpoint === 'chat' ? messageContent(choice.message) : choice.text;
    if (typeof text !== 'string') {
      const field = endpoint === 'chat' ? 'message.content' : 'text';
      return { problem: `choices[${position}] has no string "${field}"` };
    }
    samples.push({
      index: typeof choice.index === 'number' ? choice.index : position,
      text,
      format: endpoint === 'chat' ? 'message' : 'completion',
      finishReason: finishReasonOf(choice.finish_reason),
    });
  }
  return { samples, usage: usageOf(value.usage) };
}

/** Accumulates the chunks of a streamed answer, choice by choice. */
export class StreamAccumulator {
  readonly #endpoint: Endpoint;
  readonly #texts = new Map<number, string[]>();
  readonly #finish = new Map<number, Sample['finishReason']>();
  usage: TokenUsage | undefined;

  constructor(endpoint: Endpoint) {
    this.#endpoint = endpoint;
  }

  /** Adds one chunk and returns its text deltas; a problem string when it is malformed. */
  add(
    chunk: unknown,
  ): Array<{ index: number; text: string; finishReason?: Sample['finishReason'] }> | string {
    if (!isRecord(chunk)) return 'a stream chunk is not a JSON object';
    if (isRecord(chunk.error)) {
      const message = typeof chunk.error.message === 'string' ? chunk.error.message : 'unspecified error';
      return `the server reported an error mid-stream: ${message}`;
    }
    const usage = usageOf(chunk.usage);
    if (usage) this.usage = usage;
    if (chunk.choices === undefined || chunk.choices === null) return [];
    if (!Array.isArray(chunk.choices)) return 'a stream chunk has a "choices" field that is not an array';
    const deltas: Array<{ index: number; text: string; finishReason?: Sample['finishReason'] }> = [];
    for (const [position, choice] of chunk.choices.entries()) {
      if (!isRecord(choice)) return `a stream chunk's choices[${position}] is not an object`;
      const index = typeof choice.index === 'number' ? choice.index : position;
      const text =
        this.#endpoint === 'chat'
          ? isRecord(choice.delta) && typeof choice.delta.content === 'string'
            ? choice.delta.content
            : ''
          : typeof choice.text === 'string'
            ? choice.text
            : '';
      const parts = this.#texts.get(index) ?? [];
      parts.push(text);
      this.#texts.set(index, parts);
      const delta: { index: number; text: string; finishReason?: Sample['finishReason'] } = { index, text };
      if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
        const finishReason = finishReasonOf(choice.finish_reason);
        this.#finish.set(index, finishReason);
        delta.finishReason = finishReason;
      }
      deltas.push(delta);
    }
    return deltas;
  }

  answer(): ParsedAnswer {
    const samples: IndexedSample[] = [...this.#texts.entries()].map(([index, parts]) => ({
      index,
      text: parts.join(''),
      format: this.#endpoint === 'chat' ? 'message' : 'completion',
      finishReason: this.#finish.get(index) ?? 'unknown',
    }));
    return { samples, usage: this.usage };
  }
}

function messageContent(message: unknown): string | undefined {
  if (!isRecord(message)) return undefined;
  // Some servers send null content with an empty answer (or a refusal): an empty sample.
  if (message.content === null) return '';
  return typeof message.content === 'string' ? message.content : undefined;
}

function finishReasonOf(value: unknown): Sample['finishReason'] {
  if (value === 'stop' || value === 'length') return value;
  if (value === 'content_filter' || value === 'error') return 'error';
  // `eos` (some llama.cpp builds) means the model stopped by itself.
  if (value === 'eos') return 'stop';
  return 'unknown';
}

function usageOf(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const promptTokens = value.prompt_tokens;
  const completionTokens = value.completion_tokens;
  if (typeof promptTokens !== 'number' && typeof completionTokens !== 'number') return undefined;
  return {
    promptTokens: typeof promptTokens === 'number' ? promptTokens : 0,
    completionTokens: typeof completionTokens === 'number' ? completionTokens : 0,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
