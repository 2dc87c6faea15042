import { resolve } from 'node:path';
import { RepositoryIndex, renderRepoMap } from '../../../rag/index.js';
import { printResult } from '../output.js';

export interface RepoMapCommandOptions {
  tokens: number;
  focus?: string[];
  json?: boolean;
}

/** The ranked map of DIR's symbols within --tokens (chunked in memory; nothing is saved). */
export async function repoMapCommand(dir: string, options: RepoMapCommandOptions): Promise<void> {
  const index = new RepositoryIndex({ vectorIndex: 'flat' });
  await index.update(resolve(dir));
  const graph = await index.graph.snapshot();
  const map = renderRepoMap([...index.chunks.values()], graph, {
    tokens: options.tokens,
    ...(options.focus ? { focus: options.focus } : {}),
  });
  printResult(map, options.json === true, () => map.text.trimEnd());
}
