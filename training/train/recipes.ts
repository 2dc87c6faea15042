/**
 * The recipes behind `nsgen train …`: tokenizer training, pretraining and SFT from files
 * on disk, with resume and the checks that refuse mismatched tokenizers and checkpoints.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NsgenError, type Task } from '../../src/core/index.js';
import { type BackendName, useBackend } from '../model/backend.js';
import { checkTokenizerMatches, loadCheckpoint, readCheckpointConfig } from '../model/checkpoint.js';
import { configDifferences, type ModelConfig, type ModelSize, modelConfig } from '../model/config.js';
import { LlamaModel } from '../model/llama.js';
import { ByteBpeTokenizer } from '../tokenizer/bpe.js';
import {
  type PromptResponse,
  PromptResponseData,
  readDocuments,
  readPromptResponseFile,
  TokenStreamData,
  tasksToPairs,
  tokenStreams,
  unigramCrossEntropy,
} from './data.js';
import { Trainer, type TrainOptions, type TrainResult } from './trainer.js';

export async function trainTokenizerFromFiles(options: {
  data: string[];
  vocabSize: number;
  out: string;
}): Promise<{ vocabSize: number; merges: number; documents: number; path: string }> {
  const documents = await readDocuments(options.data);
  const tokenizer = ByteBpeTokenizer.train(documents, { vocabSize: options.vocabSize });
  await tokenizer.save(options.out);
  return {
    vocabSize: tokenizer.vocabSize,
    merges: tokenizer.merges.length,
    documents: documents.length,
    path: options.out,
  };
}

export interface RecipeOptions extends Omit<TrainOptions, 'outDir'> {
  /** Output folder: `checkpoint/`, `metrics.jsonl`. */
  out: string;
  /** @default 'auto' */
  backend?: BackendName | 'auto';
  /** Threads per op on the native backend (see BackendOptions). */
  threads?: number;
  /** Seed of initialisation and data order. @default 1 */
  seed?: number;
  /** Continue from `OUT/checkpoint`. */
  resume?: boolean;
}

export interface RecipeResult extends TrainResult {
  backend: BackendName;
  parameters: number;
  trainTokens: number;
  /** Pretraining: the unigram baseline (nats per token) of the evaluation split. */
  unigramBaseline?: number;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function pretrainFromFiles(
  options: RecipeOptions & {
    data: string[];
    tokenizer: string;
    size: ModelSize | Partial<ModelConfig>;
    config?: Partial<ModelConfig>;
  },
): Promise<RecipeResult> {
  const backend = await useBackend(options.backend ?? 'auto', threadsOf(options));
  const tokenizer = await ByteBpeTokenizer.load(options.tokenizer);
  const config = modelConfig(options.size, { ...options.config, vocabSize: tokenizer.vocabSize });
  const documents = await readDocuments(options.data);
  const { train, evaluation } = tokenStreams(tokenizer, documents);
  const data = new TokenStreamData(train, evaluation, config.contextLength, options.seed ?? 1);
  const checkpoint = join(options.out, 'checkpoint');
  const trainOptions: TrainOptions = { ...options, outDir: options.out };
  let trainer: Trainer;
  if (options.resume && (await exists(checkpoint))) {
    const saved = await readCheckpointConfig(checkpoint);
    const differences = configDifferences(config, saved.model);
    if (differences.length) {
      throw new NsgenError(
        'INVALID_CONFIG',
        `cannot resume: the checkpoint was made for another model config (${differences.join('; ')})`,
        { where: checkpoint },
      );
    }
    trainer = await Trainer.resume(checkpoint, data, trainOptions);
    checkTokenizerMatches(tokenizer, config, {
      fingerprint: saved.tokenizerFingerprint,
      where: options.tokenizer,
    });
  } else {
    trainer = Trainer.create(
      LlamaModel.init(config, { seed: options.seed ?? 1 }),
      tokenizer,
      data,
      trainOptions,
    );
  }
  const result = await trainer.run();
  trainer.dispose();
  return {
    ...result,
    backend,
    parameters: countParameters(trainer.model),
    trainTokens: train.length,
    unigramBaseline: unigramCrossEntropy(train, evaluation, tokenizer.vocabSize),
  };
}

/**
 * Supervised fine-tuning from a checkpoint on prompt/response pairs (a JSONL file and/or
 * benchmark tasks with reference solutions). Every tenth pair (at least one) is held out.
 */
export async function sftFromFiles(
  options: RecipeOptions & { from: string; data?: string; tasks?: Task[] },
): Promise<RecipeResult> {
  const backend = await useBackend(options.backend ?? 'auto', threadsOf(options));
  const pairs: PromptResponse[] = [
    ...(options.data ? await readPromptResponseFile(options.data) : []),
    ...tasksToPairs(options.tasks ?? []),
  ];
  if (pairs.length < 2) {
    throw new NsgenError('INVALID_DATA', `SFT needs at least two prompt/response pairs, got ${pairs.length}`);
  }
  const evaluation = pairs.filter((_, index) => index % 10 === 9);
  if (evaluation.length === 0) evaluation.push(pairs.at(-1) as PromptResponse);
  const train = pairs.filter((pair) => !evaluation.includes(pair));
  const checkpoint = join(options.out, 'checkpoint');
  const resume = options.resume && (await exists(checkpoint));
  const saved = await loadCheckpoint(resume ? checkpoint : options.from);
  const data = new PromptResponseData(
    saved.tokenizer,
    { train, evaluation },
    saved.config.model.contextLength,
    options.seed ?? 1,
  );
  const trainOptions: TrainOptions = { ...options, outDir: options.out };
  let trainer: Trainer;
  if (resume) {
    saved.model.dispose();
    trainer = await Trainer.resume(checkpoint, data, trainOptions);
  } else trainer = Trainer.create(saved.model, saved.tokenizer, data, trainOptions);
  const result = await trainer.run();
  trainer.dispose();
  return { ...result, backend, parameters: countParameters(trainer.model), trainTokens: data.trainTokens };
}

function threadsOf(options: RecipeOptions): { threads?: number } {
  return options.threads !== undefined ? { threads: options.threads } : {};
}

function countParameters(model: LlamaModel): number {
  let total = 0;
  for (const variable of model.weights.values()) total += variable.size;
  return total;
}
