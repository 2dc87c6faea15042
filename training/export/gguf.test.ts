import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getLlama, type Llama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../generate/sampler.js';
import { useBackend } from '../model/backend.js';
import { modelConfig } from '../model/config.js';
import { LlamaModel } from '../model/llama.js';
import { ByteBpeTokenizer } from '../tokenizer/bpe.js';
import { readDocuments, TokenStreamData, tokenStreams } from '../train/data.js';
import { Trainer } from '../train/trainer.js';
import { toFloat16, writeGguf } from './gguf.js';

const CORE = join(import.meta.dirname, '..', '..', 'src', 'core');
const PROMPT = 'export function readEnv(name: string)';

describe('GGUF export', () => {
  let model: LlamaModel;
  let tokenizer: ByteBpeTokenizer;
  let dir: string;
  let llama: Llama | undefined;

  beforeAll(async () => {
    await useBackend('wasm');
    const files = (await readdir(CORE))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(CORE, name));
    const documents = await readDocuments(files);
    tokenizer = ByteBpeTokenizer.train(documents, { vocabSize: 400 });
    const { train, evaluation } = tokenStreams(tokenizer, documents);
    // Two layers and a context of 64, so that RoPE at many positions and the layer stack are exercised.
    const config = modelConfig('toy', { vocabSize: tokenizer.vocabSize, nLayers: 2, contextLength: 64 });
    model = LlamaModel.init(config, { seed: 5 });
    const trainer = Trainer.create(model, tokenizer, new TokenStreamData(train, evaluation, 64, 1), {
      steps: 40,
      batchSize: 4,
      learningRate: 1e-2,
      evalEvery: 1000,
    });
    await trainer.run();
    dir = await mkdtemp(join(tmpdir(), 'nsgen-gguf-'));
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  });

  afterAll(async () => {
    await llama?.dispose();
  });

  it('converts to half precision like IEEE 754', () => {
    const halves = toFloat16(Float32Array.of(0, 1, -2, 0.5, 65504, 1e6, 6e-8, 1 / 3));
    expect([...halves]).toEqual([0x0000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0x0001, 0x3555]);
  });

  for (const type of ['f32', 'f16'] as const) {
    it(`${type}: llama.cpp tokenizes alike, continues greedily with the same tokens and matching log-probabilities`, async () => {
      const path = join(dir, `model-${type}.gguf`);
      await writeGguf(path, { config: model.config, weights: await model.readWeights(), tokenizer, type });

      const gguf = await (llama as Llama).loadModel({ modelPath: path });
      // One thread: ggml's worker threads spin while they wait, which starves a shared 2-core machine.
      const context = await gguf.createContext({ contextSize: 64, batchSize: 64, threads: 1 });
      try {
        const promptIds = tokenizer.encode(PROMPT);
        expect(gguf.tokenize(PROMPT)).toEqual(promptIds);

        const ours = decode(model, tokenizer, PROMPT, { maxTokens: 16, temperature: 0 });
        const sequence = context.getSequence();
        const theirs: number[] = [];
        let firstProbabilities: Map<number, number> | undefined;
        for await (const output of sequence.evaluateWithMetadata(
          promptIds as Token[],
          { probabilities: true },
          { temperature: 0, yieldEogToken: true },
        )) {
          firstProbabilities ??= output.probabilities;
          theirs.push(output.token);
          if (theirs.length === ours.tokens.length || output.token === tokenizer.endOfTextId) break;
        }
        expect(theirs).toEqual(ours.tokens);

        // Log-probabilities of the first next token: logits up to their row's constant shift.
        const logits = tf.tidy(() =>
          tf
            .logSoftmax(model.forward(tf.tensor2d(promptIds, [1, promptIds.length], 'int32')))
            .slice([0, promptIds.length - 1, 0], [1, 1, tokenizer.vocabSize])
            .dataSync(),
        );
        let worst = 0;
        for (const [token, probability] of firstProbabilities ?? []) {
          if (probability < 1e-4) continue;
          worst = Math.max(worst, Math.abs(Math.log(probability) - (logits[token] as number)));
        }
        expect(firstProbabilities?.size).toBeGreaterThan(0);
        expect(worst).toBeLessThan(type === 'f32' ? 1e-3 : 2e-2);
      } finally {
        await context.dispose();
        await gguf.dispose();
      }
    });
  }
});
