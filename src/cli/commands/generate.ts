/** `nsgen generate`: sample from a model spec (typically `tfjs:CHECKPOINT_DIR`). */
import type { Command } from 'commander';
import { NsgenError } from '../../core/index.js';
import { readUtf8File } from '../../eval/index.js';
import { resolveModel, withTfjsProvider } from '../../index.js';
import { printResult } from '../output.js';
import { integerOption } from '../parse-options.js';
import { numberOption } from './train.js';

function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('generate text with a model (tfjs:CHECKPOINT_DIR, or a bare checkpoint folder)')
    .requiredOption('--model <spec>', 'tfjs:CHECKPOINT_DIR | openai:MODEL@BASE_URL | CHECKPOINT_DIR')
    .option('--prompt <text>', 'the prompt')
    .option('--prompt-file <file>', 'read the prompt from a file')
    .option('--max-tokens <n>', 'tokens to generate', integerOption(1), 128)
    .option('--temperature <t>', '0 is greedy', numberOption(0, 10), 0)
    .option('--top-p <p>', 'nucleus sampling mass', numberOption(0, 1), 0.95)
    .option('--stop <text>', 'stop sequence (repeatable)', collectList)
    .option('--n <n>', 'samples', integerOption(1), 1)
    .option('--json', 'print the samples as JSON on stdout')
    .action(
      async (options: {
        model: string;
        prompt?: string;
        promptFile?: string;
        maxTokens: number;
        temperature: number;
        topP: number;
        stop?: string[];
        n: number;
        json?: boolean;
      }) => {
        const prompt = options.promptFile ? await readUtf8File(options.promptFile) : options.prompt;
        if (prompt === undefined)
          throw new NsgenError('INVALID_ARGUMENT', 'give --prompt TEXT or --prompt-file FILE');
        const spec = options.model.includes(':') ? options.model : `tfjs:${options.model}`;
        const model = resolveModel(spec, withTfjsProvider());
        const result = await model.generate({
          prompt,
          n: options.n,
          maxTokens: options.maxTokens,
          temperature: options.temperature,
          topP: options.topP,
          ...(options.stop ? { stop: options.stop } : {}),
        });
        for (const warning of result.warnings) process.stderr.write(`nsgen: warning: ${warning}\n`);
        printResult({ model: model.spec, ...result }, options.json === true, () =>
          result.samples.map((sample) => sample.text).join('\n---\n'),
        );
      },
    );
}
