/** `nsgen export gguf`: a checkpoint as a llama.cpp GGUF file. */
import type { Command } from 'commander';
import { printResult } from '../output.js';
import { choiceOption } from '../parse-options.js';

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export a checkpoint')
    .command('gguf')
    .description('write a GGUF file (llama architecture, tokenizer included) for llama.cpp')
    .requiredOption('--checkpoint <dir>', 'the checkpoint folder')
    .requiredOption('--out <file>', 'the .gguf file')
    .option('--type <type>', 'f32 | f16', choiceOption(['f32', 'f16'] as const), 'f16')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (options: { checkpoint: string; out: string; type: 'f32' | 'f16'; json?: boolean }) => {
      const { loadCheckpoint } = await import('../../../training/model/checkpoint.js');
      const { writeGguf } = await import('../../../training/export/gguf.js');
      const { useBackend } = await import('../../../training/model/backend.js');
      await useBackend('auto');
      const { model, tokenizer, config } = await loadCheckpoint(options.checkpoint);
      const written = await writeGguf(options.out, {
        config: config.model,
        weights: await model.readWeights(),
        tokenizer,
        type: options.type,
      });
      const result = { path: options.out, type: options.type, ...written, vocabSize: tokenizer.vocabSize };
      printResult(
        result,
        options.json === true,
        () => `${options.out}: ${result.tensors} tensors, ${result.bytes} bytes (${options.type})`,
      );
    });
}
