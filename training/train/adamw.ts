/**
 * AdamW (decoupled weight decay) with global-norm gradient clipping. Gradients, moments and
 * the update are handled as one flat vector over all variables: a step is then a few dozen
 * tensor operations whatever the number of variables, which is what bounds a small model's
 * step time on the native backend (each eager op costs tens of microseconds there). The
 * moments are saved and restored per variable, so that a resumed run continues exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { NsgenError } from '../../src/core/index.js';
import { onWasm } from '../model/backend.js';
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
  /** First and second moments of every variable, concatenated in the map's order. */
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  /** Weight decay per element: `weightDecay` on matrices, 0 on vectors (norm weights). */
  private readonly decay: tf.Tensor1D;
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
    const total = [...variables.values()].reduce((sum, variable) => sum + variable.size, 0);
    this.m = tf.variable(tf.zeros([total]), false);
    this.v = tf.variable(tf.zeros([total]), false);
    const decay = new Float32Array(total);
    let offset = 0;
    for (const variable of variables.values()) {
      if (variable.rank > 1) decay.fill(this.weightDecay, offset, offset + variable.size);
      offset += variable.size;
    }
    this.decay = tf.tensor1d(decay);
  }

  /** Applies one update; returns the gradient norm before clipping. */
  apply(grads: Record<string, tf.Tensor>, learningRate: number): number {
    this.step += 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    const flatGrad = tf.tidy(() =>
      tf.concat(
        [...this.variables].map(([name, variable]) => {
          const grad = grads[name];
          return grad ? grad.reshape([-1]) : tf.zeros([variable.size]);
        }),
      ),
    );
    // Not tf.norm: it squares through Pow, many times slower than Square on the native backend.
    const norm = tf.tidy(() => tf.sqrt(tf.sum(tf.square(flatGrad))).dataSync())[0] as number;
    const scale = Number.isFinite(norm) && norm > this.clipNorm ? this.clipNorm / norm : 1;
    tf.tidy(() => {
      const g = scale === 1 ? flatGrad : tf.mul(flatGrad, scale);
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      this.m.assign(m);
      this.v.assign(v);
      const variables = [...this.variables.values()];
      const params = tf.concat(variables.map((variable) => variable.reshape([-1])));
      const step = tf.add(
        tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon)),
        tf.mul(params, this.decay),
      );
      assignSlices(tf.sub(params, tf.mul(step, learningRate)), variables);
    });
    flatGrad.dispose();
    return norm;
  }

  async state(): Promise<WeightMap> {
    const out: WeightMap = new Map();
    const [m, v] = (await Promise.all([this.m.data(), this.v.data()])) as [Float32Array, Float32Array];
    let offset = 0;
    for (const [name, { shape, size }] of this.variables) {
      out.set(`m.${name}`, { shape, data: m.slice(offset, offset + size) });
      out.set(`v.${name}`, { shape, data: v.slice(offset, offset + size) });
      offset += size;
    }
    out.set('step', { shape: [1], data: Float32Array.of(this.step) });
    return out;
  }

  restore(state: WeightMap, where: string): void {
    for (const [moment, flat] of [
      ['m', this.m],
      ['v', this.v],
    ] as const) {
      const parts = [...this.variables].map(([name, { shape }]) => {
        const key = `${moment}.${name}`;
        const saved = state.get(key);
        if (!saved || saved.shape.join('x') !== shape.join('x')) {
          throw new NsgenError('INVALID_DATA', `optimizer state ${key} is missing or has another shape`, {
            where,
          });
        }
        return saved.data;
      });
      const joined = new Float32Array(flat.size);
      let offset = 0;
      for (const part of parts) {
        joined.set(part, offset);
        offset += part.length;
      }
      tf.tidy(() => flat.assign(tf.tensor1d(joined)));
    }
    this.step = state.get('step')?.data[0] ?? 0;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.decay.dispose();
  }
}

/**
 * Gives each variable its slice of `flat`. The wasm backend's slices of a long vector cost
 * milliseconds each, so there the values are cut in JavaScript (one read, one copy per
 * variable); elsewhere `split` stays on the device.
 */
function assignSlices(flat: tf.Tensor1D, variables: tf.Variable[]): void {
  if (onWasm()) {
    const values = flat.dataSync() as Float32Array;
    let offset = 0;
    for (const variable of variables) {
      variable.assign(tf.tensor(values.subarray(offset, offset + variable.size), variable.shape));
      offset += variable.size;
    }
    return;
  }
  const parts = tf.split(
    flat,
    variables.map((variable) => variable.size),
  );
  for (const [index, variable] of variables.entries())
    variable.assign((parts[index] as tf.Tensor).reshape(variable.shape));
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
