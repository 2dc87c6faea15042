export * from './openai-model.js';
export { readSse, type SseEvent } from './sse.js';
