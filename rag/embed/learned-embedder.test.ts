import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNsgenError } from '../../src/core/index.js';
import { chunkSource } from '../chunk/chunk-source.js';
import { HybridRetriever } from '../hybrid-retriever.js';
import { RepositoryIndex } from '../repository-index.js';
import { codeBag, queryBag, Vocabulary } from './code-features.js';
import { HashedCodeEmbedder } from './hashed-embedder.js';
import {
  bundledModelDirectory,
  LEARNED_EMBEDDING_DIMENSION,
  LearnedCodeEmbedder,
  loadModel,
} from './learned-embedder.js';
import { MANIFEST_FILE, NbowModel, WEIGHTS_FILE } from './nbow-model.js';
import { resolveEmbedder } from './resolve-embedder.js';
import { docstringQuery, pairsOf, type TrainingPair, withoutSentence } from './train/corpus.js';
import { trainNbow } from './train/train-nbow.js';

const LIBRARY = `import os
import json


def read_config(path):
    """Load the settings stored in a JSON file.

    Missing files give an empty dict.
    """
    if not os.path.exists(path):
        return {}
    with open(path) as handle:
        return json.load(handle)


def retry_delay(attempt, base=0.1):
    """Compute how long to wait before the next attempt."""
    return base * 2 ** attempt


def median(values):
    """Return the middle value of a sorted copy of the numbers."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle]


class Matrix:
    def transpose(self):
        """Swap the rows and the columns of the matrix."""
        return Matrix([list(row) for row in zip(*self.rows)])
`;

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nsgen-embedder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the bundled learned embedder', () => {
  it('loads from the package and embeds to unit vectors of its dimension', async () => {
    const embedder = new LearnedCodeEmbedder();
    expect(embedder.spec).toBe('learned');
    expect(embedder.dimension).toBe(LEARNED_EMBEDDING_DIMENSION);
    const [vector] = await embedder.embed(['def parse_header(value): return value.split(";")']);
    expect(vector).toHaveLength(LEARNED_EMBEDDING_DIMENSION);
    expect(dot(vector!, vector!)).toBeCloseTo(1, 4);
    const model = loadModel(bundledModelDirectory());
    expect(model.info.training).toMatchObject({ command: 'npm run train:embedder' });
    expect(model.weights.vocabulary.terms.length).toBeGreaterThan(10_000);
  });

  it('ranks the function a paraphrased question asks for above unrelated ones', async () => {
    const embedder = new LearnedCodeEmbedder();
    // Functions only: the class chunk of `Matrix` (its header and member signatures) is
    // a fair answer to a question about matrices too.
    const chunks = (await chunkSource(LIBRARY, 'python', 'lib/util.py')).chunks.filter(
      (chunk) => chunk.kind !== 'class',
    );
    const vectors = await embedder.embedChunks(chunks);
    const best = (question: string) => {
      const query = embedder.embedQuery(question);
      const scores = vectors.map((vector) => dot(query, vector));
      return chunks[scores.indexOf(Math.max(...scores))]!.qualifiedName;
    };
    // None of these words is the function's name; most are not in its text either.
    expect(best('read settings from a configuration file')).toBe('read_config');
    expect(best('exponential backoff wait time between retries')).toBe('retry_delay');
    expect(best('flip a matrix over its diagonal')).toBe('Matrix.transpose');
  });

  it('is the repository index default, and the hashed embedder stays selectable', async () => {
    const index = new RepositoryIndex();
    expect(index.embedder.spec).toBe('learned');
    expect(resolveEmbedder('learned')).toBeInstanceOf(LearnedCodeEmbedder);
    expect(resolveEmbedder('hashed:64')).toBeInstanceOf(HashedCodeEmbedder);
    expect(() => resolveEmbedder('bogus')).toThrow(/known: learned, hashed, openai/);
  });

  it('saves an index that reopens with the same embedder and the same answers', async () => {
    const { writeFile: write, mkdir } = await import('node:fs/promises');
    const repo = join(dir, 'repo');
    await mkdir(join(repo, 'lib'), { recursive: true });
    await write(join(repo, 'lib', 'util.py'), LIBRARY);
    const index = new RepositoryIndex({ vectorIndex: 'flat' });
    await index.update(repo);
    const question = 'middle element of a list of numbers';
    const before = await new HybridRetriever(index).search(question, { mode: 'vector', k: 3 });
    expect(before[0]?.name).toBe('median');
    await index.save(join(dir, 'index'));
    const reopened = await RepositoryIndex.load(join(dir, 'index'));
    expect(reopened.embedder.spec).toBe('learned');
    expect(await new HybridRetriever(reopened).search(question, { mode: 'vector', k: 3 })).toEqual(before);
  });
});

describe('features', () => {
  it('maps known terms to their rows and the rest to shared hashed rows', () => {
    const vocabulary = new Vocabulary(['pars', 'header'], 8);
    const bag = queryBag('Parse the header, parse it twice, zebra', vocabulary);
    expect(bag.terms).toEqual(['pars', 'header', 'twic', 'zebra']);
    expect(bag.rows.slice(0, 2)).toEqual([0, 1]);
    expect(bag.counts[0]).toBeCloseTo(1 + Math.log(2));
    expect(bag.rows[3]).toBeGreaterThanOrEqual(2);
    expect(bag.rows[3]).toBeLessThan(10);
    const code = codeBag(
      {
        qualifiedName: 'Parser.header',
        signature: 'def header(self):',
        text: 'return self.header',
        path: 'web/parse.py',
      },
      vocabulary,
    );
    // The name, the signature and the body hold `header`; the path holds `pars`.
    expect(code.rows.filter((row) => row === 1)).toHaveLength(3);
    expect(new Set(code.fields)).toEqual(new Set([0, 1, 3, 4]));
  });
});

/** Small corpus: each function's docstring names what it does in other words. */
function tinyPairs(): TrainingPair[] {
  const topics = [
    ['open', 'file', 'read', 'bytes', 'disk'],
    ['sort', 'list', 'order', 'ascending', 'items'],
    ['send', 'request', 'http', 'server', 'url'],
    ['parse', 'date', 'calendar', 'day', 'month'],
    ['hash', 'password', 'salt', 'secure', 'digest'],
    ['resize', 'image', 'pixels', 'width', 'height'],
    ['connect', 'database', 'sql', 'table', 'rows'],
    ['compress', 'archive', 'zip', 'gzip', 'stream'],
  ];
  const pairs: TrainingPair[] = [];
  topics.forEach((words, t) => {
    for (let i = 0; i < 6; i++) {
      const [a, b, c, d, e] = words.map((_, j) => words[(i + j) % words.length]!);
      pairs.push({
        id: `pkg${t % 2}:m${t}.py#f${i}@1`,
        query: `Tell me how to ${c} the ${d} ${e}.`,
        code: {
          qualifiedName: `${a}_${b}_${i}`,
          signature: `def ${a}_${b}_${i}(${c}):`,
          text: `def ${a}_${b}_${i}(${c}):\n    return ${d}(${e})`,
          path: `m${t}.py`,
        },
      });
    }
  });
  return pairs;
}

describe('training', () => {
  /** Settings that fit the tiny corpus in a few seconds on the cpu backend. */
  const TINY_TRAINING = {
    backend: 'cpu' as const,
    epochs: 6,
    batchSize: 16,
    dimension: 16,
    minCount: 1,
    buckets: 4,
    learningRate: 0.05,
  };

  it('lowers the in-batch loss on a tiny corpus, reproducibly for a seed', async () => {
    const options = { ...TINY_TRAINING, seed: 3 };
    const first = await trainNbow(tinyPairs(), options);
    expect(first.backend).toBe('cpu');
    expect(first.losses.at(-1)!).toBeLessThan(first.initialLoss * 0.5);
    const second = await trainNbow(tinyPairs(), options);
    expect([...second.model.weights.embeddings]).toEqual([...first.model.weights.embeddings]);
  });

  it('trains with hard negatives: each query against its code, the batch and the negatives', async () => {
    const pairs = tinyPairs();
    const withNegatives = pairs.map((pair, i) => ({
      ...pair,
      negative: pairs[(i + 1) % pairs.length]!.code,
    }));
    const result = await trainNbow(withNegatives, TINY_TRAINING);
    expect(result.losses.at(-1)!).toBeLessThan(result.initialLoss * 0.5);
  });

  it('builds pairs as the benchmark builds its queries', async () => {
    const { chunks } = await chunkSource(LIBRARY, 'python', 'lib/util.py');
    expect(docstringQuery('Too short.')).toBeUndefined();
    const pairs = pairsOf(chunks.map((chunk) => ({ ...chunk, id: `lib:${chunk.id}` })));
    expect(pairs.map((pair) => pair.query)).toEqual([
      'Load the settings stored in a JSON file.',
      'Compute how long to wait before the next attempt.',
      'Return the middle value of a sorted copy of the numbers.',
      'Swap the rows and the columns of the matrix.',
    ]);
    const config = pairs[0]!.code;
    expect(config.text).not.toContain('Load the settings');
    expect(config.text).toContain('Missing files give an empty dict.');
    expect(config.docstring).toBe('Missing files give an empty dict.');
    expect(withoutSentence({ ...config, text: 'a\n  b c.' }, 'a b c.').text).toBe('');
  });
});

describe('saved models', () => {
  async function savedTinyModel(): Promise<NbowModel> {
    const { model } = await trainNbow(tinyPairs(), {
      backend: 'cpu',
      epochs: 1,
      batchSize: 16,
      dimension: 8,
      minCount: 1,
      buckets: 4,
    });
    await new NbowModel(model.weights, { name: 'tiny', dev: { note: 'test' } }).save(dir);
    return model;
  }

  it('round-trips through manifest.json and int8 weights.bin', async () => {
    const model = await savedTinyModel();
    const loaded = NbowModel.load(dir);
    expect(loaded.info).toMatchObject({ name: 'tiny', dev: { note: 'test' } });
    expect(loaded.weights.vocabulary.terms).toEqual(model.weights.vocabulary.terms);
    const code = tinyPairs()[0]!.code;
    const a = model.embedCode(code);
    const b = loaded.embedCode(code);
    expect(dot(a, b)).toBeGreaterThan(0.999);
    const embedder = resolveEmbedder(`learned:${dir}`);
    expect(embedder.spec).toBe(`learned:${dir}`);
    expect(embedder.dimension).toBe(8);
  });

  it('names the damaged file', async () => {
    await savedTinyModel();
    const weights = join(dir, WEIGHTS_FILE);
    await writeFile(weights, (await readFile(weights)).subarray(0, 100));
    const error = (() => {
      try {
        NbowModel.load(dir);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isNsgenError(error) && error.code).toBe('INVALID_DATA');
    expect(String((error as Error).message)).toContain(weights);
    expect(String((error as Error).message)).toMatch(/truncated/);
    await writeFile(join(dir, MANIFEST_FILE), '{ not json');
    expect(() => NbowModel.load(dir)).toThrow(join(dir, MANIFEST_FILE));
    expect(() => NbowModel.load(join(dir, 'missing'))).toThrow(join(dir, 'missing', MANIFEST_FILE));
  });
});
