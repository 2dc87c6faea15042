/**
 * GGUF export (version 3, `llama` architecture) for llama.cpp: the model's hyperparameters,
 * its byte-level BPE tokenizer (`tokenizer.ggml.model = gpt2`, tokens, types, merges) and
 * every tensor in f32, or f16 for matrices (norm vectors stay f32, as llama.cpp's own
 * converter does). The weights need no permutation: the tfjs model already rotates
 * adjacent pairs, llama.cpp's rope mode for this architecture.
 */
import { open } from 'node:fs/promises';
import { NsgenError } from '../../src/core/index.js';
import { headDim, type ModelConfig, parameterShapes } from '../model/config.js';
import type { WeightMap } from '../model/llama.js';
import type { ByteBpeTokenizer } from '../tokenizer/bpe.js';

export const GGUF_TYPES = ['f32', 'f16'] as const;
export type GgufType = (typeof GGUF_TYPES)[number];

const ALIGNMENT = 32;
const GGML_TYPE = { f32: 0, f16: 1 } as const;
const VALUE = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;
/** llama.cpp token types. */
const TOKEN_TYPE = { normal: 1, control: 3 } as const;

type MetadataValue =
  | { type: 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; items: 'string'; value: string[] }
  | { type: 'array'; items: 'int32'; value: number[] };

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(): void {
    const extra = (ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT;
    if (extra) this.push(Buffer.alloc(extra));
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeValue(writer: ByteWriter, entry: MetadataValue): void {
  writer.u32(VALUE[entry.type]);
  switch (entry.type) {
    case 'uint32':
      writer.u32(entry.value);
      return;
    case 'int32':
      writer.i32(entry.value);
      return;
    case 'float32':
      writer.f32(entry.value);
      return;
    case 'bool':
      writer.push(Buffer.from([entry.value ? 1 : 0]));
      return;
    case 'string':
      writer.string(entry.value);
      return;
    case 'array':
      writer.u32(VALUE[entry.items]);
      writer.u64(entry.value.length);
      for (const item of entry.value) {
        if (entry.items === 'string') writer.string(item as string);
        else writer.i32(item as number);
      }
  }
}

/** IEEE 754 half precision, round to nearest even. */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i] as number;
    const x = u32[0] as number;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - e;
      let half = mantissa >>> shift;
      const rest = mantissa & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (rest > halfway || (rest === halfway && half & 1)) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
    if (half >= 0x7c00) half = 0x7c00;
    out[i] = sign | half;
  }
  return out;
}

export interface GgufExportOptions {
  config: ModelConfig;
  weights: WeightMap;
  tokenizer: ByteBpeTokenizer;
  /** @default 'f16' */
  type?: GgufType;
  name?: string;
}

/** Writes the GGUF file; returns its size in bytes. */
export async function writeGguf(
  path: string,
  options: GgufExportOptions,
): Promise<{ bytes: number; tensors: number }> {
  const { config, weights, tokenizer } = options;
  const type = options.type ?? 'f16';
  if (!GGUF_TYPES.includes(type)) {
    throw new NsgenError('INVALID_ARGUMENT', `unknown GGUF type "${type}": one of ${GGUF_TYPES.join(', ')}`);
  }
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new NsgenError(
      'INVALID_CONFIG',
      `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${config.vocabSize}`,
    );
  }
  const endOfText = tokenizer.endOfTextId;
  const metadata: [string, MetadataValue][] = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name ?? 'nsgen' }],
    ['general.file_type', { type: 'uint32', value: type === 'f32' ? 0 : 1 }],
    ['general.alignment', { type: 'uint32', value: ALIGNMENT }],
    ['llama.context_length', { type: 'uint32', value: config.contextLength }],
    ['llama.embedding_length', { type: 'uint32', value: config.dModel }],
    ['llama.block_count', { type: 'uint32', value: config.nLayers }],
    ['llama.feed_forward_length', { type: 'uint32', value: config.ffnHidden }],
    ['llama.rope.dimension_count', { type: 'uint32', value: headDim(config) }],
    ['llama.attention.head_count', { type: 'uint32', value: config.nHeads }],
    ['llama.attention.head_count_kv', { type: 'uint32', value: config.nHeads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: config.normEps }],
    ['llama.rope.freq_base', { type: 'float32', value: config.ropeTheta }],
    ['llama.vocab_size', { type: 'uint32', value: config.vocabSize }],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'gpt-2' }],
    ['tokenizer.ggml.tokens', { type: 'array', items: 'string', value: [...tokenizer.vocab] }],
    [
      'tokenizer.ggml.token_type',
      {
        type: 'array',
        items: 'int32',
        value: tokenizer.vocab.map((token) =>
          tokenizer.specialTokens.includes(token) ? TOKEN_TYPE.control : TOKEN_TYPE.normal,
        ),
      },
    ],
    ['tokenizer.ggml.merges', { type: 'array', items: 'string', value: [...tokenizer.merges] }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: endOfText }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: endOfText }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
  ];

  const tensors = parameterShapes(config).map(([name, shape]) => {
    const weight = weights.get(name);
    if (!weight || weight.shape.join('x') !== shape.join('x')) {
      throw new NsgenError(
        'INVALID_DATA',
        `tensor ${name} is missing or has another shape than the config says`,
      );
    }
    const tensorType: GgufType = type === 'f16' && shape.length > 1 ? 'f16' : 'f32';
    const data =
      tensorType === 'f16'
        ? Buffer.from(toFloat16(weight.data).buffer)
        : Buffer.from(weight.data.buffer, weight.data.byteOffset, weight.data.byteLength);
    return { name, shape, tensorType, data };
  });

  const header = new ByteWriter();
  header.push(Buffer.from('GGUF', 'ascii'));
  header.u32(3);
  header.u64(tensors.length);
  header.u64(metadata.length);
  for (const [key, value] of metadata) {
    header.string(key);
    writeValue(header, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    header.string(tensor.name);
    header.u32(tensor.shape.length);
    // GGML lists dimensions fastest-varying first: a row-major [rows, columns] is [columns, rows].
    for (const dim of [...tensor.shape].reverse()) header.u64(dim);
    header.u32(GGML_TYPE[tensor.tensorType]);
    header.u64(offset);
    offset += tensor.data.length;
    offset += (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
  }
  header.pad();

  const file = await open(path, 'w');
  let bytes = 0;
  try {
    const head = header.bytes();
    await file.write(head);
    bytes += head.length;
    for (const tensor of tensors) {
      await file.write(tensor.data);
      bytes += tensor.data.length;
      const extra = (ALIGNMENT - (tensor.data.length % ALIGNMENT)) % ALIGNMENT;
      if (extra) {
        await file.write(Buffer.alloc(extra));
        bytes += extra;
      }
    }
  } finally {
    await file.close();
  }
  return { bytes, tensors: tensors.length };
}
