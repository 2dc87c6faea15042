/**
 * An OpenAI-compatible HTTP server for tests: it stands in for the external model
 * service (vLLM, Ollama, OpenAI). It listens on 127.0.0.1 on a free port, records every
 * request, and answers either from scripted texts (`answer`) — honouring `n`, `stream`
 * and the endpoint like a real server — or from a handler that controls the reply
 * exactly (errors, malformed JSON, slow or hanging streams).
 *
 * @example
 * await using server = await startStubServer({ answer: () => '```python\ndef f():\n    return 1\n```' });
 * const model = createOpenAIModel({ modelId: 'stub', baseURL: server.baseURL });
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  /** The path after the host, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the body is not JSON. */
  body: Record<string, unknown> | undefined;
}

/** What the stub sends back. */
export type StubReply =
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string> }
  /** Any text, for malformed answers and error pages. */
  | { kind: 'raw'; body: string; status?: number; headers?: Record<string, string> }
  /** Server-sent events: each string becomes one `data:` event. */
  | {
      kind: 'sse';
      events: string[];
      /** Pause before each event. @default 0 */
      intervalMs?: number;
      /** Keep the connection open after the last event (for abort and timeout tests). */
      hold?: boolean;
    }
  /** Accept the request and never answer. */
  | { kind: 'hang' };

export type StubHandler = (request: StubRequest, server: StubServer) => StubReply | Promise<StubReply>;

export interface StubServerOptions {
  /** Full control over each reply. Wins over `answer`. */
  handler?: StubHandler;
  /**
   * Scripted answer texts for a request: the stub returns `n` choices, cycling through
   * the texts, as a whole answer or a stream as the request asks.
   */
  answer?: (request: StubRequest) => string | string[];
  /** Answer with one choice whatever `n` says, as Ollama does. @default false */
  ignoreN?: boolean;
  /** Token usage reported with scripted answers. @default { prompt_tokens: 10, completion_tokens: 5 per choice } */
  usage?: (request: StubRequest, choices: number) => { prompt_tokens: number; completion_tokens: number };
}

export interface StubServer {
  /** The base URL to give a model, ending in `/v1`. */
  readonly baseURL: string;
  /** Every request so far, in order. */
  readonly requests: StubRequest[];
  /** Connections the client closed before the stub finished its reply. */
  readonly clientDisconnects: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startStubServer(options: StubServerOptions = {}): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const open = new Set<ServerResponse>();
  let clientDisconnects = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer(async (incoming, response) => {
    open.add(response);
    response.on('close', () => {
      open.delete(response);
      if (!response.writableFinished) clientDisconnects++;
    });
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = undefined;
    }
    const request: StubRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers: incoming.headers,
      body,
    };
    requests.push(request);
    let reply: StubReply;
    try {
      reply = options.handler ? await options.handler(request, stub) : scriptedReply(request, options);
    } catch (error) {
      reply = {
        kind: 'json',
        status: 500,
        body: { error: { message: `stub handler failed: ${String(error)}` } },
      };
    }
    await send(response, reply, wait);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const close = async (): Promise<void> => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const response of open) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  const stub: StubServer = {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get clientDisconnects() {
      return clientDisconnects;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return stub;
}

async function send(
  response: ServerResponse,
  reply: StubReply,
  wait: (ms: number) => Promise<void>,
): Promise<void> {
  switch (reply.kind) {
    case 'json':
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.body));
      return;
    case 'raw':
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      response.end(reply.body);
      return;
    case 'hang':
      // Leave the request unanswered; close() destroys the connection.
      return;
    case 'sse': {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.flushHeaders();
      for (const event of reply.events) {
        if (reply.intervalMs) await wait(reply.intervalMs);
        if (response.destroyed) return;
        response.write(`data: ${event}\n\n`);
      }
      if (!reply.hold) response.end();
      return;
    }
  }
}

function scriptedReply(request: StubRequest, options: StubServerOptions): StubReply {
  if (!options.answer) {
    return {
      kind: 'json',
      status: 500,
      body: { error: { message: 'the stub server has no scripted answer' } },
    };
  }
  const isChat = request.path.endsWith('/chat/completions');
  if (!isChat && !request.path.endsWith('/completions')) {
    return { kind: 'json', status: 404, body: { error: { message: `no route for ${request.path}` } } };
  }
  const scripted = options.answer(request);
  const texts = Array.isArray(scripted) ? scripted : [scripted];
  const requested = typeof request.body?.n === 'number' ? request.body.n : 1;
  const count = options.ignoreN ? 1 : requested;
  const choices = Array.from({ length: count }, (_, index) => texts[index % texts.length] ?? '');
  const usage = options.usage?.(request, count) ?? { prompt_tokens: 10, completion_tokens: 5 * count };
  const model = typeof request.body?.model === 'string' ? request.body.model : 'stub';
  const endpoint = isChat ? 'chat' : 'completions';
  if (request.body?.stream === true)
    return { kind: 'sse', events: streamEvents(endpoint, choices, { model, usage }) };
  return { kind: 'json', body: completionBody(endpoint, choices, { model, usage }) };
}

export interface AnswerShape {
  model?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
  finishReason?: string;
}

/** A whole answer in the OpenAI format, for handlers that script replies. */
export function completionBody(
  endpoint: 'chat' | 'completions',
  texts: string[],
  shape: AnswerShape = {},
): unknown {
  const finish_reason = shape.finishReason ?? 'stop';
  return {
    id: 'stub-1',
    object: endpoint === 'chat' ? 'chat.completion' : 'text_completion',
    created: 0,
    model: shape.model ?? 'stub',
    choices: texts.map((text, index) =>
      endpoint === 'chat'
        ? { index, message: { role: 'assistant', content: text }, finish_reason }
        : { index, text, finish_reason },
    ),
    ...(shape.usage
      ? { usage: { ...shape.usage, total_tokens: shape.usage.prompt_tokens + shape.usage.completion_tokens } }
      : {}),
  };
}

/**
 * A streamed answer as `data:` payloads: each text split into a few deltas, the choices
 * interleaved, a finish chunk per choice, usage in a final chunk, then `[DONE]`.
 */
export function streamEvents(
  endpoint: 'chat' | 'completions',
  texts: string[],
  shape: AnswerShape = {},
): string[] {
  const model = shape.model ?? 'stub';
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ id: 'stub-1', object: 'chat.completion.chunk', created: 0, model, choices, ...extra });
  const pieces = texts.map((text) => splitInPieces(text, 3));
  const events: string[] = [];
  const longest = Math.max(0, ...pieces.map((parts) => parts.length));
  for (let step = 0; step < longest; step++) {
    pieces.forEach((parts, index) => {
      const piece = parts[step];
      if (piece === undefined) return;
      events.push(
        chunk([
          endpoint === 'chat'
            ? {
                index,
                delta: step === 0 ? { role: 'assistant', content: piece } : { content: piece },
                finish_reason: null,
              }
            : { index, text: piece, finish_reason: null },
        ]),
      );
    });
  }
  texts.forEach((_, index) => {
    events.push(
      chunk([
        endpoint === 'chat'
          ? { index, delta: {}, finish_reason: shape.finishReason ?? 'stop' }
          : { index, text: '', finish_reason: shape.finishReason ?? 'stop' },
      ]),
    );
  });
  if (shape.usage) events.push(chunk([], { usage: shape.usage }));
  events.push('[DONE]');
  return events;
}

function splitInPieces(text: string, pieces: number): string[] {
  if (text === '') return [''];
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size) parts.push(text.slice(start, start + size));
  return parts;
}
