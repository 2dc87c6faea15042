/** `nsgen data build`: the training data engine over source trees on disk. */
import type { Command } from 'commander';
import { printResult } from '../output.js';
import { integerOption } from '../parse-options.js';

function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerDataCommand(program: Command): void {
  program
    .command('data')
    .description('build training corpora')
    .command('build')
    .description('collect, filter, deduplicate and shard source code (JSONL and Parquet) with a report')
    .requiredOption(
      '--source <kind:path>',
      'repo:DIR, npm:NODE_MODULES or python:LIB_DIR (repeatable)',
      collectList,
    )
    .requiredOption('--out <dir>', 'folder for shards and report.json')
    .option('--allow <licenses>', 'comma-separated SPDX allow-list (default: permissive licenses)')
    .option('--format <list>', 'jsonl, parquet or both', 'jsonl,parquet')
    .option('--shard-size <n>', 'records per shard', integerOption(1), 10_000)
    .option('--max-files <n>', 'stop after this many kept files', integerOption(1))
    .option('--json', 'print the report (without the per-file rejections) as JSON on stdout')
    .action(
      async (options: {
        source: string[];
        out: string;
        allow?: string;
        format: string;
        shardSize: number;
        maxFiles?: number;
        json?: boolean;
      }) => {
        const { buildCorpus } = await import('../../../training/data/build.js');
        const { parseSourceSpec } = await import('../../../training/data/collectors.js');
        const report = await buildCorpus({
          sources: options.source.map(parseSourceSpec),
          outDir: options.out,
          formats: options.format.split(',').map((format) => format.trim()) as ('jsonl' | 'parquet')[],
          shardSize: options.shardSize,
          ...(options.allow ? { allowLicenses: options.allow.split(',').map((id) => id.trim()) } : {}),
          ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
        });
        const { rejections, ...summary } = report;
        printResult(summary, options.json === true, () =>
          [
            `kept ${report.kept} of ${report.seen} files (${(report.keptBytes / 1024).toFixed(0)} KiB); rejected ${report.rejected}`,
            ...Object.entries(report.rejectedByReason).map(
              ([reason, count]) => `  rejected ${reason}: ${count}`,
            ),
            ...Object.entries(report.keptByLicense).map(([license, count]) => `  kept ${license}: ${count}`),
            `shards: ${report.shards.join(', ')}`,
            `report (every rejection with its reason): ${options.out}/report.json`,
          ].join('\n'),
        );
      },
    );
}
