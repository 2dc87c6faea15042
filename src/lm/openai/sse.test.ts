import { describe, expect, it } from 'vitest';
import { readSse, SseLineParser } from './sse.js';

function streamOf(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

describe('server-sent events', () => {
  it('reads data lines split anywhere across chunks, with comments, CRLF and multi-line data', async () => {
    const events = [];
    for await (const event of readSse(
      streamOf([
        ': keep-alive\r\n\r\nda',
        'ta: {"a":',
        '1}\r',
        '\n\r\nevent: error\ndata: line one\ndata: line two\n',
        '\ndata:[DONE]',
      ]),
    )) {
      events.push(event);
    }
    expect(events).toEqual([
      { data: '{"a":1}' },
      { event: 'error', data: 'line one\nline two' },
      { data: '[DONE]' },
    ]);
  });

  it('keeps a trailing CR until it knows whether an LF follows', () => {
    const parser = new SseLineParser();
    expect([...parser.push('data: x\r')]).toEqual([]);
    expect([...parser.push('\n')]).toEqual([]);
    expect([...parser.push('\r\n')]).toEqual([{ data: 'x' }]);
  });

  it('cancels the stream when the consumer stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readSse(body)) {
      expect(event.data).toBe('1');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
