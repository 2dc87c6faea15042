/**
 * AdamW (decoupled weight decay) with global-norm gradient clipping. Its moments are kept
 * per variable and can be saved and restored, so that a resumed run continues exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { NsgenError } from '../../src/core/index.js';
import type { WeightMap } from '../model/llama.js';

export interface AdamWOptions {
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.95 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
  /** Decoupled decay, applied to matrices only (not norms). @default 0.1 */
  weightDecay?: number;
  /** Gradients are scaled down to this global norm. @default 1 */
  clipNorm?: number;
}

export class AdamW {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly clipNorm: number;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  /** Updates applied so far (bias correction). */
  step = 0;

  constructor(
    private readonly variables: Map<string, tf.Variable>,
    options: AdamWOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.95;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.1;
    this.clipNorm = options.clipNorm ?? 1;
    for (const [name, variable] of variables) {
      this.moments.set(name, {
        m: tf.variable(tf.zerosLike(variable), false),
        v: tf.variable(tf.zerosLike(variable), false),
      });
    }
  }

  /** Applies one update; returns the gradient norm before clipping. */
  apply(grads: Record<string, tf.Tensor>, learningRate: number): number {
    this.step += 1;
    const norm = tf.tidy(() =>
      tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync(),
    )[0] as number;
    const scale = Number.isFinite(norm) && norm > this.clipNorm ? this.clipNorm / norm : 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    tf.tidy(() => {
      for (const [name, variable] of this.variables) {
        const grad = grads[name];
        const moment = this.moments.get(name);
        if (!grad || !moment) continue;
        const g = scale === 1 ? grad : tf.mul(grad, scale);
        const m = tf.add(tf.mul(moment.m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(moment.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        moment.m.assign(m);
        moment.v.assign(v);
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon));
        const decay = variable.rank > 1 ? tf.mul(variable, this.weightDecay) : tf.zerosLike(variable);
        variable.assign(tf.sub(variable, tf.mul(tf.add(update, decay), learningRate)));
      }
    });
    return norm;
  }

  async state(): Promise<WeightMap> {
    const out: WeightMap = new Map();
    for (const [name, { m, v }] of this.moments) {
      out.set(`m.${name}`, { shape: m.shape, data: (await m.data()) as Float32Array });
      out.set(`v.${name}`, { shape: v.shape, data: (await v.data()) as Float32Array });
    }
    out.set('step', { shape: [1], data: Float32Array.of(this.step) });
    return out;
  }

  restore(state: WeightMap, where: string): void {
    for (const [name, { m, v }] of this.moments) {
      for (const [key, variable] of [
        [`m.${name}`, m],
        [`v.${name}`, v],
      ] as const) {
        const saved = state.get(key);
        if (!saved || saved.shape.join('x') !== variable.shape.join('x')) {
          throw new NsgenError('INVALID_DATA', `optimizer state ${key} is missing or has another shape`, {
            where,
          });
        }
        variable.assign(tf.tensor(saved.data, saved.shape));
      }
    }
    this.step = state.get('step')?.data[0] ?? 0;
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
  }
}

/** Linear warm-up, then cosine decay to `minLearningRate` at `totalSteps`. */
export function learningRateAt(
  step: number,
  schedule: { learningRate: number; minLearningRate: number; warmupSteps: number; totalSteps: number },
): number {
  const { learningRate, minLearningRate, warmupSteps, totalSteps } = schedule;
  if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress));
}
