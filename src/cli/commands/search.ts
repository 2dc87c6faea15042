import {
  type Fusion,
  HybridRetriever,
  RepositoryIndex,
  type RetrievalMode,
  type SearchResult,
} from '../../../rag/index.js';
import { NsgenError, readEnv } from '../../core/index.js';
import { readUtf8File } from '../../eval/index.js';
import { printResult } from '../output.js';
import { openGraphStore } from './retrieval-backends.js';

export interface SearchCommandOptions {
  index: string;
  k: number;
  mode: RetrievalMode;
  /** Default: the retriever's (learned where the embedder has a ranker, else score). */
  fusion?: Fusion;
  queries?: string;
  graph?: string;
  json?: boolean;
}

/** One query (QUERY) or a batch (--queries FILE.jsonl with `id` and `query` per line). */
export async function searchCommand(query: string | undefined, options: SearchCommandOptions): Promise<void> {
  if ((query === undefined) === (options.queries === undefined)) {
    throw new NsgenError('INVALID_ARGUMENT', 'give either a QUERY or --queries FILE.jsonl');
  }
  const graph = await openGraphStore(options.graph);
  try {
    const apiKey = readEnv('OPENAI_API_KEY');
    const index = await RepositoryIndex.load(options.index, {
      graph,
      ...(apiKey !== undefined ? { apiKey } : {}),
    });
    const retriever = new HybridRetriever(index);
    const run = async (text: string) =>
      (
        await retriever.search(text, {
          k: options.k,
          mode: options.mode,
          ...(options.fusion ? { fusion: options.fusion } : {}),
        })
      ).map(({ path, name, startLine, endLine, score, kind }) => ({
        path,
        name,
        kind,
        startLine,
        endLine,
        score,
      }));
    if (query !== undefined) {
      const results = await run(query);
      printResult(results, options.json === true, () => render(results));
      return;
    }
    for (const { id, query: text } of await readQueries(options.queries!)) {
      const results = await run(text);
      printResult({ id, results }, options.json === true, () => `== ${id}: ${text}\n${render(results)}`);
    }
  } finally {
    await graph.close();
  }
}

async function readQueries(file: string): Promise<Array<{ id: string; query: string }>> {
  const lines = (await readUtf8File(file)).split('\n');
  const queries: Array<{ id: string; query: string }> = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: { id?: unknown; query?: unknown };
    try {
      value = JSON.parse(line) as typeof value;
    } catch (error) {
      throw new NsgenError('INVALID_DATA', `not JSON: ${String(error)}`, {
        where: `${file}:${i + 1}`,
        cause: error,
      });
    }
    if (typeof value.query !== 'string' || (typeof value.id !== 'string' && typeof value.id !== 'number')) {
      throw new NsgenError('INVALID_DATA', 'each line needs "id" and a string "query"', {
        where: `${file}:${i + 1}`,
      });
    }
    queries.push({ id: String(value.id), query: value.query });
  });
  return queries;
}

function render(results: ReadonlyArray<Omit<SearchResult, 'id'>>): string {
  if (results.length === 0) return '(no results)';
  return results
    .map(
      (result) =>
        `${result.score.toFixed(4)}  ${result.path}:${result.startLine}-${result.endLine}  ${result.name}`,
    )
    .join('\n');
}
