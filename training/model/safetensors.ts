/**
 * Reads and writes safetensors files (an 8-byte little-endian header length, a JSON header
 * of `{name: {dtype, shape, data_offsets}}`, then the raw little-endian data), float32 only:
 * the format Hugging Face tools and llama.cpp's converters read.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { NsgenError } from '../../src/core/index.js';
import type { WeightMap } from './llama.js';

export async function writeSafetensors(
  path: string,
  tensors: WeightMap,
  metadata: Record<string, string> = {},
): Promise<void> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  // The data starts 8-byte aligned, as the format recommends.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let position = 8 + headerBytes.length;
  for (const { data } of tensors.values()) {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, position);
    position += data.byteLength;
  }
  await writeFile(path, out);
}

export async function readSafetensors(
  path: string,
): Promise<{ tensors: WeightMap; metadata: Record<string, string> }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new NsgenError('IO_ERROR', 'cannot read the weights file', { where: path, cause: error });
  }
  const fail = (message: string, cause?: unknown) =>
    new NsgenError('INVALID_DATA', `not a valid safetensors file: ${message}`, { where: path, cause });
  if (bytes.length < 8) throw fail('shorter than its header');
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (headerLength > bytes.length - 8) throw fail(`header length ${headerLength} exceeds the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  } catch (error) {
    throw fail('the header is not JSON', error);
  }
  const base = 8 + headerLength;
  const tensors: WeightMap = new Map();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as unknown as Record<string, string>;
      continue;
    }
    if (entry.dtype !== 'F32') throw fail(`tensor ${name} has dtype ${entry.dtype}; only F32 is supported`);
    const [start, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * 4 || base + end > bytes.length)
      throw fail(`tensor ${name} has a bad data range`);
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(base + start, base + end));
    tensors.set(name, { shape: entry.shape, data });
  }
  return { tensors, metadata };
}
