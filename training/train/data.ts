/**
 * Training data as deterministic batches: the batch for (step, micro-step) depends only on
 * the seed, so a resumed run sees exactly the batches the uninterrupted run would have.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NsgenError, type Task } from '../../src/core/index.js';
import { SeededRandom } from '../model/random.js';
import { type ByteBpeTokenizer, SPECIAL_TOKENS } from '../tokenizer/bpe.js';

export interface Batch {
  batchSize: number;
  time: number;
  /** `[batchSize * time]` token ids. */
  inputs: Int32Array;
  /** The next token at each position. */
  targets: Int32Array;
  /** 1 where the target counts towards the loss (SFT: the response only). */
  mask: Float32Array;
}

export interface TrainingData {
  readonly kind: 'pretrain' | 'sft';
  trainBatch(step: number, micro: number, batchSize: number): Batch;
  /** The same evaluation batches every time. */
  evalBatches(batchSize: number, count: number): Batch[];
  /** Training tokens available (for reports). */
  readonly trainTokens: number;
}

function batchRandom(seed: number, step: number, micro: number): SeededRandom {
  return new SeededRandom((seed * 1_000_003 + step * 7919 + micro * 104_729) >>> 0);
}

/** Pretraining: windows of `contextLength + 1` tokens cut at random offsets of a token stream. */
export class TokenStreamData implements TrainingData {
  readonly kind = 'pretrain';
  constructor(
    private readonly train: Int32Array,
    private readonly evaluation: Int32Array,
    private readonly contextLength: number,
    private readonly seed = 1,
  ) {
    for (const [name, tokens] of [
      ['training', train],
      ['evaluation', evaluation],
    ] as const) {
      if (tokens.length < contextLength + 2) {
        throw new NsgenError(
          'INVALID_DATA',
          `the ${name} split has ${tokens.length} tokens, fewer than one window of ${contextLength + 1}: give more data or a shorter context`,
        );
      }
    }
  }

  get trainTokens(): number {
    return this.train.length;
  }

  private window(tokens: Int32Array, offsets: number[]): Batch {
    const time = this.contextLength;
    const inputs = new Int32Array(offsets.length * time);
    const targets = new Int32Array(offsets.length * time);
    offsets.forEach((offset, row) => {
      inputs.set(tokens.subarray(offset, offset + time), row * time);
      targets.set(tokens.subarray(offset + 1, offset + time + 1), row * time);
    });
    return {
      batchSize: offsets.length,
      time,
      inputs,
      targets,
      mask: new Float32Array(inputs.length).fill(1),
    };
  }

  trainBatch(step: number, micro: number, batchSize: number): Batch {
    const random = batchRandom(this.seed, step, micro);
    const span = this.train.length - this.contextLength - 1;
    return this.window(
      this.train,
      Array.from({ length: batchSize }, () => random.integer(span)),
    );
  }

  evalBatches(batchSize: number, count: number): Batch[] {
    const span = this.evaluation.length - this.contextLength - 1;
    const windows = Math.min(batchSize * count, Math.max(1, Math.floor(span / this.contextLength) + 1));
    const offsets = Array.from({ length: windows }, (_, i) => Math.min(span, i * this.contextLength));
    const batches: Batch[] = [];
    for (let i = 0; i < offsets.length; i += batchSize)
      batches.push(this.window(this.evaluation, offsets.slice(i, i + batchSize)));
    return batches;
  }
}

/** A prompt/response pair for supervised fine-tuning. */
export interface PromptResponse {
  prompt: string;
  response: string;
}

/** The SFT template: the loss covers the response and the end-of-text token only. */
export function sftPrompt(prompt: string): string {
  return `${SPECIAL_TOKENS.prompt}${prompt}${SPECIAL_TOKENS.code}`;
}

export class PromptResponseData implements TrainingData {
  readonly kind = 'sft';
  private readonly train: { ids: number[]; responseStart: number }[];
  private readonly evaluation: { ids: number[]; responseStart: number }[];

  constructor(
    tokenizer: ByteBpeTokenizer,
    pairs: { train: PromptResponse[]; evaluation: PromptResponse[] },
    private readonly contextLength: number,
    private readonly seed = 1,
  ) {
    const encode = (pair: PromptResponse) => {
      const prompt = tokenizer.encode(sftPrompt(pair.prompt));
      const response = [...tokenizer.encode(pair.response, { allowSpecial: false }), tokenizer.endOfTextId];
      // Long prompts lose their beginning: the response is what is learned.
      const keepPrompt = Math.max(
        1,
        Math.min(prompt.length, contextLength + 1 - Math.min(response.length, contextLength)),
      );
      const ids = [...prompt.slice(prompt.length - keepPrompt), ...response].slice(0, contextLength + 1);
      return { ids, responseStart: keepPrompt };
    };
    this.train = pairs.train.map(encode);
    this.evaluation = pairs.evaluation.map(encode);
    this.pad = tokenizer.endOfTextId;
    if (this.train.length === 0 || this.evaluation.length === 0) {
      throw new NsgenError('INVALID_DATA', 'SFT needs at least one training and one evaluation pair');
    }
  }

  private readonly pad: number;

  get trainTokens(): number {
    return this.train.reduce((sum, example) => sum + example.ids.length, 0);
  }

  private assemble(examples: { ids: number[]; responseStart: number }[]): Batch {
    const time = this.contextLength;
    const inputs = new Int32Array(examples.length * time).fill(this.pad);
    const targets = new Int32Array(examples.length * time).fill(this.pad);
    const mask = new Float32Array(examples.length * time);
    examples.forEach(({ ids, responseStart }, row) => {
      for (let t = 0; t < ids.length - 1; t++) {
        inputs[row * time + t] = ids[t] as number;
        targets[row * time + t] = ids[t + 1] as number;
        // Target t is token t + 1: it belongs to the response from responseStart on.
        if (t + 1 >= responseStart) mask[row * time + t] = 1;
      }
    });
    return { batchSize: examples.length, time, inputs, targets, mask };
  }

  trainBatch(step: number, micro: number, batchSize: number): Batch {
    const random = batchRandom(this.seed, step, micro);
    return this.assemble(
      Array.from(
        { length: batchSize },
        () => this.train[random.integer(this.train.length)] as (typeof this.train)[0],
      ),
    );
  }

  evalBatches(batchSize: number, count: number): Batch[] {
    const batches: Batch[] = [];
    for (let i = 0; i < Math.min(this.evaluation.length, batchSize * count); i += batchSize) {
      batches.push(this.assemble(this.evaluation.slice(i, i + batchSize)));
    }
    return batches;
  }
}

/**
 * Benchmark tasks as prompt/solution pairs: the prompt is the task's prompt, the response
 * its reference solution (`metadata.canonicalSolution`, set by the dataset loaders).
 */
export function tasksToPairs(tasks: Task[]): PromptResponse[] {
  return tasks.flatMap((task) => {
    const solution = task.metadata?.canonicalSolution;
    return typeof solution === 'string' && solution.trim() !== ''
      ? [{ prompt: task.prompt, response: solution }]
      : [];
  });
}

/** Reads prompt/response JSONL (`prompt` plus `response`, `completion` or `solution`). */
export async function readPromptResponseFile(path: string): Promise<PromptResponse[]> {
  const text = await readTextFile(path);
  const pairs: PromptResponse[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new NsgenError('INVALID_DATA', 'not a JSON line', {
        where: `${path}:${index + 1}`,
        cause: error,
      });
    }
    const response = record.response ?? record.completion ?? record.solution;
    if (typeof record.prompt !== 'string' || typeof response !== 'string') {
      throw new NsgenError('INVALID_DATA', 'each line needs a string "prompt" and a string "response"', {
        where: `${path}:${index + 1}`,
      });
    }
    pairs.push({ prompt: record.prompt, response });
  });
  return pairs;
}

async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new NsgenError('IO_ERROR', 'cannot read the file', { where: path, cause: error });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new NsgenError('INVALID_DATA', 'the file is not valid UTF-8 text', { where: path, cause: error });
  }
}

/**
 * Reads training documents: data-engine shards (`*.jsonl` with a `content` field) or plain
 * text files, from files or folders.
 */
export async function readDocuments(paths: string[]): Promise<string[]> {
  const documents: string[] = [];
  const visit = async (path: string): Promise<void> => {
    const info = await stat(path).catch((error) => {
      throw new NsgenError('IO_ERROR', 'no such file or folder', { where: path, cause: error });
    });
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) {
        if (name.endsWith('.jsonl') || name.endsWith('.txt')) await visit(join(path, name));
      }
      return;
    }
    const text = await readTextFile(path);
    if (!path.endsWith('.jsonl')) {
      documents.push(text);
      return;
    }
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      let record: { content?: unknown };
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new NsgenError('INVALID_DATA', 'not a JSON line', {
          where: `${path}:${index + 1}`,
          cause: error,
        });
      }
      if (typeof record.content !== 'string') {
        throw new NsgenError('INVALID_DATA', 'a shard line needs a string "content"', {
          where: `${path}:${index + 1}`,
        });
      }
      documents.push(record.content);
    });
  };
  for (const path of paths) await visit(path);
  if (documents.length === 0) throw new NsgenError('INVALID_DATA', `no documents in ${paths.join(', ')}`);
  return documents;
}

/** Documents joined by end-of-text into one stream, split into training and evaluation tails. */
export function tokenStreams(
  tokenizer: ByteBpeTokenizer,
  documents: string[],
  options: { evalFraction?: number } = {},
): { train: Int32Array; evaluation: Int32Array } {
  const ids: number[] = [];
  for (const document of documents) {
    for (const id of tokenizer.encode(document, { allowSpecial: false })) ids.push(id);
    ids.push(tokenizer.endOfTextId);
  }
  const all = Int32Array.from(ids);
  const cut = Math.floor(all.length * (1 - (options.evalFraction ?? 0.1)));
  return { train: all.subarray(0, cut), evaluation: all.subarray(cut) };
}

/** Cross-entropy (nats per token) of a unigram model fitted on `train`, add-one smoothed, on `evaluation`. */
export function unigramCrossEntropy(train: Int32Array, evaluation: Int32Array, vocabSize: number): number {
  const counts = new Float64Array(vocabSize).fill(1);
  for (const id of train) counts[id] = (counts[id] as number) + 1;
  const total = train.length + vocabSize;
  let sum = 0;
  for (const id of evaluation) sum -= Math.log((counts[id] as number) / total);
  return sum / evaluation.length;
}
