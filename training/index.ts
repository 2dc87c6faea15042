/**
 * In-process training: the data engine, the byte-level BPE tokenizer, a Llama-shaped
 * TensorFlow.js transformer, pretraining and SFT, checkpoints, generation (the
 * `tfjs:CHECKPOINT_DIR` language model) and GGUF export.
 */

export {
  type BuildCorpusOptions,
  buildCorpus,
  type CorpusRecord,
  type CorpusReport,
  type Rejection,
  SHARD_FORMATS,
  type ShardFormat,
} from './data/build.js';
export {
  type CollectedFile,
  parseSourceSpec,
  SOURCE_KINDS,
  type SourceKind,
  type SourceSpec,
} from './data/collectors.js';
export { contentHash, NearDuplicateIndex } from './data/dedup.js';
export { DEFAULT_LICENSE_ALLOW_LIST, licenseAllowed, licenseFromText, validSpdx } from './data/license.js';
export {
  DEFAULT_QUALITY_LIMITS,
  findSecrets,
  type QualityLimits,
  type RejectReason,
} from './data/quality.js';
export { GGUF_TYPES, type GgufType, writeGguf } from './export/gguf.js';
export { type DecodeOptions, type DecodeResult, decode } from './generate/sampler.js';
export { TfjsLanguageModel, type TfjsModelOptions, tfjsProvider } from './generate/tfjs-language-model.js';
export { BACKENDS, type BackendName, parseBackend, useBackend } from './model/backend.js';
export {
  CHECKPOINT_FILES,
  type CheckpointConfig,
  checkTokenizerMatches,
  loadCheckpoint,
  readCheckpointConfig,
  saveCheckpoint,
  type TrainingKind,
} from './model/checkpoint.js';
export {
  MODEL_SIZES,
  type ModelConfig,
  type ModelSize,
  modelConfig,
  parameterCount,
  validateConfig,
} from './model/config.js';
export { type KvCache, LlamaModel, type WeightMap } from './model/llama.js';
export { readSafetensors, writeSafetensors } from './model/safetensors.js';
export {
  ByteBpeTokenizer,
  DEFAULT_SPECIAL_TOKENS,
  SPECIAL_TOKENS,
  type TokenizerFile,
} from './tokenizer/bpe.js';
export { AdamW, type AdamWOptions, learningRateAt } from './train/adamw.js';
export {
  type Batch,
  type PromptResponse,
  PromptResponseData,
  readDocuments,
  readPromptResponseFile,
  sftPrompt,
  TokenStreamData,
  type TrainingData,
  tasksToPairs,
  tokenStreams,
  unigramCrossEntropy,
} from './train/data.js';
export {
  batchLoss,
  evaluate,
  type StepMetrics,
  Trainer,
  type TrainOptions,
  type TrainResult,
} from './train/trainer.js';
