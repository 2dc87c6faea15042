/**
 * The neural agent's retriever: for a task with `context.repo`, the repository's code most
 * relevant to the task (hybrid search with graph expansion) as prompt context within a
 * token budget. A saved index in `REPO/.nsgen-index` (or the folder given) is used when
 * present; otherwise the repository is indexed in memory once per process and reused.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CallOptions, Task } from '../src/core/index.js';
import { HybridRetriever } from './hybrid-retriever.js';
import { RepositoryIndex } from './repository-index.js';

export interface TaskRetrieverOptions {
  /** Token budget of the context. @default 1500 */
  tokens?: number;
  /** Index folder name looked for inside the repository. @default '.nsgen-index' */
  indexDirName?: string;
}

export function createTaskRetriever(
  options: TaskRetrieverOptions = {},
): (task: Task, callOptions?: CallOptions) => Promise<string> {
  const retrievers = new Map<string, Promise<HybridRetriever>>();
  const open = (repo: string, callOptions: CallOptions) => {
    let retriever = retrievers.get(repo);
    if (!retriever) {
      retriever = (async () => {
        const saved = join(repo, options.indexDirName ?? '.nsgen-index');
        if (existsSync(join(saved, 'manifest.json')))
          return new HybridRetriever(await RepositoryIndex.load(saved));
        const index = new RepositoryIndex();
        await index.update(repo, callOptions);
        return new HybridRetriever(index);
      })();
      // A failure is not cached: the next task tries again.
      retriever.catch(() => retrievers.delete(repo));
      retrievers.set(repo, retriever);
    }
    return retriever;
  };
  return async (task, callOptions = {}) => {
    const repo = task.context?.repo;
    if (!repo) return '';
    const retriever = await open(resolve(repo), callOptions);
    const signature = task.signature?.params.map((param) => param.name).join(' ') ?? '';
    const query = `${task.entryPoint} ${signature} ${task.prompt}`;
    return retriever.context(query, { tokens: options.tokens ?? 1500, ...callOptions });
  };
}
