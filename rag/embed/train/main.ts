/**
 * `npm run train:embedder [-- OPTIONS]`: trains the bundled code embedder from scratch and
 * writes it to `rag/embed/model/` (or `--out DIR`).
 *
 * 1. Fetches the pinned packages ({@link CORPUS_PACKAGES}) with pip into `.cache/`.
 * 2. Builds docstring → code pairs from the training packages, dropping duplicates and
 *    any pair that also occurs in the local Python standard library (the benchmark's
 *    corpus: same function name and query sentence, or the same code), so that no
 *    benchmark answer is learnt by heart.
 * 3. Trains ({@link trainNbow}), then measures the held-out development packages: vectors
 *    alone for each idf power, and hybrid retrieval for each BM25 share; the best idf
 *    power is stored in the model, and every figure in its manifest.
 *
 * Options: --out DIR, --cache DIR, --epochs N, --dimension N, --vocabulary N, --batch N,
 * --learning-rate X, --dropout X, --seed N, --backend auto|cpu|tensorflow,
 * --dev-queries N, --no-decontaminate.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { packageRoot } from '../../../src/core/index.js';
import { RANKER_FILE } from '../../rank/learned-ranker.js';
import { NbowModel } from '../nbow-model.js';
import {
  CORPUS_PACKAGES,
  codeHash,
  pairsOf,
  referenceFilter,
  splitChunks,
  standardLibraryFolder,
  type TrainingPair,
} from './corpus.js';
import { buildDevSet, devIndex, retrieverFigures, vectorFigures } from './evaluate.js';
import { trainNbow } from './train-nbow.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(packageRoot(), 'rag', 'embed', 'model') },
    cache: { type: 'string', default: join(packageRoot(), '.cache', 'embedder-corpus') },
    epochs: { type: 'string', default: '6' },
    dimension: { type: 'string', default: '128' },
    vocabulary: { type: 'string', default: '30000' },
    batch: { type: 'string', default: '512' },
    'learning-rate': { type: 'string', default: '0.003' },
    dropout: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'auto' },
    'dev-queries': { type: 'string', default: '1000' },
    'no-decontaminate': { type: 'boolean', default: false },
  },
});

const log = (line: string) => console.error(`[train:embedder] ${line}`);
const started = performance.now();

const corpus = { cacheDir: values.cache, log };
const trainChunks = await splitChunks('train', corpus);
const devChunks = await splitChunks('dev', corpus);

// Pairs, without exact duplicates (the same function shipped twice) ...
const seen = new Set<string>();
let pairs: TrainingPair[] = pairsOf(trainChunks).filter((pair) => {
  const key = codeHash(`${pair.query}\n${pair.code.text}`);
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});
// ... and without anything the benchmark's corpus also holds.
let decontaminated = 0;
let reference = 'none';
if (!values['no-decontaminate']) {
  reference = standardLibraryFolder();
  const inReference = await referenceFilter(reference);
  const before = pairs.length;
  pairs = pairs.filter((pair) => !inReference(pair.code.qualifiedName, pair.query, pair.code.text));
  decontaminated = before - pairs.length;
  log(`${decontaminated} pairs also found in ${reference} left out`);
}
log(`${pairs.length} training pairs, ${devChunks.length} development chunks`);

const dev = buildDevSet(devChunks, { queries: Number(values['dev-queries']) });
const settings = {
  dimension: Number(values.dimension),
  vocabularySize: Number(values.vocabulary),
  minCount: 3,
  buckets: 2048,
  epochs: Number(values.epochs),
  batchSize: Number(values.batch),
  learningRate: Number(values['learning-rate']),
  termDropout: Number(values.dropout),
  batching: 'package' as const,
  seed: Number(values.seed),
};
const devByEpoch: Array<{ epoch: number; loss: number; mrr10: number; recall10: number }> = [];
const trained = await trainNbow(pairs, {
  ...settings,
  backend: values.backend as 'auto' | 'cpu' | 'tensorflow',
  log,
  onEpoch: ({ epoch, loss, model }) => {
    const figures = vectorFigures(model, dev);
    devByEpoch.push({ epoch, loss, ...figures });
    log(`epoch ${epoch}: development MRR@10 ${figures.mrr10.toFixed(3)} (vectors alone)`);
  },
});
const trainSeconds = (performance.now() - started) / 1000;

// The idf power (the searched index's idf weighs query terms) and the fusion weight,
// chosen on the development split.
const withPower = (power: number) => new NbowModel({ ...trained.model.weights, queryIdfPower: power });
const byPower: Record<string, { mrr10: number; recall10: number }> = {};
let bestPower = 0;
let index = await devIndex(dev, withPower(0));
const bm25 = await retrieverFigures(index, dev, 'bm25');
for (const power of [0, 0.25, 0.5, 1]) {
  index = await devIndex(dev, withPower(power));
  byPower[power] = await retrieverFigures(index, dev, 'vector');
  if (byPower[power]!.mrr10 > byPower[bestPower]!.mrr10) bestPower = power;
}
index = await devIndex(dev, withPower(bestPower));
const hybrid: Record<string, { mrr10: number; recall10: number }> = {};
for (const weight of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
  hybrid[weight] = await retrieverFigures(index, dev, 'hybrid', weight);
const bestWeight = Number(Object.entries(hybrid).sort((a, b) => b[1].mrr10 - a[1].mrr10)[0]![0]);
log(
  `development: bm25 ${bm25.mrr10.toFixed(3)}, vectors ${byPower[bestPower]!.mrr10.toFixed(3)} (idf power ${bestPower}), hybrid ${hybrid[bestWeight]!.mrr10.toFixed(3)} (BM25 share ${bestWeight})`,
);

const model = new NbowModel(withPower(bestPower).weights, {
  name: 'nbow-python-docstrings',
  keywordWeight: bestWeight,
  training: {
    command: 'npm run train:embedder',
    packages: CORPUS_PACKAGES.filter((pkg) => pkg.split === 'train').map(
      (pkg) => `${pkg.name}==${pkg.version}`,
    ),
    pairs: pairs.length,
    decontaminatedAgainst: reference,
    decontaminatedPairs: decontaminated,
    settings,
    backend: trained.backend,
    tfjs: tf.version.tfjs,
    initialLoss: trained.initialLoss,
    losses: trained.losses,
    seconds: Math.round(trainSeconds),
  },
  dev: {
    packages: CORPUS_PACKAGES.filter((pkg) => pkg.split === 'dev').map(
      (pkg) => `${pkg.name}==${pkg.version}`,
    ),
    chunks: dev.chunks.length,
    queries: dev.queries.length,
    byEpoch: devByEpoch,
    bm25,
    vectorByIdfPower: byPower,
    queryIdfPower: bestPower,
    hybridByKeywordWeight: hybrid,
    bestKeywordWeight: bestWeight,
  },
});
const { bytes } = await model.save(values.out);
// A ranker reads this model's scores: one trained on another model's would mislead.
await rm(join(values.out, RANKER_FILE), { force: true });
log(
  `wrote ${values.out} (${(bytes / 1e6).toFixed(2)} MB of weights) in ${Math.round((performance.now() - started) / 1000)} s; now run npm run train:ranker`,
);
