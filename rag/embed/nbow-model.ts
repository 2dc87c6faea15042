/**
 * The learned code-search model: a neural bag of words (CodeSearchNet's NBoW baseline,
 * with learned term weights instead of a plain mean). A query and a code chunk are each a
 * weighted sum of the embeddings of their terms, scaled to unit length; their inner
 * product says how well the code answers the query. Both towers share one embedding table
 * (so a word means the same in a question and in code) but weigh terms differently: each
 * term has one learned weight as a query word and another as a code word, and a code
 * word's weight is further scaled by the field it appears in (name, signature, ...).
 *
 * Inference is plain TypeScript. The weights are stored as int8 rows with one float scale
 * per row (a quarter of float32, no measurable loss in retrieval), next to a JSON manifest
 * holding the vocabulary and what the model was trained on.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NsgenError } from '../../src/core/index.js';
import {
  CODE_FIELDS,
  type CodeView,
  codeBag,
  type FeatureBag,
  queryBag,
  Vocabulary,
} from './code-features.js';

export const NBOW_MODEL_FORMAT = 'nsgen-nbow-embedder';
export const NBOW_MODEL_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';

/** The model's numbers, unquantised. Log-weights: a term's weight is `exp(value)`. */
export interface NbowWeights {
  dimension: number;
  vocabulary: Vocabulary;
  /** rows × dimension, row-major. */
  embeddings: Float32Array;
  /** Per row: log-weight of the term in code. */
  codeTermWeights: Float32Array;
  /** Per row: log-weight of the term in a query. */
  queryTermWeights: Float32Array;
  /** Per code field ({@link CODE_FIELDS}): log-weight. */
  fieldWeights: Float32Array;
  /**
   * How strongly query terms are further weighted by the searched index's idf (the
   * retriever passes it): weight × idf^power. 0 ignores idf.
   */
  queryIdfPower: number;
}

/** What the manifest records besides the numbers. */
export interface NbowModelInfo {
  name: string;
  /**
   * BM25's share of the hybrid retriever's score mix that suits this model, chosen on the
   * development split.
   */
  keywordWeight?: number;
  /** Training corpus, settings, duration; free-form for reports. */
  training?: Record<string, unknown>;
  /** Figures on the development split. */
  dev?: Record<string, unknown>;
}

interface Manifest extends NbowModelInfo {
  format: typeof NBOW_MODEL_FORMAT;
  version: number;
  dimension: number;
  buckets: number;
  fields: string[];
  fieldWeights: number[];
  queryIdfPower: number;
  quantisation: 'int8-row';
  /** Byte layout of weights.bin. */
  layout: Array<{ name: string; type: 'int8' | 'float32'; length: number }>;
  vocabulary: string[];
}

export class NbowModel {
  readonly weights: NbowWeights;
  readonly info: NbowModelInfo;

  constructor(weights: NbowWeights, info: NbowModelInfo = { name: 'nbow' }) {
    const rows = weights.vocabulary.rows;
    if (
      weights.embeddings.length !== rows * weights.dimension ||
      weights.codeTermWeights.length !== rows ||
      weights.queryTermWeights.length !== rows ||
      weights.fieldWeights.length !== CODE_FIELDS.length
    ) {
      throw new NsgenError('INVALID_ARGUMENT', 'model weights do not match the vocabulary and dimension', {
        where: 'NbowModel',
      });
    }
    this.weights = weights;
    this.info = info;
  }

  get dimension(): number {
    return this.weights.dimension;
  }

  /** A query's unit vector; `termWeight` (the index's idf, say) is raised to `queryIdfPower`. */
  embedQuery(text: string, termWeight?: (term: string) => number): Float32Array {
    const { vocabulary, queryTermWeights, queryIdfPower } = this.weights;
    const bag = queryBag(text, vocabulary);
    const weights = bag.rows.map((row, i) => {
      const idf =
        termWeight && queryIdfPower !== 0 ? Math.max(termWeight(bag.terms[i]!), 1e-3) ** queryIdfPower : 1;
      return Math.exp(queryTermWeights[row]!) * bag.counts[i]! * idf;
    });
    return this.#pool(bag, weights);
  }

  /** A code chunk's unit vector. */
  embedCode(chunk: CodeView): Float32Array {
    const { vocabulary, codeTermWeights, fieldWeights } = this.weights;
    const bag = codeBag(chunk, vocabulary);
    const weights = bag.rows.map(
      (row, i) => Math.exp(codeTermWeights[row]! + fieldWeights[bag.fields[i]!]!) * bag.counts[i]!,
    );
    return this.#pool(bag, weights);
  }

  #pool(bag: FeatureBag, weights: number[]): Float32Array {
    const { dimension, embeddings } = this.weights;
    const vector = new Float32Array(dimension);
    bag.rows.forEach((row, i) => {
      const weight = weights[i]!;
      const offset = row * dimension;
      for (let j = 0; j < dimension; j++) vector[j]! += weight * embeddings[offset + j]!;
    });
    let norm = 0;
    for (const value of vector) norm += value * value;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let j = 0; j < dimension; j++) vector[j]! *= scale;
    }
    return vector;
  }

  /** Writes manifest.json and weights.bin (int8 rows, one float32 scale per row). */
  async save(dir: string): Promise<{ bytes: number }> {
    const { dimension, vocabulary, embeddings, codeTermWeights, queryTermWeights } = this.weights;
    const rows = vocabulary.rows;
    const quantised = new Int8Array(rows * dimension);
    const scales = new Float32Array(rows);
    for (let row = 0; row < rows; row++) {
      let largest = 0;
      for (let j = 0; j < dimension; j++)
        largest = Math.max(largest, Math.abs(embeddings[row * dimension + j]!));
      const scale = largest > 0 ? largest / 127 : 1;
      scales[row] = scale;
      for (let j = 0; j < dimension; j++) {
        quantised[row * dimension + j] = Math.round(embeddings[row * dimension + j]! / scale);
      }
    }
    const parts: Array<{ name: string; array: Int8Array | Float32Array }> = [
      { name: 'embeddings', array: quantised },
      { name: 'scales', array: scales },
      { name: 'codeTermWeights', array: codeTermWeights },
      { name: 'queryTermWeights', array: queryTermWeights },
    ];
    const manifest: Manifest = {
      format: NBOW_MODEL_FORMAT,
      version: NBOW_MODEL_VERSION,
      name: this.info.name,
      dimension,
      buckets: vocabulary.buckets,
      fields: [...CODE_FIELDS],
      fieldWeights: [...this.weights.fieldWeights],
      queryIdfPower: this.weights.queryIdfPower,
      quantisation: 'int8-row',
      layout: parts.map(({ name, array }) => ({
        name,
        type: array instanceof Int8Array ? 'int8' : 'float32',
        length: array.length,
      })),
      ...(this.info.keywordWeight !== undefined ? { keywordWeight: this.info.keywordWeight } : {}),
      ...(this.info.training ? { training: this.info.training } : {}),
      ...(this.info.dev ? { dev: this.info.dev } : {}),
      vocabulary: [...vocabulary.terms],
    };
    const buffers = parts.map(({ array }) => Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    const body = Buffer.concat(buffers);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, MANIFEST_FILE), `${formatJson(manifest)}\n`);
    await writeFile(join(dir, WEIGHTS_FILE), body);
    return { bytes: body.length };
  }

  /** Reads a model saved by {@link save}; a missing or damaged file is named in the error. */
  static load(dir: string): NbowModel {
    const manifestPath = join(dir, MANIFEST_FILE);
    const weightsPath = join(dir, WEIGHTS_FILE);
    const bad = (where: string, message: string, cause?: unknown) =>
      new NsgenError('INVALID_DATA', `not a usable embedder model: ${message}`, {
        where,
        ...(cause !== undefined ? { cause } : {}),
      });
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    } catch (error) {
      throw bad(manifestPath, error instanceof Error ? error.message : String(error), error);
    }
    if (manifest.format !== NBOW_MODEL_FORMAT) throw bad(manifestPath, `format is not ${NBOW_MODEL_FORMAT}`);
    if (manifest.version !== NBOW_MODEL_VERSION) {
      throw bad(manifestPath, `version ${manifest.version}, this nsgen reads version ${NBOW_MODEL_VERSION}`);
    }
    if (
      !Array.isArray(manifest.vocabulary) ||
      !Number.isInteger(manifest.dimension) ||
      !Number.isInteger(manifest.buckets) ||
      manifest.fields?.join() !== CODE_FIELDS.join() ||
      manifest.fieldWeights?.length !== CODE_FIELDS.length
    ) {
      throw bad(manifestPath, 'vocabulary, dimension, buckets or fields missing or different');
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(weightsPath);
    } catch (error) {
      throw bad(weightsPath, error instanceof Error ? error.message : String(error), error);
    }
    const vocabulary = new Vocabulary(manifest.vocabulary, manifest.buckets);
    const rows = vocabulary.rows;
    const dimension = manifest.dimension;
    const expected: Record<string, { type: string; length: number }> = {
      embeddings: { type: 'int8', length: rows * dimension },
      scales: { type: 'float32', length: rows },
      codeTermWeights: { type: 'float32', length: rows },
      queryTermWeights: { type: 'float32', length: rows },
    };
    const arrays = new Map<string, Int8Array | Float32Array>();
    let offset = 0;
    for (const part of manifest.layout ?? []) {
      const want = expected[part.name];
      if (!want || want.type !== part.type || want.length !== part.length) {
        throw bad(manifestPath, `unexpected weights part ${part.name} (${part.type} × ${part.length})`);
      }
      const size = part.length * (part.type === 'int8' ? 1 : 4);
      if (offset + size > bytes.length) {
        throw bad(weightsPath, `${bytes.length} bytes, the manifest describes more (truncated file?)`);
      }
      // Copied out: the file's buffer need not be aligned for a Float32Array view.
      const slice = new Uint8Array(bytes.subarray(offset, offset + size)).buffer;
      arrays.set(part.name, part.type === 'int8' ? new Int8Array(slice) : new Float32Array(slice));
      offset += size;
    }
    if (offset !== bytes.length || arrays.size !== Object.keys(expected).length) {
      throw bad(weightsPath, `${bytes.length} bytes, the manifest describes ${offset}`);
    }
    const quantised = arrays.get('embeddings') as Int8Array;
    const scales = arrays.get('scales') as Float32Array;
    const embeddings = new Float32Array(rows * dimension);
    for (let row = 0; row < rows; row++) {
      const scale = scales[row]!;
      for (let j = 0; j < dimension; j++)
        embeddings[row * dimension + j] = quantised[row * dimension + j]! * scale;
    }
    return new NbowModel(
      {
        dimension,
        vocabulary,
        embeddings,
        codeTermWeights: arrays.get('codeTermWeights') as Float32Array,
        queryTermWeights: arrays.get('queryTermWeights') as Float32Array,
        fieldWeights: Float32Array.from(manifest.fieldWeights),
        queryIdfPower: manifest.queryIdfPower ?? 0,
      },
      {
        name: manifest.name,
        ...(typeof manifest.keywordWeight === 'number' ? { keywordWeight: manifest.keywordWeight } : {}),
        ...(manifest.training ? { training: manifest.training } : {}),
        ...(manifest.dev ? { dev: manifest.dev } : {}),
      },
    );
  }
}

/**
 * JSON laid out the way the repository's formatter (Biome) lays it out, so that a freshly
 * trained manifest passes `biome check`: objects expanded, arrays of plain values on one
 * line when they fit in 110 columns, else numbers filled line by line and other values one
 * a line.
 */
export function formatJson(value: unknown, indent = '', prefix = 0): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const items = value.map((item) => JSON.stringify(item));
      const flat = `[${items.join(', ')}]`;
      if (prefix + flat.length <= 110) return flat;
      if (value.every((item) => typeof item === 'number')) {
        const lines: string[] = [];
        let line = '';
        for (const item of items) {
          const next = line === '' ? item : `${line}, ${item}`;
          if (line !== '' && inner.length + next.length + 1 > 110) {
            lines.push(`${line},`);
            line = item;
          } else line = next;
        }
        lines.push(line);
        return `[\n${lines.map((text) => `${inner}${text}`).join('\n')}\n${indent}]`;
      }
      return `[\n${items.map((item) => `${inner}${item}`).join(',\n')}\n${indent}]`;
    }
    return `[\n${value.map((item) => `${inner}${formatJson(item, inner, inner.length)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, item]) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      return `${head}${formatJson(item, inner, head.length + 1)}`;
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
