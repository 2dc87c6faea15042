import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type IndexReport,
  RepositoryIndex,
  resolveEmbedder,
  type VectorIndexChoice,
} from '../../../rag/index.js';
import { NsgenError, readEnv } from '../../core/index.js';
import { printResult } from '../output.js';
import { openGraphStore } from './retrieval-backends.js';

export interface IndexCommandOptions {
  out: string;
  graph?: string;
  vectors: VectorIndexChoice;
  embedder?: string;
  json?: boolean;
}

/**
 * Indexes DIR into --out. An index already there (same format version) is updated in
 * place: only changed files are re-chunked and re-embedded.
 */
export async function indexCommand(dir: string, options: IndexCommandOptions): Promise<void> {
  const root = resolve(dir);
  const info = await stat(root).catch((error: unknown) => {
    throw new NsgenError('INVALID_ARGUMENT', `cannot read the folder to index: ${String(error)}`, {
      where: dir,
      cause: error,
    });
  });
  if (!info.isDirectory()) throw new NsgenError('INVALID_ARGUMENT', 'not a folder', { where: dir });
  const graph = await openGraphStore(options.graph);
  try {
    const apiKey = readEnv('OPENAI_API_KEY');
    let index: RepositoryIndex | undefined;
    const warnings: string[] = [];
    if (existsSync(join(options.out, 'manifest.json'))) {
      try {
        index = await RepositoryIndex.load(options.out, {
          graph,
          ...(apiKey !== undefined ? { apiKey } : {}),
        });
        // Another embedder asked for: the vectors are rebuilt with it.
        if (options.embedder !== undefined && index.embedder.spec !== options.embedder) index = undefined;
      } catch (error) {
        warnings.push(`rebuilding: ${error instanceof Error ? error.message : String(error)}`);
        index = undefined;
      }
    }
    index ??= new RepositoryIndex({
      embedder: resolveEmbedder(options.embedder ?? 'learned', apiKey !== undefined ? { apiKey } : {}),
      vectorIndex: options.vectors,
      graph,
    });
    const started = performance.now();
    const report: IndexReport = await index.update(root);
    await index.save(options.out);
    const seconds = (performance.now() - started) / 1000;
    const result = {
      ...report,
      warnings: [...warnings, ...report.warnings],
      out: options.out,
      graph: graph.name,
      seconds,
    };
    printResult(result, options.json === true, () =>
      [
        ...result.warnings.map((warning) => `warning: ${warning}`),
        ...report.skipped.map(
          (skip) => `skipped ${skip.path}: ${skip.reason}${skip.detail ? ` (${skip.detail})` : ''}`,
        ),
        `${report.files} files, ${report.chunks} chunks (${report.added} added, ${report.changed} changed, ${report.removed} removed, ${report.unchanged} unchanged) in ${seconds.toFixed(1)} s → ${options.out}`,
      ].join('\n'),
    );
  } finally {
    await graph.close();
  }
}
