/**
 * Embeddings from an OpenAI-compatible server (`POST {baseUrl}/embeddings`): vLLM, Ollama,
 * llama.cpp's server, or OpenAI itself. Spec: `openai:MODEL@BASE_URL`.
 */
import type { CallOptions, Embedder } from '../../src/core/index.js';
import { NsgenError } from '../../src/core/index.js';
import { normalise } from './hashed-embedder.js';

export interface OpenAIEmbedderOptions {
  model: string;
  baseUrl: string;
  /** Resolved by the caller (the edge reads `OPENAI_API_KEY`). */
  apiKey?: string;
  /** The model's output dimension (checked on every answer). */
  dimension: number;
  /** Texts per request. @default 64 */
  batchSize?: number;
}

export class OpenAIEmbedder implements Embedder {
  readonly spec: string;
  readonly dimension: number;
  readonly #options: OpenAIEmbedderOptions;

  constructor(options: OpenAIEmbedderOptions) {
    this.#options = options;
    this.dimension = options.dimension;
    this.spec = `openai:${options.model}@${options.baseUrl}`;
  }

  async embed(texts: string[], options: CallOptions = {}): Promise<Float32Array[]> {
    const batchSize = this.#options.batchSize ?? 64;
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      vectors.push(...(await this.#request(texts.slice(start, start + batchSize), options)));
    }
    return vectors;
  }

  async #request(input: string[], options: CallOptions): Promise<Float32Array[]> {
    const url = `${this.#options.baseUrl.replace(/\/$/, '')}/embeddings`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#options.apiKey ? { authorization: `Bearer ${this.#options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.#options.model, input }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw new NsgenError('MODEL_ERROR', `embedding server unreachable: ${String(error)}`, {
        where: url,
        cause: error,
      });
    }
    if (!response.ok) {
      throw new NsgenError(
        'MODEL_ERROR',
        `embedding request failed with HTTP ${response.status}: ${await response.text()}`,
        {
          where: url,
        },
      );
    }
    const body = (await response.json()) as { data?: Array<{ embedding?: number[]; index?: number }> };
    const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (data.length !== input.length) {
      throw new NsgenError('MODEL_ERROR', `expected ${input.length} embeddings, got ${data.length}`, {
        where: url,
      });
    }
    return data.map((item) => {
      const embedding = item.embedding ?? [];
      if (embedding.length !== this.dimension) {
        throw new NsgenError(
          'MODEL_ERROR',
          `embedding has ${embedding.length} dimensions, expected ${this.dimension} (set the dimension in the spec: openai:MODEL@URL#DIM)`,
          { where: url },
        );
      }
      return normalise(Float32Array.from(embedding));
    });
  }
}
