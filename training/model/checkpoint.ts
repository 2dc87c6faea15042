/**
 * Checkpoint folders: `config.json` (model config, tokenizer fingerprint, what trained it),
 * `model.safetensors`, `tokenizer.json`, and for training checkpoints `optimizer.safetensors`
 * and `trainer-state.json` so that a run resumes where it stopped.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NsgenError } from '../../src/core/index.js';
import { ByteBpeTokenizer } from '../tokenizer/bpe.js';
import { configDifferences, type ModelConfig, validateConfig } from './config.js';
import { LlamaModel, type WeightMap } from './llama.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

export const CHECKPOINT_FILES = {
  config: 'config.json',
  weights: 'model.safetensors',
  tokenizer: 'tokenizer.json',
  optimizer: 'optimizer.safetensors',
  trainerState: 'trainer-state.json',
} as const;

/** How the model was trained: SFT models wrap prompts in the prompt/code template. */
export type TrainingKind = 'pretrain' | 'sft';

export interface CheckpointConfig {
  format: 'nsgen-checkpoint';
  version: 1;
  model: ModelConfig;
  kind: TrainingKind;
  /** sha256 of the tokenizer's vocabulary and merges: a different tokenizer is refused. */
  tokenizerFingerprint: string;
  step: number;
}

export interface SavedCheckpoint {
  config: CheckpointConfig;
  model: LlamaModel;
  tokenizer: ByteBpeTokenizer;
  optimizer?: WeightMap;
  trainerState?: Record<string, unknown>;
}

export function tokenizerFingerprint(tokenizer: ByteBpeTokenizer): string {
  return createHash('sha256')
    .update(JSON.stringify([tokenizer.vocab, tokenizer.merges, tokenizer.specialTokens]))
    .digest('hex');
}

/** Throws when a tokenizer cannot drive a model (vocabulary size or fingerprint differ). */
export function checkTokenizerMatches(
  tokenizer: ByteBpeTokenizer,
  model: ModelConfig,
  options: { fingerprint?: string; where: string },
): void {
  if (tokenizer.vocabSize !== model.vocabSize) {
    throw new NsgenError(
      'INVALID_CONFIG',
      `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${model.vocabSize}: they do not belong together`,
      { where: options.where },
    );
  }
  if (options.fingerprint !== undefined && tokenizerFingerprint(tokenizer) !== options.fingerprint) {
    throw new NsgenError(
      'INVALID_CONFIG',
      'the tokenizer is not the one the model was trained with (its vocabulary or merges differ)',
      { where: options.where },
    );
  }
}

export async function saveCheckpoint(
  dir: string,
  input: {
    model: LlamaModel;
    tokenizer: ByteBpeTokenizer;
    kind: TrainingKind;
    step: number;
    optimizer?: WeightMap;
    trainerState?: Record<string, unknown>;
  },
): Promise<void> {
  // Written to a sibling folder first, then renamed: a crash never leaves half a checkpoint.
  const staging = `${dir}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const config: CheckpointConfig = {
    format: 'nsgen-checkpoint',
    version: 1,
    model: input.model.config,
    kind: input.kind,
    tokenizerFingerprint: tokenizerFingerprint(input.tokenizer),
    step: input.step,
  };
  await writeFile(join(staging, CHECKPOINT_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  await writeSafetensors(join(staging, CHECKPOINT_FILES.weights), await input.model.readWeights(), {
    format: 'pt',
  });
  await input.tokenizer.save(join(staging, CHECKPOINT_FILES.tokenizer));
  if (input.optimizer) await writeSafetensors(join(staging, CHECKPOINT_FILES.optimizer), input.optimizer);
  if (input.trainerState) {
    await writeFile(join(staging, CHECKPOINT_FILES.trainerState), `${JSON.stringify(input.trainerState)}\n`);
  }
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
}

export async function readCheckpointConfig(dir: string): Promise<CheckpointConfig> {
  const path = join(dir, CHECKPOINT_FILES.config);
  let parsed: CheckpointConfig;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new NsgenError('INVALID_DATA', 'not a checkpoint folder (config.json is missing or not JSON)', {
      where: path,
      cause: error,
    });
  }
  if (parsed.format !== 'nsgen-checkpoint') {
    throw new NsgenError('INVALID_DATA', 'config.json is not an nsgen checkpoint config', { where: path });
  }
  validateConfig(parsed.model, path);
  return parsed;
}

/**
 * Loads a checkpoint. With `expect`, a checkpoint of another model config is refused
 * with the differing fields; `tokenizerPath` replaces the checkpoint's own tokenizer and
 * must match it.
 */
export async function loadCheckpoint(
  dir: string,
  options: { expect?: ModelConfig; tokenizerPath?: string; training?: boolean } = {},
): Promise<SavedCheckpoint> {
  const config = await readCheckpointConfig(dir);
  if (options.expect) {
    const differences = configDifferences(options.expect, config.model);
    if (differences.length) {
      throw new NsgenError(
        'INVALID_CONFIG',
        `the checkpoint was made for another model config (${differences.join('; ')})`,
        { where: dir },
      );
    }
  }
  const tokenizerPath = options.tokenizerPath ?? join(dir, CHECKPOINT_FILES.tokenizer);
  const tokenizer = await ByteBpeTokenizer.load(tokenizerPath);
  checkTokenizerMatches(tokenizer, config.model, {
    fingerprint: config.tokenizerFingerprint,
    where: tokenizerPath,
  });
  const { tensors } = await readSafetensors(join(dir, CHECKPOINT_FILES.weights));
  const model = LlamaModel.fromWeights(config.model, tensors, join(dir, CHECKPOINT_FILES.weights));
  const result: SavedCheckpoint = { config, model, tokenizer };
  if (options.training) {
    const optimizerPath = join(dir, CHECKPOINT_FILES.optimizer);
    if (await exists(optimizerPath)) result.optimizer = (await readSafetensors(optimizerPath)).tensors;
    const statePath = join(dir, CHECKPOINT_FILES.trainerState);
    if (await exists(statePath)) result.trainerState = JSON.parse(await readFile(statePath, 'utf8'));
  }
  return result;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
