export { parseHumanEval } from './humaneval.js';
export { declaredFunction, parseHumanEvalJs, THROWING_CONSOLE_ASSERT } from './humaneval-js.js';
export { parseHumanEvalTs } from './humaneval-ts.js';
export { bundledDatasetFile, isDatasetName, type LoadDatasetOptions, loadDataset } from './load-dataset.js';
export { type MbppOptions, mbppEntryPoint, mbppPrompt, parseMbpp } from './mbpp.js';
export { type BenchmarkMetadata, DATASETS, type DatasetName } from './metadata.js';
export { readUtf8File } from './read-text-file.js';
export { requiredNpmPackages } from './required-packages.js';
