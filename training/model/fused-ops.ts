/**
 * The transformer's building blocks as single differentiable operations with hand-written
 * gradients. Left to automatic differentiation, every elementwise op also differentiates
 * its constant inputs and adds casts and reshapes, which triples a small model's op count;
 * on the native backend each eager op costs tens of microseconds, so the op count, not the
 * arithmetic, bounds a small model's step time. Each gradient here is checked against
 * automatic differentiation of the plain formula (fused-ops.test.ts).
 *
 * Tensors the backward pass needs travel through `save`: tensors made inside a gradient
 * scope are gone by the time the backward pass runs.
 */
import * as tf from '@tensorflow/tfjs';
import { onWasm } from './backend.js';

type Saved = (tf.Tensor | tf.GradSaveFunc)[];

function swapLastAxes(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, axis) => axis);
  perm.splice(-2, 2, t.rank - 1, t.rank - 2);
  return tf.transpose(t, perm);
}

/**
 * `op(a) @ op(b)`, not differentiable by itself: used inside the gradients below. The wasm
 * backend runs transposed matrix products about twenty times slower than plain ones, so
 * there the transposes are explicit; elsewhere the product's flags are free.
 */
export function product(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  if (!onWasm()) return tf.matMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? swapLastAxes(a) : a, transposeB ? swapLastAxes(b) : b);
}

/** `x @ wᵀ` for `x` [n, in] and a weight [out, in], as llama.cpp stores it. */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: Saved) => {
    const [input, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([input, w]);
    return {
      value: product(input, w, false, true),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor, tf.Tensor];
        return [product(dy, ws), product(dy, xs, true, false)];
      },
    };
  });
  return op(x, weight) as tf.Tensor2D;
}

/** RMSNorm over the last axis of `x` [n, d], scaled by `weight` [d]. */
export function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor1D, eps: number): tf.Tensor2D {
  const op = tf.customGrad((...args: Saved) => {
    const [input, w, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const inverse = tf.rsqrt(tf.add(tf.mean(tf.square(input), -1, true), eps));
    const normed = tf.mul(input, inverse);
    save([normed, inverse, w]);
    return {
      value: tf.mul(normed, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xn, r, ws] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        // y = w·x·r with r = (mean(x²) + eps)^-½: dx = r·(g − x̂·mean(g·x̂)), g = dy·w.
        const g = tf.mul(dy, ws);
        const dx = tf.mul(r, tf.sub(g, tf.mul(xn, tf.mean(tf.mul(g, xn), -1, true))));
        return [dx, tf.sum(tf.mul(dy, xn), 0)];
      },
    };
  });
  return op(x, weight) as tf.Tensor2D;
}

/** SwiGLU's gating: `silu(gate) · up`. */
export function swiGlu(gate: tf.Tensor2D, up: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: Saved) => {
    const [g, u, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const sigmoid = tf.sigmoid(g);
    const silu = tf.mul(g, sigmoid);
    save([u, sigmoid, silu]);
    return {
      value: tf.mul(silu, u),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [us, s, si] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        // silu'(g) = s + silu·(1 − s)
        const slope = tf.add(s, tf.mul(si, tf.sub(1, s)));
        return [tf.mul(tf.mul(dy, us), slope), tf.mul(dy, si)];
      },
    };
  });
  return op(gate, up) as tf.Tensor2D;
}

/**
 * Rotary position embedding of `t` [batch, heads, time, headDim] on adjacent pairs:
 * `t·cos + (t @ R)·sin`, where `R` [headDim, headDim] turns each pair (a, b) into (−b, a).
 * The product runs on the rows as one 2-D matrix: batched products that broadcast `R` are
 * several times slower.
 */
export function rope(t: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D, rotation: tf.Tensor2D): tf.Tensor4D {
  const rotate = (x: tf.Tensor, transpose: boolean) =>
    product(x.reshape([-1, rotation.shape[0]]), rotation, false, transpose).reshape(x.shape);
  const op = tf.customGrad((...args: Saved) => {
    const [input, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    save([cos, sin]);
    return {
      value: tf.add(tf.mul(input, cos), tf.mul(rotate(input, false), sin)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [c, s] = saved as [tf.Tensor, tf.Tensor];
        return [tf.add(tf.mul(dy, c), rotate(tf.mul(dy, s), true))];
      },
    };
  });
  return op(t) as tf.Tensor4D;
}

/**
 * Scaled dot-product attention of `q` [b, h, t, d] over `k`, `v` [b, h, s, d] with an
 * additive `mask` [t, s] (0 or a large negative number).
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor2D): tf.Tensor4D {
  const scale = 1 / Math.sqrt(q.shape[3]);
  const op = tf.customGrad((...args: Saved) => {
    const [qs, ks, vs, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    const weights = tf.softmax(tf.add(tf.mul(product(qs, ks, false, true), scale), mask));
    save([qs, ks, vs, weights]);
    return {
      value: product(weights, vs),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [qi, ki, vi, p] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const dp = product(dy, vi, false, true);
        // softmax: ds = p·(dp − Σ dp·p), then the scale
        const ds = tf.mul(tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true))), scale);
        return [product(ds, ki), product(ds, qi, true, false), product(p, dy, true, false)];
      },
    };
  });
  return op(q, k, v) as tf.Tensor4D;
}

/**
 * Mean next-token cross-entropy of `logits` [n, vocab] against `targets` over the positions
 * where `mask` is 1 (SFT masks the prompt out).
 */
export function crossEntropy(logits: tf.Tensor2D, targets: Int32Array, mask: Float32Array): tf.Scalar {
  const vocab = logits.shape[1];
  const counted = mask.reduce((a, b) => a + b, 0);
  const weights = tf.tensor2d(
    mask.map((m) => m / Math.max(counted, 1)),
    [mask.length, 1],
  );
  // oneHot's own float32 output is int32 bits on wasm: cast instead.
  const oneHot = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), vocab), 'float32');
  const op = tf.customGrad((...args: Saved) => {
    const [input, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const logProbabilities = tf.logSoftmax(input);
    save([logProbabilities, oneHot, weights]);
    return {
      value: tf.neg(tf.sum(tf.mul(tf.mul(logProbabilities, oneHot), weights))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [lp, hot, w] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return [tf.mul(tf.sub(tf.exp(lp), hot), tf.mul(w, dy))];
      },
    };
  });
  return op(logits) as tf.Scalar;
}
