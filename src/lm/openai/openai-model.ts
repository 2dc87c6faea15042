/**
 * A language model behind any OpenAI-compatible HTTP server: OpenAI itself, vLLM,
 * Ollama, llama.cpp server. Nothing happens at construction; the API key and the base
 * URL are looked up when the first call needs them.
 */
import {
  type CallOptions,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  NsgenError,
  readEnv,
  type Sample,
  type TokenUsage,
} from '../../core/index.js';
import { CallScope } from './call-scope.js';
import { backoffDelayMs, isRetryableStatus, retryAfterMs, sleep } from './retry.js';
import { readSse } from './sse.js';
import {
  buildBody,
  ENDPOINT_PATHS,
  type Endpoint,
  type IndexedSample,
  type ParsedAnswer,
  parseAnswer,
  StreamAccumulator,
} from './wire.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_API_KEY_VARIABLE = 'OPENAI_API_KEY';
export const OPENAI_BASE_URL_VARIABLE = 'OPENAI_BASE_URL';

/** A retry about to happen, for logs and progress views. */
export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  /** `HTTP 429`, `HTTP 503`, `network error: ...`. */
  reason: string;
}

/** Provider options: everything but the model's name, which comes from the spec. */
export interface OpenAIProviderOptions {
  /**
   * Sent as a bearer token. Falls back to the OPENAI_API_KEY environment variable; only
   * api.openai.com requires one (local servers usually need none). Never logged.
   */
  apiKey?: string;
  /**
   * The server's base URL, ending before `/chat/completions`. A base URL in the model
   * spec wins over this; then the OPENAI_BASE_URL environment variable.
   * @default 'https://api.openai.com/v1'
   */
  baseURL?: string;
  /**
   * Which endpoint to call. `auto`: `/chat/completions` when the request has messages,
   * `/completions` when it has only a prompt.
   * @default 'auto'
   */
  endpoint?: 'auto' | 'chat' | 'completions';
  /** Ask the server to stream (server-sent events); `generate` still returns whole samples. @default false */
  stream?: boolean;
  /** Bounds one `generate` call: all attempts, waits and streaming. @default 120_000 */
  timeoutMs?: number;
  /** Further attempts after a 408/409/429/5xx answer or a network error. @default 3 */
  maxRetries?: number;
  /** The first backoff step; each retry doubles it, jitter takes it to 50–100%. @default 500 */
  initialRetryDelayMs?: number;
  /** The longest wait between attempts, a server's Retry-After included. @default 30_000 */
  maxRetryDelayMs?: number;
  /**
   * How `n` samples are drawn. `auto`: one request with `n`; when the server answers with
   * fewer (Ollama ignores `n`), the rest are drawn with separate requests, a warning says
   * so, and later calls go straight to separate requests. `native`: trust `n` (fewer
   * samples only produce a warning). `separate-requests`: always n requests of one sample.
   * @default 'auto'
   */
  multipleSamples?: 'auto' | 'native' | 'separate-requests';
  /** Requests in flight at once when drawing samples separately. @default 4 */
  maxConcurrency?: number;
  /** Extra request headers (an organisation header, a proxy's header). */
  headers?: Record<string, string>;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Told about every retry before its wait. */
  onRetry?: (event: RetryEvent) => void;
  /** The jitter source, in [0, 1). @default Math.random */
  random?: () => number;
}

export interface OpenAIModelSettings extends OpenAIProviderOptions {
  /** The model's name on the server (`gpt-4o-mini`, `qwen2.5-coder:7b`). */
  modelId: string;
  /** The spec reported in results. @default `openai:${modelId}` */
  spec?: string;
}

export const OPENAI_DEFAULTS = {
  endpoint: 'auto',
  stream: false,
  timeoutMs: 120_000,
  maxRetries: 3,
  initialRetryDelayMs: 500,
  maxRetryDelayMs: 30_000,
  multipleSamples: 'auto',
  maxConcurrency: 4,
} as const satisfies Partial<OpenAIProviderOptions>;

/** What `stream` yields, in order of arrival. */
export type OpenAIStreamPart =
  | { type: 'text-delta'; index: number; text: string }
  | { type: 'sample-finish'; index: number; finishReason: NonNullable<Sample['finishReason']> }
  | { type: 'usage-report'; usage: TokenUsage };

export function createOpenAIModel(settings: OpenAIModelSettings): OpenAICompatibleModel {
  return new OpenAICompatibleModel(settings);
}

export class OpenAICompatibleModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'openai';
  readonly spec: string;
  readonly modelId: string;
  // Private fields keep the key out of JSON.stringify, util.inspect and error causes.
  readonly #settings: OpenAIModelSettings;
  #serverIgnoresN = false;

  constructor(settings: OpenAIModelSettings) {
    if (settings.modelId.trim() === '') {
      throw new NsgenError('INVALID_ARGUMENT', 'the OpenAI model needs a model id (openai:MODEL[@BASE_URL])');
    }
    this.modelId = settings.modelId;
    this.spec = redactUrlCredentials(settings.spec ?? `openai:${settings.modelId}`);
    this.#settings = { ...settings };
  }

  async generate(request: GenerateRequest, options: CallOptions = {}): Promise<GenerateResult> {
    const endpoint = this.#endpointFor(request);
    const n = this.#sampleCount(request);
    const scope = this.#scope(options);
    try {
      const warnings: string[] = [];
      const answers: ParsedAnswer[] = [];
      const multipleSamples = this.#settings.multipleSamples ?? OPENAI_DEFAULTS.multipleSamples;
      const separately =
        n > 1 &&
        (multipleSamples === 'separate-requests' || (multipleSamples === 'auto' && this.#serverIgnoresN));
      if (separately) {
        if (multipleSamples === 'auto') {
          warnings.push(`the server ignores n: drew ${n} samples with ${n} separate requests`);
        }
        answers.push(...(await this.#drawSeparately(endpoint, request, n, scope)));
      } else {
        const first = await this.#request(endpoint, request, n, scope, warnings);
        answers.push(first);
        const received = new Set(first.samples.map((sample) => sample.index)).size;
        if (received < n && multipleSamples === 'auto') {
          this.#serverIgnoresN = true;
          warnings.push(
            `the server returned ${received} of n=${n} samples (it ignores n): drew the other ${n - received} ` +
              'with separate requests, as later calls to this model will',
          );
          answers.push(...(await this.#drawSeparately(endpoint, request, n - received, scope)));
        } else if (received < n) {
          warnings.push(`the server returned ${received} of n=${n} samples`);
        }
      }
      const samples = answers.flatMap((answer) => inOrder(answer.samples)).slice(0, n);
      if (answers.some((answer) => answer.usage === undefined)) {
        warnings.push('the server reported no token usage for some requests: their tokens count as 0');
      }
      return { samples, usage: sumUsage(answers), warnings };
    } catch (error) {
      throw scope.translate(error, this.spec);
    } finally {
      scope.dispose();
    }
  }

  /**
   * Streams one request's samples as they arrive (`n` samples interleave by `index`).
   * Retries happen only before the answer starts; stopping the iteration early closes
   * the connection.
   */
  async *stream(request: GenerateRequest, options: CallOptions = {}): AsyncGenerator<OpenAIStreamPart> {
    const endpoint = this.#endpointFor(request);
    const n = this.#sampleCount(request);
    const scope = this.#scope(options);
    try {
      const body = buildBody({ endpoint, modelId: this.modelId, request, n, stream: true });
      const { response, url } = await this.#send(endpoint, body, scope);
      const accumulator = new StreamAccumulator(endpoint);
      yield* this.#streamParts(response, url, accumulator);
    } catch (error) {
      throw scope.translate(error, this.spec);
    } finally {
      scope.dispose();
    }
  }

  /** Never reveals the settings (the key among them). */
  toJSON(): { provider: string; spec: string } {
    return { provider: this.provider, spec: this.spec };
  }

  #scope(options: CallOptions): CallScope {
    return new CallScope({
      timeoutMs: this.#settings.timeoutMs ?? OPENAI_DEFAULTS.timeoutMs,
      signal: options.signal,
      where: this.spec,
    });
  }

  #endpointFor(request: GenerateRequest): Endpoint {
    const hasMessages = request.messages !== undefined && request.messages.length > 0;
    if (!hasMessages && request.prompt === undefined) {
      throw new NsgenError('INVALID_ARGUMENT', 'the request has neither messages nor a prompt', {
        where: this.spec,
      });
    }
    const choice = this.#settings.endpoint ?? OPENAI_DEFAULTS.endpoint;
    if (choice !== 'auto') return choice;
    return hasMessages ? 'chat' : 'completions';
  }

  #sampleCount(request: GenerateRequest): number {
    const n = request.n ?? 1;
    if (!Number.isInteger(n) || n < 1) {
      throw new NsgenError('INVALID_ARGUMENT', `n must be a positive integer, got ${n}`, {
        where: this.spec,
      });
    }
    return n;
  }

  async #drawSeparately(
    endpoint: Endpoint,
    request: GenerateRequest,
    count: number,
    scope: CallScope,
  ): Promise<ParsedAnswer[]> {
    const answers: ParsedAnswer[] = new Array(count);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (next < count && !failed) {
        const position = next++;
        try {
          answers[position] = await this.#request(endpoint, request, 1, scope, []);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const workers = Math.max(
      1,
      Math.min(count, this.#settings.maxConcurrency ?? OPENAI_DEFAULTS.maxConcurrency),
    );
    await Promise.all(Array.from({ length: workers }, worker));
    return answers;
  }

  async #request(
    endpoint: Endpoint,
    request: GenerateRequest,
    n: number,
    scope: CallScope,
    warnings: string[],
  ): Promise<ParsedAnswer> {
    const stream = this.#settings.stream ?? OPENAI_DEFAULTS.stream;
    const body = buildBody({ endpoint, modelId: this.modelId, request, n, stream });
    const { response, url } = await this.#send(endpoint, body, scope);
    const contentType = response.headers.get('content-type') ?? '';
    if (stream && contentType.includes('text/event-stream')) {
      const accumulator = new StreamAccumulator(endpoint);
      for await (const _part of this.#streamParts(response, url, accumulator)) {
        // The accumulator keeps the text; generate returns whole samples.
      }
      return accumulator.answer();
    }
    if (stream)
      warnings.push(`the server did not stream (content-type "${contentType}"): read a whole answer`);
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new NsgenError(
        'MODEL_ERROR',
        this.#redact(
          `the server at ${url} answered with malformed JSON (${(error as Error).message}); it began: ${snippet(text)}`,
        ),
        { where: this.spec },
      );
    }
    const parsed = parseAnswer(endpoint, value);
    if ('problem' in parsed) {
      throw new NsgenError(
        'MODEL_ERROR',
        this.#redact(`unexpected answer from ${url}: ${parsed.problem}; it began: ${snippet(text)}`),
        { where: this.spec },
      );
    }
    return parsed;
  }

  async *#streamParts(
    response: Response,
    url: string,
    accumulator: StreamAccumulator,
  ): AsyncGenerator<OpenAIStreamPart> {
    if (!response.body)
      throw new NsgenError('MODEL_ERROR', `the server at ${url} sent no body`, { where: this.spec });
    for await (const event of readSse(response.body)) {
      if (event.data === '[DONE]') break;
      let chunk: unknown;
      try {
        chunk = JSON.parse(event.data);
      } catch (error) {
        throw new NsgenError(
          'MODEL_ERROR',
          this.#redact(
            `the server at ${url} streamed malformed JSON (${(error as Error).message}): ${snippet(event.data)}`,
          ),
          { where: this.spec },
        );
      }
      const deltas = accumulator.add(chunk);
      if (typeof deltas === 'string') {
        throw new NsgenError('MODEL_ERROR', this.#redact(`${deltas} (${url})`), { where: this.spec });
      }
      for (const delta of deltas) {
        if (delta.text !== '') yield { type: 'text-delta', index: delta.index, text: delta.text };
        if (delta.finishReason)
          yield { type: 'sample-finish', index: delta.index, finishReason: delta.finishReason };
      }
    }
    if (accumulator.usage) yield { type: 'usage-report', usage: accumulator.usage };
  }

  /** POSTs with retries; returns the first successful response. */
  async #send(
    endpoint: Endpoint,
    body: Record<string, unknown>,
    scope: CallScope,
  ): Promise<{ response: Response; url: string }> {
    const baseURL = this.#baseURL();
    const url = `${baseURL}${ENDPOINT_PATHS[endpoint]}`;
    const shownURL = redactUrlCredentials(url);
    const headers = this.#headers(baseURL);
    const payload = JSON.stringify(body);
    const doFetch = this.#settings.fetch ?? globalThis.fetch;
    const maxRetries = this.#settings.maxRetries ?? OPENAI_DEFAULTS.maxRetries;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(url, { method: 'POST', headers, body: payload, signal: scope.signal });
      } catch (error) {
        if (scope.signal.aborted) throw scope.signal.reason;
        const reason = `network error: ${describeNetworkError(error)}`;
        if (attempt >= maxRetries) {
          throw new NsgenError(
            'MODEL_ERROR',
            this.#redact(`could not reach ${shownURL} (${reason}) after ${attempt + 1} attempt(s)`),
            { where: this.spec, cause: error },
          );
        }
        await this.#waitBeforeRetry(attempt, undefined, reason, scope);
        continue;
      }
      if (response.ok) return { response, url: shownURL };
      const errorText = await response.text().catch(() => '');
      if (isRetryableStatus(response.status) && attempt < maxRetries) {
        await this.#waitBeforeRetry(
          attempt,
          retryAfterMs(response.headers),
          `HTTP ${response.status}`,
          scope,
        );
        continue;
      }
      throw this.#statusError(response.status, errorText, shownURL, attempt + 1);
    }
  }

  async #waitBeforeRetry(
    attempt: number,
    serverDelayMs: number | undefined,
    reason: string,
    scope: CallScope,
  ): Promise<void> {
    const maxDelayMs = this.#settings.maxRetryDelayMs ?? OPENAI_DEFAULTS.maxRetryDelayMs;
    const delayMs =
      serverDelayMs !== undefined
        ? Math.min(serverDelayMs, maxDelayMs)
        : backoffDelayMs(attempt, {
            initialDelayMs: this.#settings.initialRetryDelayMs ?? OPENAI_DEFAULTS.initialRetryDelayMs,
            maxDelayMs,
            random: this.#settings.random ?? Math.random,
          });
    this.#settings.onRetry?.({ retry: attempt + 1, delayMs, reason });
    await sleep(delayMs, scope.signal);
  }

  #statusError(status: number, text: string, url: string, attempts: number): NsgenError {
    let detail = serverMessage(text);
    if (status === 401 || status === 403) {
      detail += ` (check the API key: the apiKey option or the ${OPENAI_API_KEY_VARIABLE} environment variable)`;
    } else if (status === 404) {
      detail += ' (is the model id right, and does the base URL end where /chat/completions begins?)';
    }
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    return new NsgenError('MODEL_ERROR', this.#redact(`HTTP ${status} from ${url}${tries}: ${detail}`), {
      where: this.spec,
    });
  }

  #baseURL(): string {
    const raw = this.#settings.baseURL ?? readEnv(OPENAI_BASE_URL_VARIABLE) ?? OPENAI_DEFAULT_BASE_URL;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch (error) {
      throw new NsgenError('INVALID_CONFIG', `the base URL "${redactUrlCredentials(raw)}" is not a URL`, {
        where: this.spec,
        cause: error,
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new NsgenError('INVALID_CONFIG', `the base URL must be http or https, got "${parsed.protocol}"`, {
        where: this.spec,
      });
    }
    return raw.replace(/\/+$/, '');
  }

  #headers(baseURL: string): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...this.#settings.headers,
    };
    const apiKey = this.#apiKey();
    if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
    else if (new URL(baseURL).hostname === 'api.openai.com') {
      throw new NsgenError(
        'INVALID_CONFIG',
        `an API key is required for ${baseURL}: pass the apiKey option or set the ${OPENAI_API_KEY_VARIABLE} environment variable`,
        { where: this.spec },
      );
    }
    return headers;
  }

  #apiKey(): string | undefined {
    const key = this.#settings.apiKey ?? readEnv(OPENAI_API_KEY_VARIABLE);
    return key === undefined || key === '' ? undefined : key;
  }

  /** A server may echo the request's headers in an error page: never pass the key on. */
  #redact(message: string): string {
    const key = this.#apiKey();
    const withoutKey = key === undefined ? message : message.split(key).join('[redacted]');
    return redactUrlCredentials(withoutKey);
  }
}

function inOrder(samples: IndexedSample[]): Sample[] {
  return [...samples].sort((a, b) => a.index - b.index).map(({ index: _index, ...sample }) => sample);
}

function sumUsage(answers: ParsedAnswer[]): TokenUsage {
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  for (const answer of answers) {
    usage.promptTokens += answer.usage?.promptTokens ?? 0;
    usage.completionTokens += answer.usage?.completionTokens ?? 0;
  }
  return usage;
}

/** The error message inside an OpenAI-style error body, or the start of the body. */
function serverMessage(text: string): string {
  try {
    const value = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof value.error === 'string') return value.error;
    if (typeof value.error?.message === 'string') return value.error.message;
    if (typeof value.message === 'string') return value.message;
  } catch {
    // Not JSON: show the text itself.
  }
  return text.trim() === '' ? '(empty body)' : snippet(text);
}

function snippet(text: string, limit = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > limit ? `${flat.slice(0, limit)}…` : flat);
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message}: ${cause}` : error.message;
}

function redactUrlCredentials(text: string): string {
  return text.replace(/(https?:\/\/)[^/\s@]+@/g, '$1***@');
}
