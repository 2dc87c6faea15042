/**
 * `nsgen train tokenizer|pretrain|sft`: thin shells over training/'s recipes. TensorFlow.js
 * loads only when one of these commands runs.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { NsgenError } from '../../core/index.js';
import { loadDataset } from '../../eval/index.js';
import { printResult } from '../output.js';
import { integerOption } from '../parse-options.js';

/** A commander parser for finite numbers within [min, max]. */
export function numberOption(min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}], got "${value}"`);
    }
    return number;
  };
}

function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface CommonTrainOptions {
  out: string;
  steps: number;
  batchSize: number;
  gradAccumulation: number;
  learningRate?: number;
  warmupSteps?: number;
  weightDecay?: number;
  clipNorm?: number;
  evalEvery?: number;
  backend: string;
  threads?: number;
  seed: number;
  resume?: boolean;
  json?: boolean;
}

function addTrainOptions(command: Command): Command {
  return command
    .requiredOption('--out <dir>', 'output folder: checkpoint/ and metrics.jsonl')
    .option('--steps <n>', 'optimizer steps (the schedule length)', integerOption(1), 1000)
    .option('--batch-size <n>', 'sequences per micro-batch', integerOption(1), 8)
    .option('--grad-accumulation <n>', 'micro-batches per update', integerOption(1), 1)
    .option('--learning-rate <lr>', 'peak learning rate (default 3e-3)', numberOption(0, 1))
    .option('--warmup-steps <n>', 'linear warm-up steps', integerOption(0))
    .option('--weight-decay <wd>', 'AdamW decoupled weight decay (default 0.1)', numberOption(0, 1))
    .option('--clip-norm <norm>', 'global gradient-norm clip (default 1)', numberOption(0))
    .option('--eval-every <n>', 'evaluate and checkpoint every n steps (default 50)', integerOption(1))
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
    .option(
      '--threads <n>',
      'threads per op on the tensorflow backend (default: all cores; 1 is faster for models of a few million parameters)',
      integerOption(1),
    )
    .option('--seed <n>', 'seed of initialisation and data order', integerOption(0), 1)
    .option('--resume', 'continue from OUT/checkpoint')
    .option('--json', 'print the result as JSON on stdout');
}

async function trainSettings(options: CommonTrainOptions) {
  const { parseBackend } = await import('../../../training/model/backend.js');
  return {
    out: options.out,
    steps: options.steps,
    batchSize: options.batchSize,
    gradAccumulation: options.gradAccumulation,
    ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
    ...(options.warmupSteps !== undefined ? { warmupSteps: options.warmupSteps } : {}),
    ...(options.weightDecay !== undefined ? { weightDecay: options.weightDecay } : {}),
    ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}),
    ...(options.evalEvery !== undefined ? { evalEvery: options.evalEvery } : {}),
    backend: parseBackend(options.backend),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    seed: options.seed,
    resume: options.resume === true,
    ...(process.stderr.isTTY ? { progress: process.stderr } : {}),
  };
}

function summary(result: {
  steps: number;
  finalEvalLoss: number;
  finalPerplexity: number;
  tokensPerSecond: number;
  backend: string;
  parameters: number;
  checkpoint?: string;
  unigramBaseline?: number;
}): string {
  const baseline =
    result.unigramBaseline === undefined ? '' : ` (unigram baseline ${result.unigramBaseline.toFixed(3)})`;
  return [
    `${result.steps} steps on ${result.backend}, ${result.parameters.toLocaleString('en')} parameters, ${Math.round(result.tokensPerSecond)} tokens/s`,
    `eval loss ${result.finalEvalLoss.toFixed(4)}${baseline}, perplexity ${result.finalPerplexity.toFixed(2)}`,
    result.checkpoint ? `checkpoint: ${result.checkpoint}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function registerTrainCommand(program: Command): void {
  const train = program
    .command('train')
    .description('train a tokenizer, pretrain or fine-tune the in-process model');

  train
    .command('tokenizer')
    .description('train a byte-level BPE tokenizer on a corpus (shards or text files)')
    .requiredOption(
      '--data <path>',
      'a shard folder, a .jsonl shard or a text file (repeatable)',
      collectList,
    )
    .requiredOption('--out <file>', 'where to write tokenizer.json')
    .option(
      '--vocab-size <n>',
      'vocabulary size, bytes and special tokens included',
      integerOption(260),
      4096,
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(async (options: { data: string[]; out: string; vocabSize: number; json?: boolean }) => {
      const { trainTokenizerFromFiles } = await import('../../../training/train/recipes.js');
      const result = await trainTokenizerFromFiles(options);
      printResult(
        result,
        options.json === true,
        () =>
          `${result.vocabSize} tokens (${result.merges} merges) from ${result.documents} documents: ${result.path}`,
      );
    });

  addTrainOptions(
    train
      .command('pretrain')
      .description('pretrain a Llama-shaped model with next-token loss')
      .requiredOption(
        '--data <path>',
        'a shard folder, a .jsonl shard or a text file (repeatable)',
        collectList,
      )
      .requiredOption('--tokenizer <file>', 'tokenizer.json from nsgen train tokenizer')
      .option('--size <name>', 'toy | tiny | small | medium | base', 'tiny')
      .option('--context <n>', 'context length (overrides the size)', integerOption(8)),
  ).action(
    async (
      options: CommonTrainOptions & { data: string[]; tokenizer: string; size: string; context?: number },
    ) => {
      const { pretrainFromFiles } = await import('../../../training/train/recipes.js');
      const { MODEL_SIZES } = await import('../../../training/model/config.js');
      if (!(options.size in MODEL_SIZES)) {
        throw new NsgenError(
          'INVALID_ARGUMENT',
          `unknown size "${options.size}": one of ${Object.keys(MODEL_SIZES).join(', ')}`,
        );
      }
      const result = await pretrainFromFiles({
        ...(await trainSettings(options)),
        data: options.data,
        tokenizer: options.tokenizer,
        size: options.size as keyof typeof MODEL_SIZES,
        ...(options.context !== undefined ? { config: { contextLength: options.context } } : {}),
      });
      const { history, ...rest } = result;
      printResult(
        options.json ? { ...rest, lastSteps: history.slice(-5) } : result,
        options.json === true,
        () => summary(result),
      );
    },
  );

  addTrainOptions(
    train
      .command('sft')
      .description('supervised fine-tuning on prompt/response pairs (loss on the response only)')
      .requiredOption('--from <dir>', 'the checkpoint to start from')
      .option('--data <file>', 'prompt/response JSONL (prompt + response|completion|solution)')
      .option('--dataset <name>', 'benchmark tasks as prompt/solution pairs (humaneval, mbpp, ...)')
      .option('--data-file <path>', 'the dataset file (for --dataset tasks)'),
  ).action(
    async (
      options: CommonTrainOptions & { from: string; data?: string; dataset?: string; dataFile?: string },
    ) => {
      if (!options.data && !options.dataset) {
        throw new NsgenError('INVALID_ARGUMENT', 'give --data FILE.jsonl and/or --dataset NAME');
      }
      const { sftFromFiles } = await import('../../../training/train/recipes.js');
      const tasks = options.dataset
        ? await loadDataset({
            name: options.dataset,
            ...(options.dataFile ? { file: options.dataFile } : {}),
          })
        : [];
      const result = await sftFromFiles({
        ...(await trainSettings(options)),
        from: options.from,
        ...(options.data ? { data: options.data } : {}),
        tasks,
      });
      const { history, ...rest } = result;
      printResult(
        options.json ? { ...rest, lastSteps: history.slice(-5) } : result,
        options.json === true,
        () => summary(result),
      );
    },
  );
}
