import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeGguf } from './export/gguf.js';
import { useBackend } from './model/backend.js';
import { loadCheckpoint, saveCheckpoint } from './model/checkpoint.js';
import { modelConfig } from './model/config.js';
import { LlamaModel } from './model/llama.js';
import { readSafetensors } from './model/safetensors.js';
import { ByteBpeTokenizer } from './tokenizer/bpe.js';
import { readDocuments, TokenStreamData } from './train/data.js';
import { pretrainFromFiles } from './train/recipes.js';

const TEXT = ['def add(a, b):\n    return a + b\n', 'def mul(a, b):\n    return a * b\n'];

describe('bad input gets clear errors', () => {
  let dir: string;
  let tokenizer: ByteBpeTokenizer;
  let checkpoint: string;

  beforeAll(async () => {
    await useBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'nsgen-bad-'));
    tokenizer = ByteBpeTokenizer.train(TEXT, { vocabSize: 280, minFrequency: 1 });
    checkpoint = join(dir, 'checkpoint');
    const model = LlamaModel.init(modelConfig('toy', { vocabSize: tokenizer.vocabSize }));
    await saveCheckpoint(checkpoint, { model, tokenizer, kind: 'pretrain', step: 0 });
  });

  it('a corpus with a binary file or a broken encoding', async () => {
    await writeFile(join(dir, 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]));
    await writeFile(join(dir, 'latin1.txt'), Buffer.from('caf\xe9', 'latin1'));
    await expect(readDocuments([join(dir, 'image.txt')])).rejects.toThrow(
      /image\.txt: the file is not valid UTF-8 text/,
    );
    await expect(readDocuments([join(dir, 'latin1.txt')])).rejects.toThrow(
      /latin1\.txt: the file is not valid UTF-8/,
    );
    await writeFile(join(dir, 'shard.jsonl'), '{"content": "ok"}\n{"text": 1}\n');
    await expect(readDocuments([join(dir, 'shard.jsonl')])).rejects.toThrow(
      /shard\.jsonl:2: a shard line needs a string "content"/,
    );
    expect(() => new TokenStreamData(Int32Array.of(1, 2, 3), Int32Array.of(1, 2, 3), 32)).toThrow(
      /training split has 3 tokens, fewer than one window of 33/,
    );
  });

  it('a checkpoint from another config', async () => {
    await expect(
      loadCheckpoint(checkpoint, { expect: modelConfig('tiny', { vocabSize: tokenizer.vocabSize }) }),
    ).rejects.toThrow(/the checkpoint was made for another model config \(dModel: 64 vs 32; nLayers: 2 vs 1/);
    const { tensors } = await readSafetensors(join(checkpoint, 'model.safetensors'));
    expect(() =>
      LlamaModel.fromWeights(modelConfig('tiny', { vocabSize: tokenizer.vocabSize }), tensors),
    ).toThrow(
      /tensor token_embd\.weight has shape \[280, 32\] but the config .* needs \[280, 64\]: the weights come from another config/,
    );
    await writeFile(join(dir, 'corpus.txt'), TEXT.join('').repeat(40));
    await expect(
      pretrainFromFiles({
        data: [join(dir, 'corpus.txt')],
        tokenizer: join(checkpoint, 'tokenizer.json'),
        size: 'tiny',
        out: dir,
        resume: true,
        steps: 1,
        backend: 'wasm',
      }),
    ).rejects.toThrow(/cannot resume: the checkpoint was made for another model config/);
  });

  it('a tokenizer that does not match the model', async () => {
    const bigger = ByteBpeTokenizer.train([...TEXT, 'other words give more merges to learn'], {
      vocabSize: 290,
      minFrequency: 1,
    });
    await bigger.save(join(dir, 'bigger.json'));
    await expect(loadCheckpoint(checkpoint, { tokenizerPath: join(dir, 'bigger.json') })).rejects.toThrow(
      /the tokenizer has 290 tokens but the model's vocabulary has 280: they do not belong together/,
    );
    const other = ByteBpeTokenizer.train(['completely different words here and there'], {
      vocabSize: 280,
      minFrequency: 1,
    });
    await other.save(join(dir, 'other.json'));
    await expect(loadCheckpoint(checkpoint, { tokenizerPath: join(dir, 'other.json') })).rejects.toThrow(
      /not the one the model was trained with/,
    );
    const { model, config } = await loadCheckpoint(checkpoint);
    await expect(
      writeGguf(join(dir, 'x.gguf'), {
        config: config.model,
        weights: await model.readWeights(),
        tokenizer: bigger,
      }),
    ).rejects.toThrow(/tokenizer has 290 tokens but the model's vocabulary has 280/);
    await expect(loadCheckpoint(join(dir, 'nowhere'))).rejects.toThrow(/not a checkpoint folder/);
  });
});
