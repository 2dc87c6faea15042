import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus } from './data/build.js';
import { useBackend } from './model/backend.js';
import { loadCheckpoint } from './model/checkpoint.js';
import { modelConfig } from './model/config.js';
import { LlamaModel } from './model/llama.js';
import { ByteBpeTokenizer } from './tokenizer/bpe.js';
import { readDocuments, TokenStreamData, tokenStreams, unigramCrossEntropy } from './train/data.js';
import { Trainer } from './train/trainer.js';

// The corpus: installed npm packages (pinned by the lock file), through the data engine.
const NODE_MODULES = join(import.meta.dirname, '..', 'node_modules');

describe('pretraining a toy model on wasm', () => {
  let tokenizer: ByteBpeTokenizer;
  let streams: { train: Int32Array; evaluation: Int32Array };
  let out: string;

  beforeAll(async () => {
    await useBackend('wasm');
    out = await mkdtemp(join(tmpdir(), 'nsgen-pretrain-'));
    const report = await buildCorpus({
      sources: [{ kind: 'npm', path: NODE_MODULES }],
      outDir: join(out, 'corpus'),
      maxFiles: 40,
      // Small, ordinary modules: a corpus of a few ten thousand tokens.
      limits: { maxBytes: 8_000 },
    });
    expect(report.kept).toBe(40);
    const documents = await readDocuments([join(out, 'corpus')]);
    tokenizer = ByteBpeTokenizer.train(documents, { vocabSize: 512 });
    streams = tokenStreams(tokenizer, documents);
  });

  it('falls well below the unigram baseline, and a resumed run continues the same loss curve', async () => {
    const config = modelConfig('toy', { vocabSize: tokenizer.vocabSize });
    const data = () => new TokenStreamData(streams.train, streams.evaluation, config.contextLength, 7);
    const options = { steps: 200, learningRate: 1e-2, evalEvery: 200, checkpointEvery: 1000 };

    const first = Trainer.create(LlamaModel.init(config, { seed: 3 }), tokenizer, data(), {
      ...options,
      stopAt: 120,
      outDir: join(out, 'first'),
    });
    await first.run();
    // The uninterrupted curve: the same trainer goes on for 20 steps in memory.
    const uninterrupted = Array.from({ length: 20 }, () => first.trainStep().loss);

    const resumed = await Trainer.resume(join(out, 'first', 'checkpoint'), data(), {
      ...options,
      outDir: join(out, 'resumed'),
    });
    expect(resumed.step).toBe(120);
    const result = await resumed.run();
    const continued = result.history.slice(0, 20).map((metrics) => metrics.loss);
    for (let i = 0; i < 20; i++) expect(continued[i]).toBeCloseTo(uninterrupted[i] as number, 4);

    const baseline = unigramCrossEntropy(streams.train, streams.evaluation, tokenizer.vocabSize);
    expect(result.steps).toBe(200);
    expect(result.finalEvalLoss).toBeLessThan(baseline * 0.8);
    expect(result.finalPerplexity).toBeCloseTo(Math.exp(result.finalEvalLoss), 3);

    const saved = await loadCheckpoint(join(out, 'resumed', 'checkpoint'));
    expect(saved.config.step).toBe(200);
    expect(saved.config.kind).toBe('pretrain');
  });
});
