/**
 * A repository map in the manner of aider's: the symbols that personalised PageRank ranks
 * highest, rendered as their signatures grouped by file, within a token budget.
 */
import type { CodeChunk, GraphEdge } from '../../src/core/index.js';
import { estimateTokens } from '../text/code-tokens.js';
import { pageRank } from './page-rank.js';

export interface RepoMapOptions {
  /** @default 1024 */
  tokens?: number;
  /** Files (relative paths) or chunk ids the map centres on: the walk restarts there. */
  focus?: readonly string[];
}

export interface RepoMap {
  text: string;
  tokens: number;
  /** The chunks shown, by rank. */
  shown: Array<{ id: string; rank: number }>;
}

export function renderRepoMap(
  chunks: readonly CodeChunk[],
  graph: { nodes: ReadonlyArray<{ id: string }>; edges: readonly GraphEdge[] },
  options: RepoMapOptions = {},
): RepoMap {
  const budget = options.tokens ?? 1024;
  const personalisation = new Map<string, number>();
  for (const focus of options.focus ?? []) {
    personalisation.set(focus.includes('#') ? focus : `file:${focus}`, 1);
  }
  const ranks = pageRank(
    graph.nodes.map((node) => node.id),
    graph.edges,
    { personalisation },
  );
  const ranked = [...chunks].sort(
    (a, b) => (ranks.get(b.id) ?? 0) - (ranks.get(a.id) ?? 0) || a.id.localeCompare(b.id),
  );

  const shown: CodeChunk[] = [];
  const files = new Set<string>();
  let tokens = 0;
  for (const chunk of ranked) {
    const cost =
      estimateTokens(lineOf(chunk)) + (files.has(chunk.path) ? 0 : estimateTokens(`${chunk.path}:\n`));
    if (tokens + cost > budget) continue;
    tokens += cost;
    files.add(chunk.path);
    shown.push(chunk);
  }
  // Files in rank order of their best symbol; symbols in source order inside a file.
  const byFile = new Map<string, CodeChunk[]>();
  for (const chunk of shown) byFile.set(chunk.path, [...(byFile.get(chunk.path) ?? []), chunk]);
  const parts: string[] = [];
  for (const [path, fileChunks] of byFile) {
    parts.push(`${path}:`);
    for (const chunk of fileChunks.sort((a, b) => a.startLine - b.startLine)) parts.push(lineOf(chunk));
  }
  const text = parts.length > 0 ? `${parts.join('\n')}\n` : '';
  return {
    text,
    tokens: estimateTokens(text),
    shown: shown.map((chunk) => ({ id: chunk.id, rank: ranks.get(chunk.id) ?? 0 })),
  };
}

function lineOf(chunk: CodeChunk): string {
  const indent = chunk.kind === 'method' ? '│    ' : '│';
  return `${indent}${chunk.signature.split('\n')[0]}\n`.trimEnd();
}
