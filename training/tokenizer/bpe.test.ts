import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteBpeTokenizer, SPECIAL_TOKENS } from './bpe.js';

const corpus = [
  'def add(a, b):\n    return a + b\n',
  'def sub(a, b):\n    return a - b\n',
  'function add(a, b) { return a + b; }\n',
  'naïve café — 日本語 😀\n',
];

describe('ByteBpeTokenizer', () => {
  const tokenizer = ByteBpeTokenizer.train(corpus, { vocabSize: 320 });

  it('learns merges up to the vocabulary size and round-trips any text, bytes included', () => {
    expect(tokenizer.vocabSize).toBeGreaterThan(259);
    expect(tokenizer.vocabSize).toBeLessThanOrEqual(320);
    for (const text of [...corpus, 'unseen ☃ text\t\r\n  x', '']) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
    expect(tokenizer.encode('def add(a, b):').length).toBeLessThan('def add(a, b):'.length);
  });

  it('keeps special tokens whole', () => {
    const ids = tokenizer.encode(`${SPECIAL_TOKENS.prompt}x${SPECIAL_TOKENS.endOfText}`);
    expect(ids[0]).toBe(tokenizer.tokenId(SPECIAL_TOKENS.prompt));
    expect(ids.at(-1)).toBe(tokenizer.endOfTextId);
  });

  it('saves and loads to the same encoding', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'nsgen-bpe-')), 'tokenizer.json');
    await tokenizer.save(path);
    const loaded = await ByteBpeTokenizer.load(path);
    expect(loaded.encode(corpus.join(''))).toEqual(tokenizer.encode(corpus.join('')));
  });

  it('rejects a vocabulary smaller than the byte alphabet and an unknown file', async () => {
    expect(() => ByteBpeTokenizer.train(corpus, { vocabSize: 100 })).toThrow(/below the 259 bytes/);
    await expect(ByteBpeTokenizer.load('/etc/hostname')).rejects.toThrow(/tokenizer/);
  });
});
