import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../core/index.js';
import { OpenAICompatibleModel } from './openai/index.js';
import { modelSpecForms, parseOpenAIArgument, resolveModel } from './registry.js';
import { ReplayModel } from './replay.js';

describe('resolveModel', () => {
  it('resolves replay specs', () => {
    const canonical = resolveModel('replay:canonical');
    expect(canonical).toBeInstanceOf(ReplayModel);
    expect(canonical.spec).toBe('replay:canonical');
    expect(resolveModel('replay:runs/samples.jsonl').spec).toBe('replay:runs/samples.jsonl');
  });

  it('resolves openai specs with and without a base URL, keeping names with colons', () => {
    const local = resolveModel('openai:qwen2.5-coder:7b@http://127.0.0.1:11434/v1');
    expect(local).toBeInstanceOf(OpenAICompatibleModel);
    expect(local.spec).toBe('openai:qwen2.5-coder:7b@http://127.0.0.1:11434/v1');
    expect((local as OpenAICompatibleModel).modelId).toBe('qwen2.5-coder:7b');
    expect(parseOpenAIArgument('org/model@v2@https://host/v1', 'spec')).toEqual({
      modelId: 'org/model@v2',
      baseURL: 'https://host/v1',
    });
    expect(parseOpenAIArgument('gpt-4o-mini', 'spec')).toEqual({ modelId: 'gpt-4o-mini' });
  });

  it('passes provider options to the openai model', async () => {
    const requested: string[] = [];
    const model = resolveModel('openai:m@http://model.invalid/v1', {
      openai: {
        fetch: async (input) => {
          requested.push(String(input));
          return Response.json({ choices: [{ index: 0, text: 'x', finish_reason: 'stop' }] });
        },
      },
    });
    await model.generate({ prompt: 'p' });
    expect(requested).toEqual(['http://model.invalid/v1/completions']);
  });

  it('rejects unknown providers and malformed specs, listing the valid forms', () => {
    for (const spec of [
      'gpt4',
      'anthropic:claude',
      ':x',
      'openai:',
      'openai:@http://host/v1',
      'openai:m@ftp://host',
    ]) {
      expect(() => resolveModel(spec), spec).toThrow(
        expect.objectContaining({
          code: 'UNKNOWN_MODEL',
          message: expect.stringContaining('replay:canonical'),
        }),
      );
    }
    expect(() => resolveModel('anthropic:claude')).toThrow(
      /unknown model provider "anthropic".*Valid providers: replay, openai/,
    );
  });

  it('names tfjs as registered by the edge, and accepts it once registered', () => {
    expect(() => resolveModel('tfjs:checkpoints/small')).toThrow(
      /the "tfjs" provider is not available here .*tfjs:CHECKPOINT_DIR \(when registered\)/,
    );
    const built: string[] = [];
    const model = resolveModel('tfjs:checkpoints/small', {
      providers: {
        tfjs: {
          forms: ['tfjs:CHECKPOINT_DIR'],
          create: (argument, { spec }): LanguageModel => {
            built.push(argument);
            return {
              specificationVersion: 'v1',
              provider: 'tfjs',
              spec,
              generate: async () => ({
                samples: [],
                usage: { promptTokens: 0, completionTokens: 0 },
                warnings: [],
              }),
            };
          },
        },
      },
    });
    expect(built).toEqual(['checkpoints/small']);
    expect(model.spec).toBe('tfjs:checkpoints/small');
    expect(
      modelSpecForms({ providers: { tfjs: { forms: ['tfjs:CHECKPOINT_DIR'], create: () => model } } }),
    ).toContain('tfjs:CHECKPOINT_DIR');
  });
});
