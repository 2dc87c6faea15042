import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { type BackendName, useBackend } from './backend.js';
import { attention, crossEntropy, linear, rmsNorm, rope, swiGlu } from './fused-ops.js';
import { SeededRandom } from './random.js';

const random = new SeededRandom(3);
const normal = (shape: number[]) =>
  tf.tensor(
    random.normal(
      shape.reduce((a, b) => a * b, 1),
      1,
    ),
    shape,
  );

/** Value and gradients of `sum(f(inputs) · weights)` for fixed random weights. */
function valueAndGrads(f: (...inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], weights: tf.Tensor) {
  const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), weights)))(
    inputs,
  );
  return { value: value.dataSync()[0] as number, grads: grads.map((g) => Array.from(g.dataSync())) };
}

function expectSame(
  fused: (...inputs: tf.Tensor[]) => tf.Tensor,
  plain: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  outShape: number[],
) {
  const weights = normal(outShape);
  const a = valueAndGrads(fused, inputs, weights);
  const b = valueAndGrads(plain, inputs, weights);
  expect(a.value).toBeCloseTo(b.value, 3);
  for (const [i, grad] of a.grads.entries()) {
    const reference = b.grads[i] as number[];
    const scale = Math.max(...reference.map(Math.abs), 1e-6);
    const worst = Math.max(...grad.map((g, j) => Math.abs(g - (reference[j] as number))));
    expect(worst / scale).toBeLessThan(1e-4);
  }
}

function rotationMatrix(hd: number): tf.Tensor2D {
  const values = new Float32Array(hd * hd);
  for (let pair = 0; pair < hd / 2; pair++) {
    values[(2 * pair + 1) * hd + 2 * pair] = -1;
    values[2 * pair * hd + 2 * pair + 1] = 1;
  }
  return tf.tensor2d(values, [hd, hd]);
}

// wasm and cpu always; the native backend when it is installed (scripts/setup-tensorflow.sh).
const backends: BackendName[] = ['wasm', 'cpu'];
const native = await useBackend('tensorflow').then(
  () => true,
  () => false,
);
if (native) backends.push('tensorflow');

describe.each(backends)('fused ops on %s match automatic differentiation', (backend) => {
  afterAll(() => tf.disposeVariables());

  it('linear', async () => {
    await useBackend(backend);
    expectSame(
      (x, w) => linear(x as tf.Tensor2D, w as tf.Tensor2D),
      (x, w) => tf.matMul(x as tf.Tensor2D, tf.transpose(w as tf.Tensor2D)),
      [normal([6, 5]), normal([4, 5])],
      [6, 4],
    );
  });

  it('rmsNorm', async () => {
    await useBackend(backend);
    const eps = 1e-5;
    expectSame(
      (x, w) => rmsNorm(x as tf.Tensor2D, w as tf.Tensor1D, eps),
      (x, w) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), w),
      [normal([6, 8]), normal([8])],
      [6, 8],
    );
  });

  it('swiGlu', async () => {
    await useBackend(backend);
    expectSame(
      (g, u) => swiGlu(g as tf.Tensor2D, u as tf.Tensor2D),
      (g, u) => tf.mul(tf.mul(g, tf.sigmoid(g)), u),
      [normal([5, 7]), normal([5, 7])],
      [5, 7],
    );
  });

  it('rope', async () => {
    await useBackend(backend);
    const [cos, sin, rotation] = [
      normal([3, 4]) as tf.Tensor2D,
      normal([3, 4]) as tf.Tensor2D,
      rotationMatrix(4),
    ];
    expectSame(
      (t) => rope(t as tf.Tensor4D, cos, sin, rotation),
      (t) => tf.add(tf.mul(t, cos), tf.mul(tf.matMul(t.reshape([-1, 4]), rotation).reshape(t.shape), sin)),
      [normal([2, 2, 3, 4])],
      [2, 2, 3, 4],
    );
  });

  it('attention with a causal mask and a longer key sequence', async () => {
    await useBackend(backend);
    const mask = tf.tensor2d([0, 0, -1e9, 0, 0, 0], [2, 3]);
    expectSame(
      (q, k, v) => attention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, mask),
      (q, k, v) =>
        tf.matMul(
          tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(4)), mask)),
          v as tf.Tensor4D,
        ),
      [normal([2, 2, 2, 4]), normal([2, 2, 3, 4]), normal([2, 2, 3, 4])],
      [2, 2, 2, 4],
    );
  });

  it('crossEntropy counts only masked-in positions', async () => {
    await useBackend(backend);
    const targets = Int32Array.of(1, 0, 4, 2);
    const mask = Float32Array.of(1, 0, 1, 1);
    const logits = normal([4, 5]);
    const fused = tf.valueAndGrad((x: tf.Tensor) => crossEntropy(x as tf.Tensor2D, targets, mask))(logits);
    const plain = tf.valueAndGrad((x: tf.Tensor) => {
      const picked = tf.sum(
        tf.mul(tf.logSoftmax(x), tf.oneHot(tf.tensor1d(targets, 'int32'), 5).toFloat()),
        -1,
      );
      return tf.div(tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(mask)))), 3) as tf.Scalar;
    })(logits);
    expect(fused.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0] as number, 5);
    const a = fused.grad.dataSync();
    const b = plain.grad.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 5);
    // Row 1 is masked out: no gradient reaches its logits.
    expect(Array.from(a.slice(5, 10)).every((g) => g === 0)).toBe(true);
  });
});
