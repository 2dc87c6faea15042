import { join } from 'node:path';
import { NsgenError, packageRoot, parseTaskFile, type Task } from '../../core/index.js';
import { parseHumanEval } from './humaneval.js';
import { parseHumanEvalJs } from './humaneval-js.js';
import { parseHumanEvalTs } from './humaneval-ts.js';
import { parseMbpp } from './mbpp.js';
import { DATASETS, type DatasetName } from './metadata.js';
import { readUtf8File } from './read-text-file.js';
import { loadSygus } from './sygus.js';

export interface LoadDatasetOptions {
  /** One of `DATASETS`. */
  name: string;
  /**
   * The file to read instead of the bundled one; required for `tasks`.
   * @example 'data/mbpp/sanitized-mbpp-dev.jsonl'
   */
  file?: string;
  /**
   * MBPP: also run each task's `challenge_test_list`.
   * @default false
   */
  includeChallengeTests?: boolean;
}

/** The bundled files under `data/`, relative to the package root. */
const BUNDLED_FILES: Record<Exclude<DatasetName, 'tasks'>, string> = {
  humaneval: 'data/humaneval/HumanEval.jsonl',
  mbpp: 'data/mbpp/mbpp-dev.jsonl',
  'humaneval-js': 'data/humaneval-js/humaneval_js.jsonl',
  'humaneval-ts': 'data/humaneval-ts/HumanEval_typescript_v1.jsonl',
  sygus: 'data/sygus-pbe',
};

export function isDatasetName(name: string): name is DatasetName {
  return (DATASETS as readonly string[]).includes(name);
}

/** The file `loadDataset` reads for a dataset when no `file` is given. */
export function bundledDatasetFile(name: Exclude<DatasetName, 'tasks'>): string {
  return join(packageRoot(), BUNDLED_FILES[name]);
}

/**
 * Loads a benchmark as tasks whose `tests`, appended to a candidate's code after a newline,
 * make the benchmark's official test program.
 */
export async function loadDataset(options: LoadDatasetOptions): Promise<Task[]> {
  const { name } = options;
  if (!isDatasetName(name)) {
    throw new NsgenError(
      'UNKNOWN_DATASET',
      `unknown dataset "${name}"; expected one of: ${DATASETS.join(', ')}`,
    );
  }
  if (name === 'tasks') {
    if (options.file === undefined) {
      throw new NsgenError('INVALID_ARGUMENT', 'the dataset "tasks" needs a task file (--data-file PATH)');
    }
    return parseTaskFile(await readUtf8File(options.file), options.file);
  }
  const file = options.file ?? bundledDatasetFile(name);
  // A SyGuS dataset is a .sl file or a folder of them.
  if (name === 'sygus') return loadSygus(file);
  const text = await readUtf8File(file);
  switch (name) {
    case 'humaneval':
      return parseHumanEval(text, file);
    case 'mbpp':
      return parseMbpp(text, file, { includeChallengeTests: options.includeChallengeTests ?? false });
    case 'humaneval-js':
      return parseHumanEvalJs(text, file);
    case 'humaneval-ts':
      return parseHumanEvalTs(text, file);
  }
}
