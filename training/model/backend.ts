/**
 * Picks the TensorFlow.js backend by availability: `tensorflow` (native, from the optional
 * `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`), else `wasm`, else `cpu`.
 */
import * as tf from '@tensorflow/tfjs';
import { NsgenError } from '../../src/core/index.js';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Optional native bindings, tried in order; they are not dependencies of nsgen. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

let wasmRegistered = false;

export interface BackendOptions {
  /**
   * Threads the native backend gives each op (TensorFlow's intra-op pool). TensorFlow reads
   * it once, when the backend first loads in a process. One thread is faster for models of
   * a few million parameters or less, whose ops are too small to split (measured: 21k
   * against 13k tokens/s for `tiny` on 2 cores); larger models gain from every core.
   * @default all cores
   */
  threads?: number;
}

async function tryNative(options: BackendOptions): Promise<boolean> {
  if (options.threads !== undefined) process.env.TF_NUM_INTRAOP_THREADS = String(options.threads);
  for (const name of NATIVE_PACKAGES) {
    try {
      await import(name);
      if (await tf.setBackend('tensorflow')) return true;
    } catch {
      // Not installed here: the next candidate is tried.
    }
  }
  return false;
}

async function tryWasm(): Promise<boolean> {
  try {
    if (!wasmRegistered) {
      await import('@tensorflow/tfjs-backend-wasm');
      wasmRegistered = true;
    }
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/**
 * Activates a backend and returns its name. `auto` takes the first available in the
 * order above; naming one that cannot start is an error.
 */
export async function useBackend(
  choice: BackendName | 'auto' = 'auto',
  options: BackendOptions = {},
): Promise<BackendName> {
  if (choice !== 'auto' && tf.getBackend() === choice) return choice;
  const attempts: Record<BackendName, () => Promise<boolean>> = {
    tensorflow: () => tryNative(options),
    wasm: tryWasm,
    cpu: () => tf.setBackend('cpu'),
  };
  const order = choice === 'auto' ? BACKENDS : [choice];
  for (const name of order) {
    if (await attempts[name]()) {
      await tf.ready();
      return name;
    }
  }
  throw new NsgenError(
    'UNSUPPORTED',
    choice === 'tensorflow'
      ? 'the tensorflow backend needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed'
      : `the ${choice} TensorFlow.js backend could not start`,
  );
}

/**
 * Whether the wasm backend is active: it lacks some kernels and runs others slowly, so a few
 * places take another route on it (fused-ops.ts, the embedding lookup, AdamW's slicing).
 */
export function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

export function parseBackend(value: string): BackendName | 'auto' {
  if (value === 'auto' || (BACKENDS as readonly string[]).includes(value))
    return value as BackendName | 'auto';
  throw new NsgenError('INVALID_ARGUMENT', `unknown backend "${value}": one of auto, ${BACKENDS.join(', ')}`);
}
