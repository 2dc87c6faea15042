/**
 * Fits the learned ranker ({@link LearnedRanker}) to candidate lists: for each query, the
 * feature vectors of the chunks keyword and vector search proposed, one of which is the
 * function asked for. The loss is listwise — the softmax cross-entropy of the right chunk
 * among its list — minimised with Adam on mini-batches of queries, with a little weight
 * decay. Plain TypeScript: the network is a few hundred numbers. The same lists, seed and
 * options give the same weights.
 */
import { NsgenError } from '../../../src/core/index.js';
import { LearnedRanker, type RankerNetwork } from '../../rank/learned-ranker.js';
import { RANKING_FEATURES } from '../../rank/ranking-features.js';
import { seededRandom, shuffle } from './train-nbow.js';

/** One query's candidates; `target` is the position of the right one. */
export interface CandidateList {
  features: ArrayLike<number>[];
  target: number;
}

export interface TrainRankerOptions {
  /** Hidden units; 0 trains a linear scorer. @default 16 */
  hidden?: number;
  /** @default 20 */
  epochs?: number;
  /** Queries per step. @default 32 */
  batchSize?: number;
  /** @default 0.01 */
  learningRate?: number;
  /** @default 1e-4 */
  weightDecay?: number;
  /** @default 1 */
  seed?: number;
  /** Networks trained alike from seeds `seed`, `seed` + 1, ...; the ranker averages them. @default 1 */
  networks?: number;
}

export function trainRanker(
  lists: readonly CandidateList[],
  options: TrainRankerOptions = {},
): LearnedRanker {
  const hidden = options.hidden ?? 16;
  const epochs = options.epochs ?? 20;
  const batchSize = options.batchSize ?? 32;
  const rate = options.learningRate ?? 0.01;
  const decay = options.weightDecay ?? 1e-4;
  const count = RANKING_FEATURES.length;
  const usable = lists.filter((list) => list.features.length > 1);
  for (const [i, list] of lists.entries()) {
    if (list.target < 0 || list.target >= list.features.length) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `list ${i}: target ${list.target} is not one of its candidates`,
        {
          where: 'trainRanker',
        },
      );
    }
    const bad = list.features.find((features) => features.length !== count);
    if (bad) {
      throw new NsgenError('INVALID_ARGUMENT', `list ${i}: ${bad.length} features, expected ${count}`, {
        where: 'trainRanker',
      });
    }
  }
  if (usable.length === 0) {
    throw new NsgenError('INVALID_ARGUMENT', 'no candidate list with two or more candidates to learn from', {
      where: 'trainRanker',
    });
  }

  // Standardised inputs: each feature's mean and spread over every candidate.
  const mean = new Array<number>(count).fill(0);
  const scale = new Array<number>(count).fill(0);
  let rows = 0;
  for (const list of usable) {
    for (const features of list.features) {
      rows++;
      for (let i = 0; i < count; i++) mean[i]! += features[i]!;
    }
  }
  for (let i = 0; i < count; i++) mean[i]! /= rows;
  for (const list of usable) {
    for (const features of list.features) {
      for (let i = 0; i < count; i++) scale[i]! += (features[i]! - mean[i]!) ** 2;
    }
  }
  for (let i = 0; i < count; i++) scale[i] = Math.sqrt(scale[i]! / rows) || 1;
  const inputs = usable.map((list) =>
    list.features.map((features) =>
      Float64Array.from(features, (value, i) => (value - mean[i]!) / scale[i]!),
    ),
  );

  const trainNetwork = (seed: number): RankerNetwork => {
    // Parameters in one vector: [input weights (hidden × count), input bias, output].
    const outputs = hidden > 0 ? hidden : count;
    const size = hidden * count + hidden + outputs;
    const random = seededRandom(seed);
    const parameters = Float64Array.from({ length: size }, () => (random() - 0.5) * 0.2);
    const firstMoment = new Float64Array(size);
    const secondMoment = new Float64Array(size);
    const outputAt = hidden * count + hidden;

    /** The score of one input; with `gradient`, adds `upstream` × d(score)/d(parameters). */
    const score = (input: Float64Array, gradient?: Float64Array, upstream = 0): number => {
      if (hidden === 0) {
        let total = 0;
        for (let i = 0; i < count; i++) total += parameters[outputAt + i]! * input[i]!;
        if (gradient) for (let i = 0; i < count; i++) gradient[outputAt + i]! += upstream * input[i]!;
        return total;
      }
      let total = 0;
      for (let h = 0; h < hidden; h++) {
        let activation = parameters[hidden * count + h]!;
        for (let i = 0; i < count; i++) activation += parameters[h * count + i]! * input[i]!;
        if (activation <= 0) continue;
        total += parameters[outputAt + h]! * activation;
        if (!gradient) continue;
        gradient[outputAt + h]! += upstream * activation;
        const back = upstream * parameters[outputAt + h]!;
        gradient[hidden * count + h]! += back;
        for (let i = 0; i < count; i++) gradient[h * count + i]! += back * input[i]!;
      }
      return total;
    };

    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffle(
        inputs.map((_, i) => i),
        random,
      );
      for (let start = 0; start < order.length; start += batchSize) {
        const batch = order.slice(start, start + batchSize);
        const gradient = new Float64Array(size);
        for (const q of batch) {
          const candidates = inputs[q]!;
          const target = usable[q]!.target;
          const scores = candidates.map((input) => score(input));
          const top = Math.max(...scores);
          const exps = scores.map((value) => Math.exp(value - top));
          const total = exps.reduce((sum, value) => sum + value, 0);
          candidates.forEach((input, i) => {
            const upstream = (exps[i]! / total - (i === target ? 1 : 0)) / batch.length;
            score(input, gradient, upstream);
          });
        }
        step++;
        for (let i = 0; i < size; i++) {
          const g = gradient[i]! + decay * parameters[i]!;
          firstMoment[i] = 0.9 * firstMoment[i]! + 0.1 * g;
          secondMoment[i] = 0.999 * secondMoment[i]! + 0.001 * g * g;
          const m = firstMoment[i]! / (1 - 0.9 ** step);
          const v = secondMoment[i]! / (1 - 0.999 ** step);
          parameters[i]! -= (rate * m) / (Math.sqrt(v) + 1e-8);
        }
      }
    }
    return {
      inputWeights: [...parameters.subarray(0, hidden * count)],
      inputBias: [...parameters.subarray(hidden * count, hidden * count + hidden)],
      output: [...parameters.subarray(outputAt)],
    };
  };

  const seed = options.seed ?? 1;
  return new LearnedRanker({
    features: [...RANKING_FEATURES],
    mean,
    scale,
    hidden,
    networks: Array.from({ length: options.networks ?? 1 }, (_, i) => trainNetwork(seed + i)),
  });
}
