import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type BackendName, useBackend } from '../model/backend.js';
import { modelConfig } from '../model/config.js';
import { LlamaModel } from '../model/llama.js';
import { ByteBpeTokenizer } from '../tokenizer/bpe.js';
import { TokenStreamData, tokenStreams } from './data.js';
import { Trainer } from './trainer.js';

// Each backend takes its own route through the model and the optimizer (wasm: hand-summed
// embedding gradient, explicit transposes, slices cut in JavaScript; the others: gather's
// gradient, transposed products, split on the device): the numbers must not depend on it.
async function lossCurve(backend: BackendName, documents: string[]): Promise<number[]> {
  await useBackend(backend);
  const tokenizer = ByteBpeTokenizer.train(documents, { vocabSize: 320 });
  const streams = tokenStreams(tokenizer, documents);
  const config = modelConfig('toy', { vocabSize: tokenizer.vocabSize });
  const model = LlamaModel.init(config, { seed: 5 });
  const data = new TokenStreamData(streams.train, streams.evaluation, config.contextLength, 3);
  const trainer = Trainer.create(model, tokenizer, data, { steps: 6, learningRate: 1e-2, batchSize: 4 });
  const losses = Array.from({ length: 6 }, () => trainer.trainStep().loss);
  losses.push(trainer.evaluate());
  trainer.dispose();
  model.dispose();
  return losses;
}

describe('training gives the same numbers on every backend', () => {
  it('wasm, cpu and (when installed) tensorflow follow one loss curve', async () => {
    const documents = await Promise.all(
      ['llama.ts', 'fused-ops.ts', 'config.ts'].map((name) =>
        readFile(join(import.meta.dirname, '..', 'model', name), 'utf8'),
      ),
    );
    const backends: BackendName[] = ['wasm', 'cpu'];
    if (
      await useBackend('tensorflow').then(
        () => true,
        () => false,
      )
    )
      backends.push('tensorflow');
    const curves = new Map<BackendName, number[]>();
    for (const backend of backends) curves.set(backend, await lossCurve(backend, documents));
    const reference = curves.get('cpu') as number[];
    // The loss falls, and every backend's curve stays within float32 rounding of cpu's.
    expect(reference[5]).toBeLessThan(reference[0] as number);
    for (const [backend, curve] of curves) {
      for (const [step, loss] of curve.entries()) {
        expect(Math.abs(loss - (reference[step] as number)), `${backend}, step ${step}`).toBeLessThan(2e-3);
      }
    }
    expect(tf.memory().numTensors).toBeLessThan(100);
  });
});
