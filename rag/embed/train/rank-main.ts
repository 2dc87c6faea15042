/**
 * `npm run train:ranker [-- OPTIONS]`: trains the learned fusion for an embedder model and
 * writes it into the model's folder as `ranker.json` (the bundled model by default).
 *
 * 1. Indexes the `rank` split's packages (code the embedder never trained on) as one
 *    corpus, the way the benchmark indexes the standard library: every function with a
 *    docstring query is a query, its sentence removed from the indexed text. Functions
 *    also found in the local standard library (the benchmark's corpus) are not queries.
 * 2. Collects each query's candidates as a search with learned fusion reads them (BM25's
 *    and the vectors' top 20) with their ranking features, keeping the queries whose
 *    function is among them.
 * 3. Trains one ranker per setting (hidden units × epochs), measures each on the
 *    development split and keeps the best setting, then tries it as an average of five
 *    networks from different seeds, kept if it ranks better there. The shipped ranker is
 *    the chosen one trained again on the rank and development lists together. Every figure (the
 *    development ones from the rank-only ranker) goes into `ranker.json`.
 *
 * Options: --model DIR, --cache DIR, --candidates N, --seed N, --dev-queries N.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NsgenError, packageRoot } from '../../../src/core/index.js';
import { HybridRetriever, LEARNED_FUSION_CANDIDATES } from '../../hybrid-retriever.js';
import { LearnedRanker, RANKER_FILE } from '../../rank/learned-ranker.js';
import { RANKING_FEATURES } from '../../rank/ranking-features.js';
import { bundledModelDirectory, loadModel } from '../learned-embedder.js';
import {
  CORPUS_PACKAGES,
  queryOf,
  referenceFilter,
  splitChunks,
  standardLibraryFolder,
  withoutSentence,
} from './corpus.js';
import { buildDevSet, type DevSet, devIndex, rankingFigures, retrieverFigures } from './evaluate.js';
import { type CandidateList, trainRanker } from './train-ranker.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: bundledModelDirectory() },
    cache: { type: 'string', default: join(packageRoot(), '.cache', 'embedder-corpus') },
    candidates: { type: 'string', default: String(LEARNED_FUSION_CANDIDATES) },
    seed: { type: 'string', default: '1' },
    'dev-queries': { type: 'string', default: '1000' },
  },
});

/** A whole-number option, or an error that names it. */
function wholeNumber(option: 'candidates' | 'seed' | 'dev-queries', min: number): number {
  const text = values[option];
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) {
    throw new NsgenError('INVALID_ARGUMENT', `--${option}: expected a whole number ≥ ${min}, got "${text}"`, {
      where: 'train:ranker',
    });
  }
  return value;
}

const log = (line: string) => console.error(`[train:ranker] ${line}`);
const started = performance.now();
const candidates = wholeNumber('candidates', 1);
const seed = wholeNumber('seed', 0);
const devQueries = wholeNumber('dev-queries', 1);
const model = loadModel(values.model);
const corpus = { cacheDir: values.cache, log };

/** Each query's candidates and features; queries whose function was not proposed are counted, not kept. */
async function candidateLists(set: DevSet): Promise<{ lists: CandidateList[]; missed: number }> {
  const retriever = new HybridRetriever(await devIndex(set, model));
  const lists: CandidateList[] = [];
  let missed = 0;
  for (const { id, query } of set.queries) {
    const found = await retriever.rankingCandidates(query, { candidates });
    const target = found.findIndex((candidate) => candidate.id === id);
    if (target < 0) missed++;
    else lists.push({ features: found.map((candidate) => candidate.features), target });
  }
  return { lists, missed };
}

// Training queries: every function of the rank split with a query, but none the benchmark asks.
const rankChunks = await splitChunks('rank', corpus);
const reference = standardLibraryFolder();
const inReference = await referenceFilter(reference);
const eligible = rankChunks.filter((chunk) => {
  const query = queryOf(chunk);
  return query !== undefined && !inReference(chunk.qualifiedName, query, withoutSentence(chunk, query).text);
});
const training = buildDevSet(rankChunks, { queries: Number.POSITIVE_INFINITY, seed });
const allowed = new Set(eligible.map((chunk) => chunk.id));
training.queries = training.queries.filter((query) => allowed.has(query.id));
const trainingLists = await candidateLists(training);
log(
  `rank split: ${training.chunks.length} chunks, ${training.queries.length} queries, ${trainingLists.lists.length} with their function among the candidates`,
);

const dev = buildDevSet(await splitChunks('dev', corpus), { queries: devQueries });
const devLists = await candidateLists(dev);

/** MRR@10 and Recall@10 of a scorer over the development lists (a missed function counts 0). */
function devFigures(score: (features: ArrayLike<number>) => number) {
  const ranks = devLists.lists.map(({ features, target }) => {
    const mine = score(features[target]!);
    return features.filter((other, i) => i !== target && score(other) > mine).length;
  });
  return rankingFigures([...ranks, ...Array<number>(devLists.missed).fill(-1)]);
}

const grid: Array<{ hidden: number; epochs: number; mrr10: number; recall10: number }> = [];
let best: { ranker: LearnedRanker; hidden: number; epochs: number; mrr10: number } | undefined;
for (const hidden of [0, 16, 32]) {
  for (const epochs of [10, 20]) {
    const ranker = trainRanker(trainingLists.lists, { hidden, epochs, seed });
    const figures = devFigures((features) => ranker.score(features));
    grid.push({ hidden, epochs, ...figures });
    log(`hidden ${hidden}, epochs ${epochs}: development MRR@10 ${figures.mrr10.toFixed(3)}`);
    if (!best || figures.mrr10 > best.mrr10) best = { ranker, hidden, epochs, mrr10: figures.mrr10 };
  }
}

// The best setting as an average of networks from several seeds, kept if it ranks better.
const ENSEMBLE = 5;
const ensemble = trainRanker(trainingLists.lists, {
  hidden: best!.hidden,
  epochs: best!.epochs,
  seed,
  networks: ENSEMBLE,
});
const ensembleFigures = devFigures((features) => ensemble.score(features));
log(`${ENSEMBLE} networks averaged: development MRR@10 ${ensembleFigures.mrr10.toFixed(3)}`);
const networks = ensembleFigures.mrr10 > best!.mrr10 ? ENSEMBLE : 1;
const chosenOnDev = networks > 1 ? ensemble : best!.ranker;

// The chosen ranker through the retriever itself, beside the other modes.
const index = await devIndex(dev, model, chosenOnDev);
const devReport = {
  queries: dev.queries.length,
  chunks: dev.chunks.length,
  candidatesHoldingTheFunction: devLists.lists.length / dev.queries.length,
  bm25: await retrieverFigures(index, dev, 'bm25'),
  vector: await retrieverFigures(index, dev, 'vector'),
  hybridScoreFusion: await retrieverFigures(index, dev, 'hybrid', undefined, 'score'),
  hybridLearnedFusion: await retrieverFigures(index, dev, 'hybrid', undefined, 'learned'),
  grid,
  ensemble: { networks: ENSEMBLE, ...ensembleFigures },
};
log(
  `development: bm25 ${devReport.bm25.mrr10.toFixed(3)}, vectors ${devReport.vector.mrr10.toFixed(3)}, hybrid score fusion ${devReport.hybridScoreFusion.mrr10.toFixed(3)}, learned fusion ${devReport.hybridLearnedFusion.mrr10.toFixed(3)} (hidden ${best!.hidden}, epochs ${best!.epochs}, ${networks} network${networks > 1 ? 's' : ''})`,
);

// The chosen setting, trained again on the rank and development lists together: the
// development figures above are the held-out ones of the rank-only ranker.
const chosen = trainRanker([...trainingLists.lists, ...devLists.lists], {
  hidden: best!.hidden,
  epochs: best!.epochs,
  seed,
  networks,
});
const path = join(values.model, RANKER_FILE);
await new LearnedRanker(chosen.weights, {
  training: {
    command: 'npm run train:ranker',
    packages: CORPUS_PACKAGES.filter((pkg) => pkg.split === 'rank').map(
      (pkg) => `${pkg.name}==${pkg.version}`,
    ),
    chunks: training.chunks.length,
    queries: training.queries.length,
    lists: trainingLists.lists.length,
    devListsAddedToFinalTraining: devLists.lists.length,
    excludedAsInReference:
      rankChunks.filter((chunk) => queryOf(chunk) !== undefined).length - eligible.length,
    reference,
    candidates,
    features: RANKING_FEATURES.length,
    hidden: best!.hidden,
    epochs: best!.epochs,
    networks,
    seconds: Math.round((performance.now() - started) / 1000),
  },
  dev: devReport,
}).save(path);
log(`wrote ${path} in ${Math.round((performance.now() - started) / 1000)} s`);
