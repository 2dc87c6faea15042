/**
 * A server-sent events reader (the `text/event-stream` format OpenAI-compatible servers
 * stream with): `data:` lines, multi-line data, comments, CR/LF/CRLF line ends, events
 * split anywhere across network chunks.
 */

export interface SseEvent {
  /** The `event:` field, when the server named the event. */
  event?: string;
  /** The `data:` lines of the event joined with newlines. */
  data: string;
}

/**
 * Yields the events of a byte stream. Stopping the iteration early (break, return, an
 * error in the consumer) cancels the stream, which closes the connection.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseLineParser();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(`${decoder.decode()}\n\n`);
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Turns text, fed in arbitrary pieces, into complete events. */
export class SseLineParser {
  #buffer = '';
  #data: string[] = [];
  #event: string | undefined;

  *push(text: string): Generator<SseEvent> {
    this.#buffer += text;
    for (;;) {
      const match = /\r\n|\n|\r/.exec(this.#buffer);
      if (!match) return;
      // A lone CR at the end of a chunk may be the first half of a CRLF: wait for more.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) return;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const event = this.#line(line);
      if (event) yield event;
    }
  }

  #line(line: string): SseEvent | undefined {
    if (line === '') {
      if (this.#data.length === 0) {
        this.#event = undefined;
        return undefined;
      }
      const event: SseEvent = { data: this.#data.join('\n') };
      if (this.#event !== undefined) event.event = this.#event;
      this.#data = [];
      this.#event = undefined;
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    return undefined;
  }
}
