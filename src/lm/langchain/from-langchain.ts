/**
 * Any LangChain.js chat model as an nsgen language model: `invoke` for one sample,
 * `batch` for n. Sampling settings (temperature, top-p, max tokens) belong to the
 * LangChain model's own constructor, so a request that sets them earns a warning.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import {
  type CallOptions,
  type ChatMessage,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  NsgenError,
  type Sample,
  type TokenUsage,
  throwIfAborted,
} from '../../core/index.js';

/** The part of a LangChain chat model this adapter uses (a `BaseChatModel` has it). */
export type LangChainChatModel = Pick<BaseChatModel, 'invoke' | 'batch' | 'getName'>;

export interface FromLangChainOptions {
  /** The spec reported in results. @default `langchain:${chatModel.getName()}` */
  spec?: string;
  /** Calls `batch` runs at once for n samples. @default 4 */
  maxConcurrency?: number;
}

const MODEL_SIDE_SETTINGS = ['temperature', 'topP', 'maxTokens'] as const;

export function fromLangChain(
  chatModel: LangChainChatModel,
  options: FromLangChainOptions = {},
): LanguageModel {
  const spec = options.spec ?? `langchain:${chatModel.getName()}`;
  return {
    specificationVersion: 'v1',
    provider: 'langchain',
    spec,
    async generate(request: GenerateRequest, callOptions: CallOptions = {}): Promise<GenerateResult> {
      throwIfAborted(callOptions.signal);
      const n = request.n ?? 1;
      if (!Number.isInteger(n) || n < 1) {
        throw new NsgenError('INVALID_ARGUMENT', `n must be a positive integer, got ${n}`, { where: spec });
      }
      const messages = toLangChainMessages(request, spec);
      const warnings = MODEL_SIDE_SETTINGS.filter((setting) => request[setting] !== undefined).map(
        (setting) => `${spec} ignores ${setting} per call: set it on the LangChain model itself`,
      );
      const config = {
        ...(callOptions.signal ? { signal: callOptions.signal } : {}),
        ...(request.stop && request.stop.length > 0 ? { stop: request.stop } : {}),
      };
      let outputs: BaseMessage[];
      try {
        outputs =
          n === 1
            ? [await chatModel.invoke(messages, config)]
            : await chatModel.batch(
                Array.from({ length: n }, () => messages),
                { ...config, maxConcurrency: options.maxConcurrency ?? 4 },
              );
      } catch (error) {
        throwIfAborted(callOptions.signal);
        const message = error instanceof Error ? error.message : String(error);
        throw new NsgenError('MODEL_ERROR', `the LangChain model failed: ${message}`, {
          where: spec,
          cause: error,
        });
      }
      const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
      const samples: Sample[] = outputs.map((output) => {
        if (AIMessage.isInstance(output) && output.usage_metadata) {
          usage.promptTokens += output.usage_metadata.input_tokens;
          usage.completionTokens += output.usage_metadata.output_tokens;
        }
        return { text: output.text, format: 'message', finishReason: finishReasonOf(output) };
      });
      return { samples, usage, warnings };
    },
  };
}

function toLangChainMessages(request: GenerateRequest, spec: string): BaseMessage[] {
  const messages: ChatMessage[] =
    request.messages && request.messages.length > 0
      ? request.messages
      : request.prompt !== undefined
        ? [{ role: 'user', content: request.prompt }]
        : [];
  if (messages.length === 0) {
    throw new NsgenError('INVALID_ARGUMENT', 'the request has neither messages nor a prompt', {
      where: spec,
    });
  }
  return messages.map((message) => {
    if (message.role === 'system') return new SystemMessage(message.content);
    if (message.role === 'assistant') return new AIMessage(message.content);
    return new HumanMessage(message.content);
  });
}

function finishReasonOf(message: BaseMessage): Sample['finishReason'] {
  const metadata = message.response_metadata as Record<string, unknown> | undefined;
  const reason = metadata?.finish_reason ?? metadata?.stop_reason;
  if (reason === 'stop' || reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  if (reason === 'length' || reason === 'max_tokens') return 'length';
  return 'unknown';
}
