import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isNsgenError, type NsgenError } from '../../core/index.js';
import { createOpenAIModel, type OpenAIStreamPart, type RetryEvent } from './openai-model.js';
import {
  completionBody,
  type StubServer,
  startStubServer,
  streamEvents,
} from './test-support/stub-server.js';

const SECRET = 'sk-test-0123456789abcdefSECRET';
const servers: StubServer[] = [];

async function stub(options: Parameters<typeof startStubServer>[0]): Promise<StubServer> {
  const server = await startStubServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function caught(promise: Promise<unknown>): Promise<NsgenError> {
  try {
    await promise;
  } catch (error) {
    if (isNsgenError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const fastRetries = { initialRetryDelayMs: 1, maxRetryDelayMs: 50, random: () => 0.5 };

describe('OpenAI-compatible model', () => {
  it('sends a chat request and returns message samples with usage', async () => {
    const server = await stub({ answer: () => 'def f():\n    return 1' });
    const model = createOpenAIModel({ modelId: 'qwen-coder', baseURL: server.baseURL, apiKey: SECRET });
    const result = await model.generate({
      messages: [{ role: 'user', content: 'write f' }],
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 64,
      stop: ['\nclass'],
    });
    expect(result.samples).toEqual([
      { text: 'def f():\n    return 1', format: 'message', finishReason: 'stop' },
    ]);
    expect(result.usage).toEqual({ promptTokens: 10, completionTokens: 5 });
    expect(result.warnings).toEqual([]);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(request?.body).toEqual({
      model: 'qwen-coder',
      messages: [{ role: 'user', content: 'write f' }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      stop: ['\nclass'],
    });
  });

  it('uses the completions endpoint for a prompt without messages', async () => {
    const server = await stub({ answer: () => '    return a + b\n' });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL });
    const result = await model.generate({ prompt: 'def add(a, b):\n' });
    expect(server.requests[0]?.path).toBe('/v1/completions');
    expect(server.requests[0]?.body?.prompt).toBe('def add(a, b):\n');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(result.samples[0]).toEqual({
      text: '    return a + b\n',
      format: 'completion',
      finishReason: 'stop',
    });
  });

  it('draws n samples in one request when the server honours n', async () => {
    const server = await stub({ answer: () => ['a', 'b', 'c'] });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL });
    const result = await model.generate({ messages: [{ role: 'user', content: 'x' }], n: 3 });
    expect(result.samples.map((sample) => sample.text)).toEqual(['a', 'b', 'c']);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body?.n).toBe(3);
  });

  it('detects a server that ignores n, warns, and draws the rest separately', async () => {
    const server = await stub({ answer: () => 'same', ignoreN: true });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL });
    const first = await model.generate({ messages: [{ role: 'user', content: 'x' }], n: 3 });
    expect(first.samples).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    expect(first.warnings.join('\n')).toMatch(/returned 1 of n=3 samples/);
    expect(first.usage).toEqual({ promptTokens: 30, completionTokens: 15 });
    const second = await model.generate({ messages: [{ role: 'user', content: 'x' }], n: 2 });
    expect(second.samples).toHaveLength(2);
    // Known now: two single-sample requests, no n sent.
    expect(server.requests.slice(3).map((request) => request.body?.n)).toEqual([undefined, undefined]);
    expect(second.warnings.join('\n')).toMatch(/ignores n/);
  });

  it('streams: aggregates deltas of n interleaved samples and reads usage from the final chunk', async () => {
    const server = await stub({ answer: () => ['first answer text', 'second answer'] });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL, stream: true });
    const result = await model.generate({ messages: [{ role: 'user', content: 'x' }], n: 2 });
    expect(server.requests[0]?.body?.stream).toBe(true);
    expect(server.requests[0]?.body?.stream_options).toEqual({ include_usage: true });
    expect(result.samples).toEqual([
      { text: 'first answer text', format: 'message', finishReason: 'stop' },
      { text: 'second answer', format: 'message', finishReason: 'stop' },
    ]);
    expect(result.usage).toEqual({ promptTokens: 10, completionTokens: 10 });
  });

  it('yields typed stream parts from stream()', async () => {
    const server = await stub({ answer: () => 'hello world' });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL });
    const parts: OpenAIStreamPart[] = [];
    for await (const part of model.stream({ prompt: 'say' })) parts.push(part);
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    expect(text).toBe('hello world');
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(1);
    expect(parts.at(-2)).toEqual({ type: 'sample-finish', index: 0, finishReason: 'stop' });
    expect(parts.at(-1)).toEqual({ type: 'usage-report', usage: { promptTokens: 10, completionTokens: 5 } });
  });

  it('retries after 429 (honouring retry-after-ms) and after 500, then succeeds', async () => {
    let calls = 0;
    const server = await stub({
      handler: () => {
        calls++;
        if (calls === 1) {
          return {
            kind: 'json',
            status: 429,
            headers: { 'retry-after-ms': '20' },
            body: { error: { message: 'slow down' } },
          };
        }
        if (calls === 2) return { kind: 'raw', status: 500, body: 'internal error' };
        return {
          kind: 'json',
          body: completionBody('chat', ['ok'], { usage: { prompt_tokens: 1, completion_tokens: 1 } }),
        };
      },
    });
    const retries: RetryEvent[] = [];
    const model = createOpenAIModel({
      modelId: 'm',
      baseURL: server.baseURL,
      ...fastRetries,
      onRetry: (event) => retries.push(event),
    });
    const result = await model.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(result.samples[0]?.text).toBe('ok');
    expect(server.requests).toHaveLength(3);
    expect(retries).toEqual([
      { retry: 1, delayMs: 20, reason: 'HTTP 429' },
      // Backoff: initial 1 ms · 2^1 = 2 ms, scaled by jitter 0.5 + 0.5 · 0.5.
      { retry: 2, delayMs: 2, reason: 'HTTP 500' },
    ]);
  });

  it('gives up after maxRetries with a MODEL_ERROR naming the status and the server message', async () => {
    const server = await stub({
      handler: () => ({ kind: 'json', status: 503, body: { error: { message: 'model is loading' } } }),
    });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL, maxRetries: 2, ...fastRetries });
    const error = await caught(model.generate({ prompt: 'x' }));
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toMatch(/HTTP 503 .* after 3 attempts: model is loading/);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    const server = await stub({
      handler: () => ({ kind: 'json', status: 400, body: { error: { message: 'bad n' } } }),
    });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL, ...fastRetries });
    const error = await caught(model.generate({ prompt: 'x' }));
    expect(error.message).toMatch(/HTTP 400 from .*: bad n/);
    expect(server.requests).toHaveLength(1);
  });

  it('retries network errors and reports an unreachable server clearly', async () => {
    const server = await stub({ answer: () => 'x' });
    const baseURL = server.baseURL;
    await server.close();
    const retries: RetryEvent[] = [];
    const model = createOpenAIModel({
      modelId: 'm',
      baseURL,
      maxRetries: 1,
      ...fastRetries,
      onRetry: (event) => retries.push(event),
    });
    const error = await caught(model.generate({ prompt: 'x' }));
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toMatch(
      /could not reach http:\/\/127\.0\.0\.1:\d+\/v1\/completions .* after 2 attempt/,
    );
    expect(retries[0]?.reason).toMatch(/^network error/);
  });

  it('times out a call whose server never answers', async () => {
    const server = await stub({ handler: () => ({ kind: 'hang' }) });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL, timeoutMs: 100 });
    const error = await caught(model.generate({ prompt: 'x' }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/longer than 100 ms \(the timeoutMs option\)/);
  });

  it('aborts mid-stream, closes the connection and reports ABORTED', async () => {
    const server = await stub({
      handler: () => ({
        kind: 'sse',
        events: streamEvents('chat', ['a long answer that keeps coming']),
        intervalMs: 20,
        hold: true,
      }),
    });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL });
    const controller = new AbortController();
    const received: string[] = [];
    const error = await caught(
      (async () => {
        for await (const part of model.stream(
          { messages: [{ role: 'user', content: 'x' }] },
          { signal: controller.signal },
        )) {
          if (part.type === 'text-delta') {
            received.push(part.text);
            controller.abort();
          }
        }
      })(),
    );
    expect(error.code).toBe('ABORTED');
    expect(received).toHaveLength(1);
    await expect.poll(() => server.clientDisconnects).toBe(1);
  });

  it('aborts a streaming generate call mid-answer', async () => {
    const server = await stub({
      handler: () => ({ kind: 'sse', events: streamEvents('chat', ['abc']), intervalMs: 30, hold: true }),
    });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL, stream: true });
    const controller = new AbortController();
    const call = model.generate(
      { messages: [{ role: 'user', content: 'x' }] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 45);
    const error = await caught(call);
    expect(error.code).toBe('ABORTED');
    await expect.poll(() => server.clientDisconnects).toBe(1);
  });

  it('rejects an already-aborted signal without a request', async () => {
    const server = await stub({ answer: () => 'x' });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL });
    const error = await caught(model.generate({ prompt: 'x' }, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('ABORTED');
    expect(server.requests).toHaveLength(0);
  });

  it('turns malformed JSON into a clear MODEL_ERROR', async () => {
    const server = await stub({ handler: () => ({ kind: 'raw', body: '{"choices": [ {"message": ' }) });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL });
    const error = await caught(model.generate({ messages: [{ role: 'user', content: 'x' }] }));
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toMatch(
      /openai:m: the server at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions answered with malformed JSON/,
    );
    expect(error.message).toContain('{\\"choices\\"');
  });

  it('turns a malformed stream chunk and a JSON answer without choices into MODEL_ERRORs', async () => {
    const streaming = await stub({ handler: () => ({ kind: 'sse', events: ['{"choices": [', '[DONE]'] }) });
    const streamModel = createOpenAIModel({ modelId: 'm', baseURL: streaming.baseURL, stream: true });
    const streamError = await caught(streamModel.generate({ prompt: 'x' }));
    expect(streamError.message).toMatch(/streamed malformed JSON/);
    const shapeless = await stub({ handler: () => ({ kind: 'json', body: { result: 'x' } }) });
    const model = createOpenAIModel({ modelId: 'm', baseURL: shapeless.baseURL });
    const error = await caught(model.generate({ prompt: 'x' }));
    expect(error.message).toMatch(/has no "choices" array/);
  });

  it('never reveals the API key in errors or serialised values', async () => {
    const server = await stub({
      // A hostile or careless server that echoes the Authorization header in its error page.
      handler: (request) => ({
        kind: 'raw',
        status: 401,
        body: `denied for ${String(request.headers.authorization)}`,
      }),
    });
    const model = createOpenAIModel({ modelId: 'm', baseURL: server.baseURL, apiKey: SECRET });
    const error = await caught(model.generate({ prompt: 'x' }));
    expect(error.message).toMatch(/HTTP 401 .*\[redacted\].*apiKey option or the OPENAI_API_KEY/);
    for (const shown of [
      error.message,
      String(error.stack),
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
    ]) {
      expect(shown).not.toContain(SECRET);
    }
    for (const shown of [JSON.stringify(model), inspect(model, { depth: 10 }), JSON.stringify({ model })]) {
      expect(shown).not.toContain(SECRET);
    }
  });

  it('requires a key for api.openai.com only, naming the option and the variable', async () => {
    const previous = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      let fetched = false;
      const model = createOpenAIModel({
        modelId: 'gpt-4o-mini',
        baseURL: 'https://api.openai.com/v1',
        fetch: async () => {
          fetched = true;
          return new Response('{}');
        },
      });
      const error = await caught(model.generate({ prompt: 'x' }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toMatch(/apiKey option or set the OPENAI_API_KEY environment variable/);
      expect(fetched).toBe(false);
    } finally {
      if (previous !== undefined) process.env.OPENAI_API_KEY = previous;
    }
  });

  it('does no I/O at construction and uses the injected fetch', async () => {
    const calls: string[] = [];
    const model = createOpenAIModel({
      modelId: 'm',
      baseURL: 'http://model.invalid/v1/',
      fetch: async (input) => {
        calls.push(String(input));
        return Response.json(completionBody('completions', ['x']));
      },
    });
    expect(calls).toEqual([]);
    const result = await model.generate({ prompt: 'p' });
    expect(calls).toEqual(['http://model.invalid/v1/completions']);
    expect(result.warnings).toEqual([
      'the server reported no token usage for some requests: their tokens count as 0',
    ]);
  });
});

describe('OpenAI-compatible model, separate requests', () => {
  it('cancels sibling requests still in flight when one fails', async () => {
    let calls = 0;
    const server = await stub({
      handler: () => {
        calls++;
        return calls === 1
          ? { kind: 'json', status: 400, body: { error: { message: 'rejected' } } }
          : { kind: 'hang' };
      },
    });
    const model = createOpenAIModel({
      modelId: 'm',
      baseURL: server.baseURL,
      multipleSamples: 'separate-requests',
      maxConcurrency: 3,
    });
    const error = await caught(model.generate({ prompt: 'x', n: 3 }));
    expect(error.message).toMatch(/HTTP 400/);
    await expect.poll(() => server.clientDisconnects).toBe(2);
  });
});
