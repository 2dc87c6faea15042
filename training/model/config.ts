/**
 * The shape of a Llama-style decoder (RoPE, RMSNorm, SwiGLU, no biases), with named sizes
 * from a test-sized toy to about 100M parameters. Field names follow the GGUF `llama.*`
 * keys they are exported to.
 */
import { NsgenError } from '../../src/core/index.js';

export interface ModelConfig {
  architecture: 'llama';
  vocabSize: number;
  /** Width of the residual stream (`llama.embedding_length`). */
  dModel: number;
  nLayers: number;
  nHeads: number;
  /** Hidden width of the SwiGLU feed-forward (`llama.feed_forward_length`). */
  ffnHidden: number;
  /** Longest sequence the model is trained for (`llama.context_length`). */
  contextLength: number;
  /** @default 10000 */
  ropeTheta: number;
  /** @default 1e-5 */
  normEps: number;
}

/** Named sizes; the vocabulary comes from the tokenizer. */
export const MODEL_SIZES = {
  /** For tests: trains hundreds of steps in seconds. */
  toy: { dModel: 32, nLayers: 1, nHeads: 2, ffnHidden: 64, contextLength: 32 },
  tiny: { dModel: 64, nLayers: 2, nHeads: 4, ffnHidden: 176, contextLength: 64 },
  small: { dModel: 128, nLayers: 4, nHeads: 4, ffnHidden: 352, contextLength: 128 },
  medium: { dModel: 384, nLayers: 6, nHeads: 6, ffnHidden: 1024, contextLength: 256 },
  /** About 100M parameters with a 32k vocabulary. */
  base: { dModel: 768, nLayers: 10, nHeads: 12, ffnHidden: 2048, contextLength: 512 },
} as const satisfies Record<string, Partial<ModelConfig>>;

export type ModelSize = keyof typeof MODEL_SIZES;

export function modelConfig(
  size: ModelSize | Partial<ModelConfig>,
  overrides: Partial<ModelConfig> & { vocabSize: number },
): ModelConfig {
  const shape = typeof size === 'string' ? MODEL_SIZES[size] : size;
  if (shape === undefined) {
    throw new NsgenError(
      'INVALID_ARGUMENT',
      `unknown model size "${String(size)}": one of ${Object.keys(MODEL_SIZES).join(', ')}`,
    );
  }
  return validateConfig({
    architecture: 'llama',
    ropeTheta: 10_000,
    normEps: 1e-5,
    ...(shape as Partial<ModelConfig>),
    ...overrides,
  } as ModelConfig);
}

/** Checks a config read from disk or built from options. */
export function validateConfig(config: ModelConfig, where = 'model config'): ModelConfig {
  const integers = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'ffnHidden', 'contextLength'] as const;
  for (const key of integers) {
    const value = config[key];
    if (!Number.isInteger(value) || value <= 0) {
      throw new NsgenError('INVALID_CONFIG', `${key} must be a positive integer, got ${String(value)}`, {
        where,
      });
    }
  }
  if (config.architecture !== 'llama') {
    throw new NsgenError(
      'INVALID_CONFIG',
      `architecture must be "llama", got ${String(config.architecture)}`,
      {
        where,
      },
    );
  }
  if (config.dModel % config.nHeads !== 0 || (config.dModel / config.nHeads) % 2 !== 0) {
    throw new NsgenError(
      'INVALID_CONFIG',
      `dModel ${config.dModel} must split into ${config.nHeads} heads of an even width (RoPE rotates pairs)`,
      { where },
    );
  }
  return config;
}

export function headDim(config: ModelConfig): number {
  return config.dModel / config.nHeads;
}

/** Tensor names and shapes, in GGUF naming; linear weights are `[out, in]` as in PyTorch. */
export function parameterShapes(config: ModelConfig): [string, number[]][] {
  const { vocabSize: v, dModel: d, ffnHidden: f } = config;
  const shapes: [string, number[]][] = [['token_embd.weight', [v, d]]];
  for (let layer = 0; layer < config.nLayers; layer++) {
    const p = `blk.${layer}`;
    shapes.push(
      [`${p}.attn_norm.weight`, [d]],
      [`${p}.attn_q.weight`, [d, d]],
      [`${p}.attn_k.weight`, [d, d]],
      [`${p}.attn_v.weight`, [d, d]],
      [`${p}.attn_output.weight`, [d, d]],
      [`${p}.ffn_norm.weight`, [d]],
      [`${p}.ffn_gate.weight`, [f, d]],
      [`${p}.ffn_up.weight`, [f, d]],
      [`${p}.ffn_down.weight`, [d, f]],
    );
  }
  shapes.push(['output_norm.weight', [d]], ['output.weight', [v, d]]);
  return shapes;
}

export function parameterCount(config: ModelConfig): number {
  return parameterShapes(config).reduce((sum, [, shape]) => sum + shape.reduce((a, b) => a * b, 1), 0);
}

/** Describes how two configs differ, for "checkpoint from another config" errors. */
export function configDifferences(expected: ModelConfig, actual: ModelConfig): string[] {
  const keys = Object.keys(expected) as (keyof ModelConfig)[];
  return keys
    .filter((key) => expected[key] !== actual[key])
    .map((key) => `${key}: ${String(expected[key])} vs ${String(actual[key])}`);
}
