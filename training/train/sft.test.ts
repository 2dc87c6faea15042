import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TfjsLanguageModel } from '../generate/tfjs-language-model.js';
import { useBackend } from '../model/backend.js';
import { saveCheckpoint } from '../model/checkpoint.js';
import { modelConfig } from '../model/config.js';
import { LlamaModel } from '../model/llama.js';
import { ByteBpeTokenizer } from '../tokenizer/bpe.js';
import { PromptResponseData, tasksToPairs } from './data.js';
import { sftFromFiles } from './recipes.js';

const PAIRS = [
  { prompt: 'double x', response: 'return x * 2' },
  { prompt: 'triple x', response: 'return x * 3' },
  { prompt: 'negate x', response: 'return -x' },
  { prompt: 'square x', response: 'return x * x' },
];

describe('SFT', () => {
  let tokenizer: ByteBpeTokenizer;
  let base: string;
  let root: string;

  beforeAll(async () => {
    await useBackend('wasm');
    tokenizer = ByteBpeTokenizer.train(
      PAIRS.flatMap((pair) => [pair.prompt, pair.response]),
      { vocabSize: 300, minFrequency: 1 },
    );
    root = await mkdtemp(join(tmpdir(), 'nsgen-sft-'));
    base = join(root, 'base');
    const model = LlamaModel.init(modelConfig('toy', { vocabSize: tokenizer.vocabSize }), { seed: 2 });
    await saveCheckpoint(base, { model, tokenizer, kind: 'pretrain', step: 0 });
  });

  it('puts the loss on the response and its end of text only', () => {
    const data = new PromptResponseData(tokenizer, { train: PAIRS, evaluation: PAIRS.slice(0, 1) }, 32);
    const batch = data.evalBatches(1, 1)[0];
    const promptLength = tokenizer.encode('<|prompt|>double x<|code|>').length;
    const responseLength = tokenizer.encode('return x * 2').length + 1;
    const mask = Array.from(batch?.mask ?? []);
    expect(mask.slice(0, promptLength - 1).every((m) => m === 0)).toBe(true);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(responseLength);
    expect(batch?.targets[promptLength + responseLength - 2]).toBe(tokenizer.endOfTextId);
  });

  it('turns tasks with reference solutions into pairs', () => {
    const task = { id: 't', language: 'python' as const, prompt: 'def f():\n', entryPoint: 'f' };
    expect(tasksToPairs([{ ...task, metadata: { canonicalSolution: '    return 1\n' } }, task])).toEqual([
      { prompt: 'def f():\n', response: '    return 1\n' },
    ]);
  });

  it('learns the responses, and the tfjs model answers in the SFT template', async () => {
    const out = join(root, 'sft');
    // Each pair appears twice, so the held-out last one is still learned from its twin.
    const result = await sftFromFiles({
      from: base,
      out,
      tasks: [...PAIRS, ...PAIRS].map((pair, i) => ({
        id: String(i),
        language: 'python' as const,
        prompt: pair.prompt,
        entryPoint: 'f',
        metadata: { canonicalSolution: pair.response },
      })),
      steps: 120,
      batchSize: 4,
      learningRate: 1e-2,
      evalEvery: 120,
      backend: 'wasm',
    });
    expect(result.history[0]?.loss).toBeGreaterThan(4);
    expect(result.finalEvalLoss).toBeLessThan(0.5);

    const model = new TfjsLanguageModel(join(out, 'checkpoint'), { backend: 'wasm' });
    const answer = await model.generate({ prompt: 'double x', maxTokens: 20, temperature: 0 });
    expect(answer.samples[0]).toEqual({ text: 'return x * 2', format: 'program', finishReason: 'stop' });
    const stopped = await model.generate({ prompt: 'triple x', maxTokens: 20, temperature: 0, stop: [' *'] });
    expect(stopped.samples[0]?.text).toBe('return x');
    const sampled = await model.generate({
      prompt: 'square x',
      n: 2,
      maxTokens: 3,
      temperature: 1,
      topP: 0.9,
    });
    expect(sampled.samples).toHaveLength(2);
    expect(sampled.usage.completionTokens).toBeLessThanOrEqual(6);
  });
});
