import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkSource } from '../chunk/chunk-source.js';
import { HashedCodeEmbedder } from '../embed/hashed-embedder.js';
import { bundledModelDirectory, LearnedCodeEmbedder, loadModel } from '../embed/learned-embedder.js';
import { seededRandom } from '../embed/train/train-nbow.js';
import { type CandidateList, trainRanker } from '../embed/train/train-ranker.js';
import { HybridRetriever } from '../hybrid-retriever.js';
import { RepositoryIndex } from '../repository-index.js';
import { LearnedRanker, RANKER_FILE } from './learned-ranker.js';
import { RANKING_FEATURES, RankingFeatures } from './ranking-features.js';

const LIBRARY = `import json


def read_config(path):
    """Load the settings stored in a JSON file."""
    with open(path) as handle:
        return json.load(handle)


def write_config(path, settings):
    """Store settings as JSON."""
    with open(path, "w") as handle:
        json.dump(settings, handle)


def retry_delay(attempt, base=0.5):
    """Seconds to wait before the next attempt."""
    return base * 2 ** attempt


def median(values):
    """The middle value."""
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
`;

const FEATURE = (name: (typeof RANKING_FEATURES)[number]) => RANKING_FEATURES.indexOf(name);

/** Lists where the right candidate is the one with the most of two features, plus noise. */
function syntheticLists(count: number, seed: number): CandidateList[] {
  const random = seededRandom(seed);
  const name = FEATURE('exact.name');
  const cosine = FEATURE('vector.cosine');
  return Array.from({ length: count }, () => {
    const features = Array.from({ length: 12 }, () => Float32Array.from(RANKING_FEATURES, () => random()));
    const merit = features.map((row) => 2 * row[name]! + row[cosine]!);
    return { features, target: merit.indexOf(Math.max(...merit)) };
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nsgen-ranker-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('training a ranker', () => {
  it('learns which features mark the right candidate, linear and with a hidden layer', () => {
    const train = syntheticLists(400, 1);
    const held = syntheticLists(200, 2);
    for (const hidden of [0, 8]) {
      const ranker = trainRanker(train, { hidden, epochs: 15 });
      const firsts = held.filter(({ features, target }) => {
        const scores = features.map((row) => ranker.score(row));
        return scores.indexOf(Math.max(...scores)) === target;
      }).length;
      // Chance is 1 in 12.
      expect(firsts / held.length, `hidden ${hidden}`).toBeGreaterThan(0.8);
    }
    // The same lists and seed give the same weights.
    expect(trainRanker(train, { hidden: 8, epochs: 3 }).weights).toEqual(
      trainRanker(train, { hidden: 8, epochs: 3 }).weights,
    );
  });

  it('averages networks trained from successive seeds', () => {
    const train = syntheticLists(100, 7);
    const ensemble = trainRanker(train, { hidden: 4, epochs: 2, seed: 5, networks: 3 });
    expect(ensemble.weights.networks).toHaveLength(3);
    const singles = [5, 6, 7].map((seed) => trainRanker(train, { hidden: 4, epochs: 2, seed }));
    expect(ensemble.weights.networks).toEqual(singles.map((single) => single.weights.networks[0]));
    const row = syntheticLists(1, 8)[0]!.features[0]!;
    const mean = singles.reduce((sum, single) => sum + single.score(row), 0) / 3;
    expect(ensemble.score(row)).toBeCloseTo(mean, 10);
  });

  it('refuses lists whose target or feature count is wrong', () => {
    const [list] = syntheticLists(1, 3);
    expect(() => trainRanker([{ ...list!, target: 12 }])).toThrow(
      /list 0: target 12 is not one of its candidates/,
    );
    expect(() => trainRanker([{ features: [new Float32Array(3), new Float32Array(3)], target: 0 }])).toThrow(
      new RegExp(`list 0: 3 features, expected ${RANKING_FEATURES.length}`),
    );
  });
});

describe('saved rankers', () => {
  it('round-trip through JSON with the same scores', async () => {
    const ranker = trainRanker(syntheticLists(50, 4), { hidden: 4, epochs: 2 });
    const path = join(dir, RANKER_FILE);
    await ranker.save(path);
    const loaded = LearnedRanker.load(path);
    const row = syntheticLists(1, 5)[0]!.features[0]!;
    expect(loaded.score(row)).toBeCloseTo(ranker.score(row), 10);
  });

  it('name the file that is damaged, of another format, or for other features', async () => {
    const path = join(dir, RANKER_FILE);
    await writeFile(path, '{ not json');
    expect(() => LearnedRanker.load(path)).toThrow(/not a usable ranker/);
    await writeFile(path, JSON.stringify({ format: 'nsgen-ranker', version: 99 }));
    expect(() => LearnedRanker.load(path)).toThrow(
      /expected nsgen-ranker version 1, found nsgen-ranker version 99/,
    );
    const ranker = trainRanker(syntheticLists(20, 6), { hidden: 0, epochs: 1 });
    await writeFile(
      path,
      JSON.stringify({ format: 'nsgen-ranker', version: 1, ...ranker.weights, features: ['old.feature'] }),
    );
    try {
      LearnedRanker.load(path);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/do not match the ranking features/);
      expect(error).toMatchObject({ code: 'INVALID_DATA', where: path });
    }
  });
});

describe('ranking features', () => {
  it('say where the query words are found and agree with the embedder', async () => {
    const model = loadModel(bundledModelDirectory());
    const ranking = new RankingFeatures(model);
    const chunks = (await chunkSource(LIBRARY, 'python', 'lib/util.py')).chunks;
    const byName = new Map(chunks.map((chunk) => [chunk.qualifiedName, chunk]));
    const question = 'read config';
    const query = ranking.query(question, () => 1, { keywordWeight: 0.2, keywordBest: 4, vectorBest: 0.5 });
    const read = ranking.features(query, {
      chunk: byName.get('read_config')!,
      keyword: { score: 4, rank: 0 },
    });
    const delay = ranking.features(query, {
      chunk: byName.get('retry_delay')!,
      vector: { score: 0.25, rank: 3 },
    });
    expect(read[FEATURE('exact.name')]).toBe(1);
    expect(read[FEATURE('nameCovered.exact')]).toBe(1);
    expect(read[FEATURE('soft.name')]).toBeCloseTo(1, 5);
    expect(delay[FEATURE('exact.name')]).toBe(0);
    expect(delay[FEATURE('soft.name')]).toBeLessThan(1);
    expect(read[FEATURE('keyword.score')]).toBe(1);
    expect(read[FEATURE('keyword.reciprocalRank')]).toBe(1);
    expect(read[FEATURE('vector.reciprocalRank')]).toBe(0);
    expect(delay[FEATURE('keyword.listed')]).toBe(0);
    expect(delay[FEATURE('vector.reciprocalRank')]).toBe(0.25);
    expect(delay[FEATURE('fused.score')]).toBeCloseTo(0.8 * 0.5, 5);
    // The whole-chunk cosine is the embedder's own similarity.
    const embedded = model.embedCode(byName.get('read_config')!);
    const cosine = model
      .embedQuery(question, () => 1)
      .reduce((sum, value, i) => sum + value * embedded[i]!, 0);
    expect(read[FEATURE('vector.cosine')]).toBeCloseTo(cosine, 4);
  });
});

describe('learned fusion in the hybrid retriever', () => {
  async function libraryIndex(embedder?: LearnedCodeEmbedder | HashedCodeEmbedder) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'repo'), { recursive: true });
    await writeFile(join(dir, 'repo', 'util.py'), LIBRARY);
    const index = new RepositoryIndex({ vectorIndex: 'flat', ...(embedder ? { embedder } : {}) });
    await index.update(join(dir, 'repo'));
    return index;
  }

  it('is the default with the bundled embedder, which ships a ranker', async () => {
    const embedder = new LearnedCodeEmbedder();
    expect(embedder.ranker?.weights.features).toEqual([...RANKING_FEATURES]);
    const retriever = new HybridRetriever(await libraryIndex());
    const results = await retriever.search('load settings from a JSON file', { mode: 'hybrid', k: 4 });
    expect(results[0]?.name).toBe('read_config');
    // Softmax shares: positive, best first, summing to at most 1 over the top k.
    expect(results.every((result) => result.score > 0)).toBe(true);
    expect(results.reduce((sum, result) => sum + result.score, 0)).toBeLessThanOrEqual(1 + 1e-9);
    const learned = await retriever.search('load settings from a JSON file', {
      mode: 'hybrid',
      fusion: 'learned',
      k: 4,
    });
    expect(learned).toEqual(results);
  });

  it('offers every candidate with its features for training', async () => {
    const retriever = new HybridRetriever(await libraryIndex());
    const candidates = await retriever.rankingCandidates('wait before retrying', { candidates: 3 });
    expect(candidates.length).toBeGreaterThanOrEqual(3);
    expect(new Set(candidates.map((candidate) => candidate.id)).size).toBe(candidates.length);
    for (const { features } of candidates) expect(features).toHaveLength(RANKING_FEATURES.length);
  });

  it('falls back to score fusion without a ranker, and says why learned fusion cannot run', async () => {
    const model = loadModel(bundledModelDirectory());
    const bare = await libraryIndex(new LearnedCodeEmbedder({ model }));
    const [first] = await new HybridRetriever(bare).search('load settings from a JSON file', {
      mode: 'hybrid',
    });
    expect(first?.name).toBe('read_config');
    await expect(
      new HybridRetriever(bare).search('load settings', { mode: 'hybrid', fusion: 'learned' }),
    ).rejects.toThrow(/learned fusion needs an embedder with a trained ranker; learned:memory has none/);
    const hashed = await libraryIndex(new HashedCodeEmbedder());
    await expect(new HybridRetriever(hashed).rankingCandidates('load settings')).rejects.toThrow(
      /the hashed\S* embedder does not support learned ranking/,
    );
  });
});
