/**
 * Trains the learned embedder ({@link NbowModel}) with TensorFlow.js: a dual encoder over
 * bags of terms, queries and code sharing one embedding table, with learned per-term
 * weights for each side and per-field weights for code, fitted with an in-batch softmax
 * (InfoNCE) loss — each query must pick its own code among the batch's other chunks, and
 * each chunk its own query.
 *
 * Runs on TensorFlow.js's native `tensorflow` backend where the optional
 * @tensorflow/tfjs-node is installed (about twenty times faster), else on the plain `cpu`
 * backend, which exists everywhere. The embedding lookups and their gradients are done in
 * TypeScript ({@link gatherRows}, {@link segmentSum}): the cpu backend's own gradient of
 * a gather loops over the whole table for every feature, and the wasm backend has none.
 * For one seed and one backend the weights come out the same on every run.
 */
import * as tf from '@tensorflow/tfjs';
import { NsgenError } from '../../../src/core/index.js';
import { codeTerms } from '../../text/code-tokens.js';
import {
  CODE_FIELDS,
  type CodeView,
  codeBag,
  codeFieldTerms,
  queryBag,
  Vocabulary,
} from '../code-features.js';
import { NbowModel, type NbowModelInfo } from '../nbow-model.js';
import type { TrainingPair } from './corpus.js';

export interface TrainNbowOptions {
  /** @default 128 */
  dimension?: number;
  /** Most frequent terms kept. @default 30000 */
  vocabularySize?: number;
  /** Pairs a term must appear in to get its own row. @default 3 */
  minCount?: number;
  /** Hashed rows shared by the terms outside the vocabulary. @default 2048 */
  buckets?: number;
  /** @default 8 */
  epochs?: number;
  /** Pairs per step; the other pairs of a batch are each pair's negatives. @default 512 */
  batchSize?: number;
  /** Adam's learning rate, decayed linearly to a tenth over training. @default 0.003 */
  learningRate?: number;
  /** Share of a chunk's features dropped at random in each step (a regulariser). @default 0.1 */
  termDropout?: number;
  /**
   * How batches are drawn: `random` over all pairs, or `package`: each batch from as few
   * packages as possible, so that its negatives share the target's vocabulary (harder
   * negatives, as when one repository is searched). @default 'package'
   */
  batching?: 'random' | 'package';
  /** @default 1 */
  seed?: number;
  /** `auto`: `tensorflow` where @tensorflow/tfjs-node loads, else `cpu`. @default 'auto' */
  backend?: 'auto' | 'cpu' | 'tensorflow';
  /** Called after each epoch with the model as it stands (for development-split checks). */
  onEpoch?: (report: { epoch: number; loss: number; model: NbowModel }) => void | Promise<void>;
  log?: (line: string) => void;
}

export interface TrainNbowResult {
  model: NbowModel;
  /** Mean loss of each epoch. */
  losses: number[];
  /** Loss of the first step, before any update. */
  initialLoss: number;
  /** The TensorFlow.js backend that ran. */
  backend: 'cpu' | 'tensorflow';
}

/** A seeded generator of floats in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The terms found in at least `minCount` pairs, most frequent first (ties alphabetical). */
export function buildVocabulary(
  pairs: readonly TrainingPair[],
  options: { size: number; minCount: number; buckets: number },
): Vocabulary {
  const frequency = new Map<string, number>();
  for (const pair of pairs) {
    const terms = new Set([...codeTerms(pair.query), ...codeFieldTerms(pair.code).flat()]);
    for (const term of terms) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  }
  const terms = [...frequency]
    .filter(([, count]) => count >= options.minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.size)
    .map(([term]) => term);
  return new Vocabulary(terms, options.buckets);
}

interface EncodedCode {
  codeRows: Int32Array;
  codeFields: Int32Array;
  codeCounts: Float32Array;
}

interface EncodedPair extends EncodedCode {
  queryRows: Int32Array;
  queryCounts: Float32Array;
  negative?: EncodedCode;
}

function encodeCode(code: CodeView, vocabulary: Vocabulary): EncodedCode {
  const bag = codeBag(code, vocabulary);
  return {
    codeRows: Int32Array.from(bag.rows),
    codeFields: Int32Array.from(bag.fields),
    codeCounts: Float32Array.from(bag.counts),
  };
}

async function useBackend(choice: 'auto' | 'cpu' | 'tensorflow'): Promise<'cpu' | 'tensorflow'> {
  let name: 'cpu' | 'tensorflow' = choice === 'auto' ? 'tensorflow' : choice;
  if (name === 'tensorflow') {
    try {
      // Optional and native: not a dependency of nsgen.
      await import('@tensorflow/tfjs-node' as string);
    } catch (error) {
      if (choice !== 'auto') {
        throw new NsgenError('UNSUPPORTED', 'the tensorflow backend needs @tensorflow/tfjs-node installed', {
          cause: error,
        });
      }
      name = 'cpu';
    }
  }
  if (!(await tf.setBackend(name))) {
    throw new NsgenError('UNSUPPORTED', `the ${name} TensorFlow.js backend could not start`);
  }
  await tf.ready();
  return name;
}

class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(value: number): void {
    this.learningRate = value;
  }
}

export async function trainNbow(
  pairs: readonly TrainingPair[],
  options: TrainNbowOptions = {},
): Promise<TrainNbowResult> {
  const dimension = options.dimension ?? 128;
  const epochs = options.epochs ?? 8;
  const batchSize = Math.min(options.batchSize ?? 512, pairs.length);
  const baseRate = options.learningRate ?? 0.003;
  const dropout = options.termDropout ?? 0.1;
  const seed = options.seed ?? 1;
  if (pairs.length < 2) {
    throw new NsgenError('INVALID_ARGUMENT', `training needs at least 2 pairs, got ${pairs.length}`, {
      where: 'trainNbow',
    });
  }
  const backend = await useBackend(options.backend ?? 'auto');
  const vocabulary = buildVocabulary(pairs, {
    size: options.vocabularySize ?? 30_000,
    minCount: options.minCount ?? 3,
    buckets: options.buckets ?? 2048,
  });
  const rows = vocabulary.rows;
  options.log?.(`vocabulary ${vocabulary.terms.length} terms + ${vocabulary.buckets} hashed rows`);
  const encoded: EncodedPair[] = pairs.map((pair) => {
    const query = queryBag(pair.query, vocabulary);
    return {
      queryRows: Int32Array.from(query.rows),
      queryCounts: Float32Array.from(query.counts),
      ...encodeCode(pair.code, vocabulary),
      ...(pair.negative ? { negative: encodeCode(pair.negative, vocabulary) } : {}),
    };
  });

  const random = seededRandom(seed);
  const embeddings = tf.variable(
    tf.randomNormal([rows, dimension], 0, 0.1, 'float32', seed),
    true,
    'embeddings',
  );
  const codeTermWeights = tf.variable(tf.zeros([rows]), true, 'codeTermWeights');
  const queryTermWeights = tf.variable(tf.zeros([rows]), true, 'queryTermWeights');
  const fieldWeights = tf.variable(tf.zeros([CODE_FIELDS.length]), true, 'fieldWeights');
  const logScale = tf.variable(tf.scalar(Math.log(20)), true, 'logScale');
  const variables = [embeddings, codeTermWeights, queryTermWeights, fieldWeights, logScale];
  const optimizer = new ScheduledAdam(baseRate, 0.9, 0.999, 1e-7);

  const pool = (
    logWeights: tf.Tensor,
    counts: tf.Tensor,
    rowsOf: Int32Array,
    segments: Int32Array,
    size: number,
  ) => {
    const weight = tf.exp(logWeights).mul(counts);
    const summed = segmentSum(gatherRows(embeddings, rowsOf).mul(weight.expandDims(1)), segments, size);
    return summed.div(tf.sqrt(tf.sum(tf.square(summed), 1, true).add(1e-9)));
  };
  /** A table's rows at `rowsOf`, flattened when the table is a vector of weights. */
  const weightsAt = (table: tf.Variable, rowsOf: Int32Array) =>
    gatherRows(table.reshape([-1, 1]), rowsOf).reshape([-1]);

  const stepsPerEpoch = Math.floor(pairs.length / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const losses: number[] = [];
  let initialLoss = Number.NaN;
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = batchOrder(pairs, options.batching ?? 'package', batchSize, random);
    let total = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const batch = order.slice(s * batchSize, (s + 1) * batchSize).map((i) => encoded[i]!);
      const b = flatten(batch, dropout, random);
      optimizer.setLearningRate(baseRate * (1 - (0.9 * step) / Math.max(totalSteps, 1)));
      const loss = optimizer.minimize(
        () =>
          tf.tidy(() => {
            const query = pool(
              weightsAt(queryTermWeights, b.queryRows),
              b.queryCounts,
              b.queryRows,
              b.querySegments,
              batch.length,
            );
            const code = pool(
              weightsAt(codeTermWeights, b.codeRows).add(weightsAt(fieldWeights, b.codeFields)),
              b.codeCounts,
              b.codeRows,
              b.codeSegments,
              b.codeCount,
            );
            // Each query against every chunk of the batch (its hard negatives included),
            // each chunk against every query.
            const logits = tf.matMul(query, code, false, true).mul(tf.exp(logScale));
            const n = batch.length;
            const forward = tf.losses.softmaxCrossEntropy(
              tf.oneHot(tf.range(0, n, 1, 'int32'), b.codeCount),
              logits,
            );
            const backward = tf.losses.softmaxCrossEntropy(
              tf.oneHot(tf.range(0, n, 1, 'int32'), n),
              logits.slice([0, 0], [n, n]).transpose(),
            );
            return forward.add(backward).div(2) as tf.Scalar;
          }),
        true,
        variables,
      );
      const value = (await loss!.data())[0]!;
      loss!.dispose();
      b.dispose();
      if (step === 0) initialLoss = value;
      total += value;
      step++;
    }
    const mean = total / Math.max(stepsPerEpoch, 1);
    losses.push(mean);
    options.log?.(`epoch ${epoch}: loss ${mean.toFixed(4)}`);
    if (options.onEpoch) {
      await options.onEpoch({ epoch, loss: mean, model: snapshot() });
    }
  }
  const model = snapshot();
  optimizer.dispose();
  for (const variable of variables) variable.dispose();
  return { model, losses, initialLoss, backend };

  function snapshot(info: NbowModelInfo = { name: 'nbow' }): NbowModel {
    return new NbowModel(
      {
        dimension,
        vocabulary,
        embeddings: embeddings.dataSync() as Float32Array,
        codeTermWeights: codeTermWeights.dataSync() as Float32Array,
        queryTermWeights: queryTermWeights.dataSync() as Float32Array,
        fieldWeights: fieldWeights.dataSync() as Float32Array,
        queryIdfPower: 0,
      },
      info,
    );
  }
}

/** The order of pairs for one epoch: consecutive runs of `batchSize` are the batches. */
function batchOrder(
  pairs: readonly TrainingPair[],
  batching: 'random' | 'package',
  batchSize: number,
  random: () => number,
): number[] {
  const order = shuffle(
    pairs.map((_, i) => i),
    random,
  );
  if (batching === 'random') return order;
  const packageOf = (i: number) => pairs[i]!.id.slice(0, pairs[i]!.id.indexOf(':'));
  const rank = new Map(shuffle([...new Set(order.map(packageOf))], random).map((name, i) => [name, i]));
  order.sort((a, b) => rank.get(packageOf(a))! - rank.get(packageOf(b))!);
  const batches: number[][] = [];
  const whole = order.length - (order.length % batchSize);
  for (let start = 0; start < whole; start += batchSize) batches.push(order.slice(start, start + batchSize));
  // The short remainder goes last, where the epoch leaves it out.
  return [...shuffle(batches, random).flat(), ...order.slice(whole)];
}

/**
 * `tf.gather(table, rows)` whose gradient is a scatter-add done here in TypeScript: the cpu
 * backend's gradient (UnsortedSegmentSum) loops over every row of the table for every
 * feature, and the wasm backend has none.
 */
export function gatherRows(table: tf.Tensor, rows: Int32Array): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    const [count, width] = input.shape as [number, number];
    const value = tf.tidy(() => tf.gather(input, tf.tensor1d(rows, 'int32')));
    return {
      value,
      gradFunc: (dy: tf.Tensor) =>
        tf.tensor2d(sumRows(dy.dataSync() as Float32Array, rows, count, width), [count, width]),
    };
  });
  return op(table) as tf.Tensor2D;
}

/** Row `i` of `values` ([index.length, width]) added into row `index[i]` of a [count, width] result. */
function sumRows(values: Float32Array, index: Int32Array, count: number, width: number): Float32Array {
  const sums = new Float32Array(count * width);
  for (let i = 0; i < index.length; i++) {
    const to = index[i]! * width;
    const from = i * width;
    for (let j = 0; j < width; j++) sums[to + j]! += values[from + j]!;
  }
  return sums;
}

/**
 * Sums the rows of `values` that share a segment (`tf.unsortedSegmentSum`, done here in
 * TypeScript for the same reason); the gradient is a gather of the segments' gradients.
 */
export function segmentSum(values: tf.Tensor, segments: Int32Array, count: number): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    const width = input.shape[1]!;
    const sums = sumRows(input.dataSync() as Float32Array, segments, count, width);
    return {
      value: tf.tensor2d(sums, [count, width]),
      gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.gather(dy, tf.tensor1d(segments, 'int32'))),
    };
  });
  return op(values) as tf.Tensor2D;
}

/** One batch as flat arrays: every pair's features, each tagged with its pair's slot. */
function flatten(batch: readonly EncodedPair[], dropout: number, random: () => number) {
  const queryRows: number[] = [];
  const queryCounts: number[] = [];
  const querySegments: number[] = [];
  const codeRows: number[] = [];
  const codeFields: number[] = [];
  const codeCounts: number[] = [];
  const codeSegments: number[] = [];
  const addCode = (code: EncodedCode, slot: number) => {
    const kept = codeRows.length;
    code.codeRows.forEach((row, i) => {
      // Dropped features teach the model not to lean on any one word; the last feature
      // of a chunk is always kept so that no chunk is empty.
      const last = i === code.codeRows.length - 1 && codeRows.length === kept;
      if (!last && random() < dropout) return;
      codeRows.push(row);
      codeFields.push(code.codeFields[i]!);
      codeCounts.push(code.codeCounts[i]!);
      codeSegments.push(slot);
    });
  };
  batch.forEach((pair, slot) => {
    pair.queryRows.forEach((row, i) => {
      queryRows.push(row);
      queryCounts.push(pair.queryCounts[i]!);
      querySegments.push(slot);
    });
    addCode(pair, slot);
  });
  // Hard negatives take the slots after the batch's own chunks.
  let codeCount = batch.length;
  for (const pair of batch) if (pair.negative) addCode(pair.negative, codeCount++);
  const tensors = {
    queryCounts: tf.tensor1d(queryCounts, 'float32'),
    codeCounts: tf.tensor1d(codeCounts, 'float32'),
  };
  return {
    ...tensors,
    codeCount,
    queryRows: Int32Array.from(queryRows),
    querySegments: Int32Array.from(querySegments),
    codeRows: Int32Array.from(codeRows),
    codeFields: Int32Array.from(codeFields),
    codeSegments: Int32Array.from(codeSegments),
    dispose: () => tf.dispose(Object.values(tensors)),
  };
}
