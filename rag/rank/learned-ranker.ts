/**
 * The learned fusion of keyword and vector search: small neural networks (one hidden layer
 * of rectified units, or none) that score each candidate from its {@link RANKING_FEATURES};
 * the ranker's score is their mean (networks trained alike from different seeds disagree
 * less on average than one alone). Each is trained with a listwise softmax loss — for each
 * query, the function asked for must take the largest share of the candidates' softmax —
 * and the ranker is stored as one JSON file beside the embedder model whose scores it reads.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { NsgenError } from '../../src/core/index.js';
import { formatJson } from '../embed/nbow-model.js';
import { RANKING_FEATURES } from './ranking-features.js';

export const RANKER_FORMAT = 'nsgen-ranker';
export const RANKER_VERSION = 1;
export const RANKER_FILE = 'ranker.json';

/** One network's numbers. With `hidden` 0 it is linear: `output` has one weight per feature. */
export interface RankerNetwork {
  /** hidden × features, row-major (empty when `hidden` is 0). */
  inputWeights: number[];
  inputBias: number[];
  output: number[];
}

export interface RankerWeights {
  features: readonly string[];
  /** Per feature: subtracted, then divided by `scale` (shared by every network). */
  mean: number[];
  scale: number[];
  hidden: number;
  networks: RankerNetwork[];
}

export interface RankerInfo {
  training?: Record<string, unknown>;
  dev?: Record<string, unknown>;
}

export class LearnedRanker {
  readonly weights: RankerWeights;
  readonly info: RankerInfo;

  constructor(weights: RankerWeights, info: RankerInfo = {}) {
    const features = weights.features.length;
    const width = weights.hidden;
    const fits = (network: RankerNetwork) =>
      network.inputWeights.length === width * features &&
      network.inputBias.length === width &&
      network.output.length === (width > 0 ? width : features);
    if (
      weights.features.join() !== RANKING_FEATURES.join() ||
      weights.mean.length !== features ||
      weights.scale.length !== features ||
      !Array.isArray(weights.networks) ||
      weights.networks.length === 0 ||
      !weights.networks.every(fits)
    ) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        'ranker weights do not match the ranking features (different nsgen version?)',
        { where: 'LearnedRanker' },
      );
    }
    this.weights = weights;
    this.info = info;
  }

  /** The candidate's score (a logit: only differences between candidates matter). */
  score(features: ArrayLike<number>): number {
    const { mean, scale, networks } = this.weights;
    const input = new Float64Array(mean.length);
    for (let i = 0; i < input.length; i++) input[i] = (features[i]! - mean[i]!) / scale[i]!;
    let total = 0;
    for (const network of networks) total += this.#network(network, input);
    return total / networks.length;
  }

  #network({ inputWeights, inputBias, output }: RankerNetwork, input: Float64Array): number {
    const hidden = this.weights.hidden;
    const count = input.length;
    let score = 0;
    if (hidden === 0) {
      for (let i = 0; i < count; i++) score += output[i]! * input[i]!;
      return score;
    }
    for (let h = 0; h < hidden; h++) {
      let activation = inputBias[h]!;
      const offset = h * count;
      for (let i = 0; i < count; i++) activation += inputWeights[offset + i]! * input[i]!;
      if (activation > 0) score += output[h]! * activation;
    }
    return score;
  }

  async save(path: string): Promise<void> {
    const document = { format: RANKER_FORMAT, version: RANKER_VERSION, ...this.weights, ...this.info };
    await writeFile(path, `${formatJson(document)}\n`);
  }

  /** Reads a ranker saved by {@link save}; a missing, damaged or foreign file is named in the error. */
  static load(path: string): LearnedRanker {
    let document: RankerWeights & RankerInfo & { format?: string; version?: number };
    try {
      document = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new NsgenError(
        'INVALID_DATA',
        `not a usable ranker: ${error instanceof Error ? error.message : String(error)}`,
        { where: path, cause: error },
      );
    }
    if (document.format !== RANKER_FORMAT || document.version !== RANKER_VERSION) {
      throw new NsgenError(
        'INVALID_DATA',
        `not a usable ranker: expected ${RANKER_FORMAT} version ${RANKER_VERSION}, found ${document.format} version ${document.version}`,
        { where: path },
      );
    }
    try {
      return new LearnedRanker(
        {
          features: document.features,
          mean: document.mean,
          scale: document.scale,
          hidden: document.hidden,
          networks: document.networks,
        },
        {
          ...(document.training ? { training: document.training } : {}),
          ...(document.dev ? { dev: document.dev } : {}),
        },
      );
    } catch (error) {
      throw new NsgenError('INVALID_DATA', `not a usable ranker: ${(error as Error).message}`, {
        where: path,
        cause: error,
      });
    }
  }
}
