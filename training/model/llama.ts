/**
 * A decoder-only transformer shaped like Llama, written with raw TensorFlow.js ops so that
 * every tensor maps one-to-one onto llama.cpp's `llama` architecture: RoPE on adjacent
 * pairs (llama.cpp's "normal" rope mode, so no weight permutation on export), RMSNorm,
 * SwiGLU feed-forward, no biases, an untied output projection.
 */
import * as tf from '@tensorflow/tfjs';
import { NsgenError } from '../../src/core/index.js';
import { onWasm } from './backend.js';
import { headDim, type ModelConfig, parameterShapes } from './config.js';
import { attention, linear, rmsNorm, rope, swiGlu } from './fused-ops.js';
import { SeededRandom } from './random.js';

/** Keys and values of earlier positions, one entry per layer, for incremental decoding. */
export interface KvCache {
  layers: { k: tf.Tensor4D; v: tf.Tensor4D }[];
  /** Positions already in the cache. */
  length: number;
}

/** Plain weights, as read from or written to a checkpoint. */
export type WeightMap = Map<string, { shape: number[]; data: Float32Array }>;

export class LlamaModel {
  readonly config: ModelConfig;
  readonly weights: Map<string, tf.Variable>;
  private readonly cos: tf.Tensor2D;
  private readonly sin: tf.Tensor2D;
  private readonly rotation: tf.Tensor2D;

  private constructor(config: ModelConfig, weights: Map<string, tf.Variable>) {
    this.config = config;
    this.weights = weights;
    const hd = headDim(config);
    const cos = new Float32Array(config.contextLength * hd);
    const sin = new Float32Array(config.contextLength * hd);
    for (let position = 0; position < config.contextLength; position++) {
      for (let pair = 0; pair < hd / 2; pair++) {
        const angle = position * config.ropeTheta ** ((-2 * pair) / hd);
        for (const offset of [0, 1]) {
          cos[position * hd + 2 * pair + offset] = Math.cos(angle);
          sin[position * hd + 2 * pair + offset] = Math.sin(angle);
        }
      }
    }
    // rotate(x) = x @ R turns each pair (a, b) into (-b, a).
    const rotation = new Float32Array(hd * hd);
    for (let pair = 0; pair < hd / 2; pair++) {
      rotation[(2 * pair + 1) * hd + 2 * pair] = -1;
      rotation[2 * pair * hd + 2 * pair + 1] = 1;
    }
    this.cos = tf.tensor2d(cos, [config.contextLength, hd]);
    this.sin = tf.tensor2d(sin, [config.contextLength, hd]);
    this.rotation = tf.tensor2d(rotation, [hd, hd]);
  }

  /** A freshly initialised model: N(0, 0.02), residual outputs scaled by 1/sqrt(2·layers). */
  static init(config: ModelConfig, options: { seed?: number } = {}): LlamaModel {
    const random = new SeededRandom(options.seed ?? 1);
    const weights: WeightMap = new Map();
    for (const [name, shape] of parameterShapes(config)) {
      const size = shape.reduce((a, b) => a * b, 1);
      if (shape.length === 1) weights.set(name, { shape, data: new Float32Array(size).fill(1) });
      else {
        const residual = name.endsWith('attn_output.weight') || name.endsWith('ffn_down.weight');
        const std = residual ? 0.02 / Math.sqrt(2 * config.nLayers) : 0.02;
        weights.set(name, { shape, data: random.normal(size, std) });
      }
    }
    return LlamaModel.fromWeights(config, weights);
  }

  /** Builds a model from plain weights; every tensor must be present with its shape. */
  static fromWeights(config: ModelConfig, weights: WeightMap, where = 'weights'): LlamaModel {
    const variables = new Map<string, tf.Variable>();
    const expected = parameterShapes(config);
    for (const [name, shape] of expected) {
      const weight = weights.get(name);
      if (!weight) {
        throw new NsgenError('INVALID_DATA', `tensor ${name} is missing (config: ${describe(config)})`, {
          where,
        });
      }
      if (weight.shape.join('x') !== shape.join('x')) {
        throw new NsgenError(
          'INVALID_DATA',
          `tensor ${name} has shape [${weight.shape.join(', ')}] but the config (${describe(config)}) needs [${shape.join(', ')}]: the weights come from another config`,
          { where },
        );
      }
      variables.set(name, tf.variable(tf.tensor(weight.data, shape, 'float32'), true));
    }
    const extra = [...weights.keys()].filter((name) => !expected.some(([known]) => known === name));
    if (extra.length) {
      throw new NsgenError(
        'INVALID_DATA',
        `unexpected tensors ${extra.slice(0, 3).join(', ')} for this config`,
        {
          where,
        },
      );
    }
    return new LlamaModel(config, variables);
  }

  /** Copies the weights out of the backend. */
  async readWeights(): Promise<WeightMap> {
    const out: WeightMap = new Map();
    for (const [name, variable] of this.weights) {
      out.set(name, { shape: variable.shape, data: (await variable.data()) as Float32Array });
    }
    return out;
  }

  private weight<T extends tf.Tensor = tf.Tensor2D>(name: string): T {
    return this.weights.get(name) as tf.Tensor as T;
  }

  /**
   * Logits `[batch, time, vocab]` for token ids `[batch, time]`. With a cache, the ids
   * continue the cached positions and the cache is extended (batch 1).
   */
  forward(ids: tf.Tensor2D, cache?: KvCache): tf.Tensor3D {
    const [batch, time] = ids.shape;
    return this.logits(ids, cache).reshape([batch, time, this.config.vocabSize]);
  }

  /** Logits `[batch · time, vocab]`, the rows in the order of the flattened ids. */
  logits(ids: tf.Tensor2D, cache?: KvCache): tf.Tensor2D {
    const [batch, time] = ids.shape;
    const { dModel: d, nHeads: heads, vocabSize, normEps } = this.config;
    const hd = headDim(this.config);
    const start = cache?.length ?? 0;
    if (start + time > this.config.contextLength) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `sequence of ${start + time} tokens exceeds the context length ${this.config.contextLength}`,
      );
    }
    const total = start + time;
    const cos = this.cos.slice([start, 0], [time, hd]);
    const sin = this.sin.slice([start, 0], [time, hd]);
    const maskValues = new Float32Array(time * total);
    for (let i = 0; i < time; i++)
      for (let j = start + i + 1; j < total; j++) maskValues[i * total + j] = -1e9;
    const mask = tf.tensor2d(maskValues, [time, total]);

    // The residual stream stays [batch · time, d]; only attention sees heads.
    let x = embed(this.weight('token_embd.weight'), ids, vocabSize);
    const splitHeads = (t: tf.Tensor) =>
      t.reshape([batch, time, heads, hd]).transpose([0, 2, 1, 3]) as tf.Tensor4D;

    for (let layer = 0; layer < this.config.nLayers; layer++) {
      const p = `blk.${layer}`;
      const h = rmsNorm(x, this.weight<tf.Tensor1D>(`${p}.attn_norm.weight`), normEps);
      const q = rope(splitHeads(linear(h, this.weight(`${p}.attn_q.weight`))), cos, sin, this.rotation);
      let k = rope(splitHeads(linear(h, this.weight(`${p}.attn_k.weight`))), cos, sin, this.rotation);
      let v = splitHeads(linear(h, this.weight(`${p}.attn_v.weight`)));
      if (cache) {
        const previous = cache.layers[layer];
        if (previous) {
          const nextK = tf.keep(tf.concat([previous.k, k], 2));
          const nextV = tf.keep(tf.concat([previous.v, v], 2));
          previous.k.dispose();
          previous.v.dispose();
          cache.layers[layer] = { k: nextK, v: nextV };
        } else cache.layers[layer] = { k: tf.keep(k.clone()), v: tf.keep(v.clone()) };
        k = (cache.layers[layer] as { k: tf.Tensor4D }).k;
        v = (cache.layers[layer] as { v: tf.Tensor4D }).v;
      }
      const attended = attention(q, k, v, mask)
        .transpose([0, 2, 1, 3])
        .reshape([batch * time, d]) as tf.Tensor2D;
      x = tf.add(x, linear(attended, this.weight(`${p}.attn_output.weight`)));
      const g = rmsNorm(x, this.weight<tf.Tensor1D>(`${p}.ffn_norm.weight`), normEps);
      const gated = swiGlu(
        linear(g, this.weight(`${p}.ffn_gate.weight`)),
        linear(g, this.weight(`${p}.ffn_up.weight`)),
      );
      x = tf.add(x, linear(gated, this.weight(`${p}.ffn_down.weight`)));
    }
    if (cache) cache.length = total;
    return linear(
      rmsNorm(x, this.weight<tf.Tensor1D>('output_norm.weight'), normEps),
      this.weight('output.weight'),
    );
  }

  dispose(): void {
    for (const variable of this.weights.values()) variable.dispose();
    this.cos.dispose();
    this.sin.dispose();
    this.rotation.dispose();
  }
}

export function disposeCache(cache: KvCache): void {
  for (const layer of cache.layers) {
    layer.k.dispose();
    layer.v.dispose();
  }
  cache.layers = [];
  cache.length = 0;
}

/**
 * Embedding lookup. On wasm, with a hand-written gradient: the backend lacks the
 * UnsortedSegmentSum kernel behind `gather`'s gradient, and the one-hot matrix product
 * that could replace it costs more than the rest of a small model's backward pass. The rows
 * of the upstream gradient are summed into the table's gradient in plain JavaScript instead
 * (a few thousand additions per batch).
 */
function embed(table: tf.Tensor2D, ids: tf.Tensor2D, vocabSize: number): tf.Tensor2D {
  const flatIds = ids.flatten();
  if (!onWasm()) return tf.gather(table, flatIds);
  const width = table.shape[1] as number;
  // The ids travel through `save`: tensors made inside a gradient scope are gone by the time
  // the backward pass runs.
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [tableInput, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([flatIds]);
    const value = tf.gather(tableInput, flatIds);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const rows = (saved[0] as tf.Tensor1D).dataSync();
      const upstream = dy.dataSync();
      const grad = new Float32Array(vocabSize * width);
      for (let i = 0; i < rows.length; i++) {
        const target = (rows[i] as number) * width;
        const source = i * width;
        for (let j = 0; j < width; j++)
          grad[target + j] = (grad[target + j] as number) + (upstream[source + j] as number);
      }
      return tf.tensor2d(grad, [vocabSize, width]);
    };
    return { value, gradFunc };
  });
  return lookup(table) as tf.Tensor2D;
}

function describe(config: ModelConfig): string {
  return `vocab ${config.vocabSize}, d ${config.dModel}, ${config.nLayers} layers, ${config.nHeads} heads, ffn ${config.ffnHidden}, context ${config.contextLength}`;
}
