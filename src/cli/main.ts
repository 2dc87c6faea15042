#!/usr/bin/env node
/**
 * The `nsgen` command: a thin shell over the SDK. Every command takes `--json` (only JSON
 * on stdout) and exits 2 on bad input, 1 on a failed run or check.
 */
import { Command, CommanderError } from 'commander';
import { FUSIONS, RETRIEVAL_MODES } from '../../rag/hybrid-retriever.js';
import { LANGUAGES, MODES, NsgenError } from '../core/index.js';
import { DATASETS } from '../eval/index.js';
import { SANDBOXES } from '../index.js';
import { registerDataCommand } from './commands/data.js';
import { evalCommand } from './commands/eval.js';
import { execCommand } from './commands/exec.js';
import { registerExportCommand } from './commands/export.js';
import { registerGenerateCommand } from './commands/generate.js';
import { indexCommand } from './commands/index.js';
import { repoMapCommand } from './commands/repomap.js';
import { searchCommand } from './commands/search.js';
import { registerTrainCommand } from './commands/train.js';
import { verifyCommand } from './commands/verify.js';
import { EXIT_BAD_INPUT, reportError } from './output.js';
import { choiceOption, integerOption, kListOption } from './parse-options.js';

const program = new Command('nsgen')
  .description('Neuro-symbolic code generation with verification')
  .showHelpAfterError()
  .exitOverride();

function addRunOptions(command: Command): Command {
  return command
    .option(
      '--model <spec>',
      'replay:canonical | replay:PATH.jsonl | openai:MODEL@BASE_URL | none (symbolic mode)',
    )
    .option('--mode <mode>', `one of ${MODES.join(', ')}`, choiceOption(MODES), 'neural')
    .option('--samples <n>', 'candidates sampled per task (replay: every recorded sample)', integerOption(1))
    .option('--k <list>', 'k values of pass@k, e.g. 1,10', kListOption, [1])
    .option('--repair <rounds>', 'repair rounds while nothing passes', integerOption(0), 0)
    .option('--sandbox <name>', `one of ${SANDBOXES.join(', ')}`, 'process')
    .option('--concurrency <n>', 'tasks in flight at once', integerOption(1), 1)
    .option('--timeout-ms <n>', 'wall-clock limit of one test run', integerOption(1))
    .option('--show-tests', "show the task's tests in the model's prompt")
    .option('--out <dir>', 'folder for journal.jsonl, report.json and report.html')
    .option('--resume', 'continue the run whose journal is in --out')
    .option('--json', 'print the report as JSON on stdout');
}

addRunOptions(
  program
    .command('eval')
    .description('evaluate a model on a benchmark or a task file')
    .requiredOption('--dataset <name>', `one of ${DATASETS.join(', ')}`)
    .option('--data-file <path>', 'the dataset file (required for --dataset tasks)'),
).action((options) => evalCommand(options));

addRunOptions(
  program
    .command('run')
    .description('solve the tasks of a task file (JSONL)')
    .argument('<tasks>', 'task file'),
).action((tasks: string, options) => evalCommand({ ...options, dataset: 'tasks', dataFile: tasks }));

program
  .command('exec')
  .description('run one program in the sandbox')
  .argument('<file>', 'the program')
  .requiredOption('--language <language>', `one of ${LANGUAGES.join(', ')}`, choiceOption(LANGUAGES))
  .option('--sandbox <name>', `one of ${SANDBOXES.join(', ')}`, 'process')
  .option('--timeout-ms <n>', 'wall-clock limit', integerOption(1))
  .option('--memory-mb <n>', 'memory limit', integerOption(16))
  .option('--stdin <file>', 'a file fed to the program on stdin')
  .option('--json', 'print the result as JSON on stdout')
  .action((file: string, options) => execCommand(file, options));

program
  .command('verify')
  .description('run every verifier on one candidate program')
  .requiredOption('--task <file>', 'the task (JSON, or JSONL with one task)')
  .requiredOption('--code <file>', 'the candidate program')
  .option('--sandbox <name>', `one of ${SANDBOXES.join(', ')}`, 'process')
  .option('--timeout-ms <n>', 'wall-clock limit of the test run', integerOption(1))
  .option('--json', 'print the verdicts as JSON on stdout')
  .action((options) => verifyCommand(options));

program
  .command('index')
  .description('index a repository for retrieval (updates an existing index incrementally)')
  .argument('<dir>', 'the repository')
  .requiredOption('--out <dir>', 'the index folder')
  .option(
    '--graph <url>',
    'a Neo4j for the code graph: neo4j://[user:password@]host:port (or NEO4J_PASSWORD)',
  )
  .option(
    '--vectors <kind>',
    'auto | flat | faiss-flat | faiss-ivf | faiss-hnsw',
    choiceOption(['auto', 'flat', 'faiss-flat', 'faiss-ivf', 'faiss-hnsw'] as const),
    'auto',
  )
  .option(
    '--embedder <spec>',
    "learned[:DIR] | hashed[:DIM] | openai:MODEL@BASE_URL#DIM (default: the saved index's, else learned)",
  )
  .option('--json', 'print the report as JSON on stdout')
  .action((dir: string, options) => indexCommand(dir, options));

program
  .command('search')
  .description('search an index: one QUERY, or --queries FILE.jsonl')
  .argument('[query]', 'what to look for')
  .requiredOption('--index <dir>', 'the index folder (nsgen index)')
  .option('--k <n>', 'results per query', integerOption(1), 10)
  .option(
    '--mode <mode>',
    `one of ${RETRIEVAL_MODES.join(', ')}`,
    choiceOption(RETRIEVAL_MODES),
    'hybrid-graph',
  )
  .option(
    '--fusion <fusion>',
    `one of ${FUSIONS.join(', ')} (default: learned where the embedder has a ranker, else score)`,
    choiceOption(FUSIONS),
  )
  .option('--queries <file>', 'JSONL with "id" and "query" per line')
  .option('--graph <url>', 'expand along this Neo4j graph instead of the in-memory one')
  .option('--json', 'print JSON: the results, or one line per query with --queries')
  .action((query: string | undefined, options) => searchCommand(query, options));

program
  .command('repomap')
  .description("a map of a repository's most used symbols within a token budget")
  .argument('<dir>', 'the repository')
  .option('--tokens <n>', 'token budget', integerOption(1), 1024)
  .option('--focus <paths...>', 'files the map centres on (personalised PageRank)')
  .option('--json', 'print the map as JSON on stdout')
  .action((dir: string, options) => repoMapCommand(dir, options));

registerDataCommand(program);
registerTrainCommand(program);
registerGenerateCommand(program);
registerExportCommand(program);

const json = process.argv.includes('--json');
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander has already printed its message.
    if (error.exitCode !== 0) {
      if (json)
        process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
      process.exitCode = EXIT_BAD_INPUT;
    }
  } else {
    reportError(
      error instanceof Error || error instanceof NsgenError ? error : new Error(String(error)),
      json,
    );
  }
}
