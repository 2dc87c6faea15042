/**
 * The training loop shared by pretraining and SFT: masked next-token loss, gradient
 * accumulation, AdamW with warm-up and cosine decay, periodic evaluation (loss and
 * perplexity), checkpoints with optimizer state, a JSONL metrics log and a progress bar.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { NsgenError, throwIfAborted } from '../../src/core/index.js';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint.js';
import { crossEntropy } from '../model/fused-ops.js';
import type { LlamaModel } from '../model/llama.js';
import type { ByteBpeTokenizer } from '../tokenizer/bpe.js';
import { AdamW, type AdamWOptions, learningRateAt } from './adamw.js';
import type { Batch, TrainingData } from './data.js';

export interface TrainOptions extends AdamWOptions {
  /** Length of the schedule (warm-up plus cosine). */
  steps: number;
  /** Stop after this step (a pause; resume continues the same schedule). @default steps */
  stopAt?: number;
  /** Sequences per micro-batch. @default 8 */
  batchSize?: number;
  /** Micro-batches summed per update. @default 1 */
  gradAccumulation?: number;
  /** Peak learning rate. @default 3e-3 */
  learningRate?: number;
  /** @default learningRate / 10 */
  minLearningRate?: number;
  /** @default min(100, steps / 10) */
  warmupSteps?: number;
  /** Evaluate every n steps (and at the end). @default 50 */
  evalEvery?: number;
  /** @default 4 */
  evalBatches?: number;
  /** Folder for checkpoints (`OUT/checkpoint`) and `metrics.jsonl`. */
  outDir?: string;
  /** Save a checkpoint every n steps (and at the end, when outDir is set). @default evalEvery */
  checkpointEvery?: number;
  /** Print a progress bar on this stream (the CLI passes stderr). */
  progress?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface StepMetrics {
  step: number;
  loss: number;
  learningRate: number;
  gradNorm: number;
  tokens: number;
  tokensPerSecond: number;
  evalLoss?: number;
  perplexity?: number;
}

export interface TrainResult {
  steps: number;
  history: StepMetrics[];
  finalEvalLoss: number;
  finalPerplexity: number;
  tokensPerSecond: number;
  checkpoint?: string;
}

/** Mean masked cross-entropy of a batch. */
export function batchLoss(model: LlamaModel, batch: Batch): tf.Scalar {
  return tf.tidy(() => {
    const inputs = tf.tensor2d(batch.inputs, [batch.batchSize, batch.time], 'int32');
    return crossEntropy(model.logits(inputs), batch.targets, batch.mask);
  });
}

export function evaluate(model: LlamaModel, batches: Batch[]): number {
  let weighted = 0;
  let count = 0;
  for (const batch of batches) {
    const tokens = batch.mask.reduce((a, b) => a + b, 0);
    if (tokens === 0) continue;
    const loss = batchLoss(model, batch);
    weighted += (loss.dataSync()[0] as number) * tokens;
    loss.dispose();
    count += tokens;
  }
  return count === 0 ? Number.NaN : weighted / count;
}

export class Trainer {
  readonly optimizer: AdamW;
  /** Steps completed. */
  step = 0;

  private constructor(
    readonly model: LlamaModel,
    readonly tokenizer: ByteBpeTokenizer,
    private readonly data: TrainingData,
    private readonly options: TrainOptions,
  ) {
    this.optimizer = new AdamW(model.weights, options);
  }

  static create(
    model: LlamaModel,
    tokenizer: ByteBpeTokenizer,
    data: TrainingData,
    options: TrainOptions,
  ): Trainer {
    if (!Number.isInteger(options.steps) || options.steps <= 0) {
      throw new NsgenError('INVALID_ARGUMENT', `steps must be a positive integer, got ${options.steps}`);
    }
    if (tokenizer.vocabSize !== model.config.vocabSize) {
      throw new NsgenError(
        'INVALID_CONFIG',
        `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${model.config.vocabSize}`,
      );
    }
    return new Trainer(model, tokenizer, data, options);
  }

  /**
   * Continues a run from a training checkpoint: weights, optimizer moments and the step.
   * The caller builds `data` the same way (same seed) to see the same batches.
   */
  static async resume(dir: string, data: TrainingData, options: TrainOptions): Promise<Trainer> {
    const saved = await loadCheckpoint(dir, { training: true });
    if (!saved.optimizer || !saved.trainerState) {
      throw new NsgenError('INVALID_DATA', 'the checkpoint has no optimizer state: it cannot be resumed', {
        where: dir,
      });
    }
    const trainer = Trainer.create(saved.model, saved.tokenizer, data, options);
    trainer.optimizer.restore(saved.optimizer, dir);
    trainer.step = Number(saved.trainerState.step);
    return trainer;
  }

  private schedule() {
    const learningRate = this.options.learningRate ?? 3e-3;
    return {
      learningRate,
      minLearningRate: this.options.minLearningRate ?? learningRate / 10,
      warmupSteps:
        this.options.warmupSteps ?? Math.max(1, Math.min(100, Math.floor(this.options.steps / 10))),
      totalSteps: this.options.steps,
    };
  }

  /** One optimizer update (with accumulation); returns its metrics without evaluation. */
  trainStep(): Omit<StepMetrics, 'tokensPerSecond'> {
    const batchSize = this.options.batchSize ?? 8;
    const accumulation = this.options.gradAccumulation ?? 1;
    const variables = [...this.model.weights.values()];
    let summed: Record<string, tf.Tensor> = {};
    let lossSum = 0;
    let tokens = 0;
    for (let micro = 0; micro < accumulation; micro++) {
      const batch = this.data.trainBatch(this.step, micro, batchSize);
      tokens += batch.batchSize * batch.time;
      const { value, grads: byVariable } = tf.variableGrads(() => batchLoss(this.model, batch), variables);
      // variableGrads keys gradients by the engine's variable names; ours are the tensor names.
      const grads: Record<string, tf.Tensor> = {};
      for (const [name, variable] of this.model.weights) grads[name] = byVariable[variable.name] as tf.Tensor;
      lossSum += value.dataSync()[0] as number;
      value.dispose();
      if (micro === 0) summed = grads;
      else {
        const next: Record<string, tf.Tensor> = {};
        for (const [name, grad] of Object.entries(grads)) {
          next[name] = tf.add(summed[name] as tf.Tensor, grad);
          (summed[name] as tf.Tensor).dispose();
          grad.dispose();
        }
        summed = next;
      }
    }
    if (accumulation > 1) {
      const averaged = tf.tidy(() =>
        Object.fromEntries(Object.entries(summed).map(([n, g]) => [n, tf.div(g, accumulation)])),
      );
      tf.dispose(summed);
      summed = averaged;
    }
    const learningRate = learningRateAt(this.step, this.schedule());
    const gradNorm = this.optimizer.apply(summed, learningRate);
    tf.dispose(summed);
    this.step += 1;
    return { step: this.step, loss: lossSum / accumulation, learningRate, gradNorm, tokens };
  }

  evaluate(): number {
    return evaluate(
      this.model,
      this.data.evalBatches(this.options.batchSize ?? 8, this.options.evalBatches ?? 4),
    );
  }

  async saveCheckpoint(dir: string): Promise<void> {
    await saveCheckpoint(dir, {
      model: this.model,
      tokenizer: this.tokenizer,
      kind: this.data.kind,
      step: this.step,
      optimizer: await this.optimizer.state(),
      trainerState: { step: this.step, steps: this.options.steps },
    });
  }

  /** Trains until `stopAt` (or `steps`), evaluating, logging and checkpointing on the way. */
  async run(): Promise<TrainResult> {
    const stopAt = Math.min(this.options.stopAt ?? this.options.steps, this.options.steps);
    const evalEvery = this.options.evalEvery ?? 50;
    const checkpointEvery = this.options.checkpointEvery ?? evalEvery;
    const outDir = this.options.outDir;
    const checkpoint = outDir ? join(outDir, 'checkpoint') : undefined;
    if (outDir) await mkdir(outDir, { recursive: true });
    const history: StepMetrics[] = [];
    const started = performance.now();
    let trainedTokens = 0;
    let lastEval = Number.NaN;
    while (this.step < stopAt) {
      throwIfAborted(this.options.signal);
      const stepStarted = performance.now();
      const metrics: StepMetrics = { ...this.trainStep(), tokensPerSecond: 0 };
      metrics.tokensPerSecond = metrics.tokens / ((performance.now() - stepStarted) / 1000);
      trainedTokens += metrics.tokens;
      if (!Number.isFinite(metrics.loss)) {
        throw new NsgenError(
          'INTERNAL',
          `the loss became ${metrics.loss} at step ${metrics.step}: lower the learning rate`,
        );
      }
      if (metrics.step % evalEvery === 0 || metrics.step === stopAt) {
        lastEval = this.evaluate();
        metrics.evalLoss = lastEval;
        metrics.perplexity = Math.exp(lastEval);
      }
      history.push(metrics);
      if (outDir) await appendFile(join(outDir, 'metrics.jsonl'), `${JSON.stringify(metrics)}\n`);
      if (checkpoint && (metrics.step % checkpointEvery === 0 || metrics.step === stopAt)) {
        await this.saveCheckpoint(checkpoint);
      }
      this.options.progress?.write(progressLine(metrics, stopAt, lastEval));
    }
    this.options.progress?.write('\n');
    if (Number.isNaN(lastEval)) lastEval = this.evaluate();
    const seconds = (performance.now() - started) / 1000;
    return {
      steps: this.step,
      history,
      finalEvalLoss: lastEval,
      finalPerplexity: Math.exp(lastEval),
      tokensPerSecond: seconds > 0 ? trainedTokens / seconds : 0,
      ...(checkpoint ? { checkpoint } : {}),
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

function progressLine(metrics: StepMetrics, total: number, evalLoss: number): string {
  const width = 24;
  const filled = Math.round((metrics.step / total) * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  const evalPart = Number.isNaN(evalLoss) ? '' : ` eval ${evalLoss.toFixed(3)}`;
  return `\r[${bar}] ${metrics.step}/${total} loss ${metrics.loss.toFixed(3)}${evalPart} lr ${metrics.learningRate.toExponential(1)} ${Math.round(metrics.tokensPerSecond)} tok/s`;
}
