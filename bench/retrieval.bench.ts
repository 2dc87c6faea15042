/**
 * Retrieval benchmark on a real codebase not written here: the Python standard library of
 * the machine's python3 (without its tests and vendored packages).
 *
 * Quality: for functions with a docstring, the query is the docstring's first sentence,
 * removed from the indexed text (`queryOf` and `withoutSentence`, the functions that build the
 * learned embedder's training pairs); the target is that function. MRR@10 and Recall@10 for
 * BM25 alone, vectors alone, hybrid and hybrid + graph expansion with the default fusion
 * (learned, with the bundled embedder and its ranker), and hybrid with plain score fusion,
 * with the default embedder (the learned one; `--embedder SPEC` for another, e.g. `hashed`).
 * Speed: indexing throughput (files and chunks per second) on the same folder, and query
 * latency p50/p95 at 10k and 100k chunks (the library's chunks repeated under new paths),
 * for exact (FAISS flat) and approximate (FAISS IVF) vectors.
 *
 * Run: npx tsx bench/retrieval.bench.ts [--quality-only] [--embedder SPEC]
 * (writes bench/results/retrieval.json)
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkedFile, ChunkSymbols } from '../rag/chunk/chunk-source.js';
import { resolveEmbedder } from '../rag/embed/resolve-embedder.js';
import { queryOf, withoutSentence } from '../rag/embed/train/corpus.js';
import {
  HybridRetriever,
  RETRIEVAL_MODES,
  type RetrievalMode,
  type SearchOptions,
} from '../rag/hybrid-retriever.js';
import { RepositoryIndex, type VectorIndexChoice } from '../rag/repository-index.js';
import type { CodeChunk } from '../src/core/index.js';

const stdlib = execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], {
  encoding: 'utf8',
}).trim();
const SKIP = [
  'test',
  'tests',
  'idlelib',
  'lib2to3',
  'site-packages',
  'dist-packages',
  'tkinter',
  'turtledemo',
  'ensurepip',
];
const QUERY_COUNT = 600;
const embedderArgument = process.argv.indexOf('--embedder');
/** The embedder under test: the default unless `--embedder SPEC` names another. */
const embedder = () =>
  embedderArgument > 0 ? { embedder: resolveEmbedder(process.argv[embedderArgument + 1]!) } : {};

/** Deterministic shuffle (for the query sample). */
function shuffled<T>(items: T[], seed = 7): T[] {
  let state = seed;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  // --- indexing throughput on the real folder
  const throughputIndex = new RepositoryIndex({ vectorIndex: 'faiss-flat', ...embedder() });
  let started = performance.now();
  const report = await throughputIndex.update(stdlib, { discover: { skipDirectories: SKIP } });
  const indexSeconds = (performance.now() - started) / 1000;
  const throughput = {
    folder: stdlib,
    files: report.files,
    chunks: report.chunks,
    skipped: report.skipped.length,
    seconds: indexSeconds,
    filesPerSecond: report.files / indexSeconds,
    chunksPerSecond: report.chunks / indexSeconds,
  };
  console.log(`indexed ${report.files} files, ${report.chunks} chunks in ${indexSeconds.toFixed(1)} s`);
  started = performance.now();
  const again = await throughputIndex.update(stdlib, { discover: { skipDirectories: SKIP } });
  const noChangeSeconds = (performance.now() - started) / 1000;

  // --- quality: queries are first docstring sentences, removed from the indexed text
  const files = throughputIndex.chunkedFiles();
  const candidates = files.flatMap((file) => file.chunks.filter((chunk) => queryOf(chunk) !== undefined));
  const queries = shuffled(candidates)
    .slice(0, QUERY_COUNT)
    .map((chunk) => ({ id: chunk.id, query: queryOf(chunk)! }));
  const queried = new Map(queries.map((query) => [query.id, query.query]));
  const edited: Array<{ file: ChunkedFile; hash: string }> = files.map((file) => ({
    file: {
      ...file,
      chunks: file.chunks.map((chunk) => {
        const query = queried.get(chunk.id);
        return query ? withoutSentence(chunk, query) : chunk;
      }),
    },
    hash: '',
  }));
  const qualityIndex = new RepositoryIndex({ vectorIndex: 'faiss-flat', ...embedder() });
  await qualityIndex.addChunkedFiles(edited);
  await qualityIndex.rebuildGraph();
  const retriever = new HybridRetriever(qualityIndex);
  const quality: Record<string, { mrr10: number; recall10: number }> = {};
  // Each mode with the default fusion (learned, with the bundled embedder), then hybrid
  // with plain score fusion for comparison.
  const runs: Array<[string, SearchOptions]> = [
    ...RETRIEVAL_MODES.map((mode): [string, SearchOptions] => [mode, { mode }]),
    ['hybrid (score fusion)', { mode: 'hybrid', fusion: 'score' }],
  ];
  for (const [name, options] of runs) {
    let reciprocal = 0;
    let hits = 0;
    for (const { id, query } of queries) {
      const results = await retriever.search(query, { ...options, k: 10 });
      const rank = results.findIndex((result) => result.id === id);
      if (rank >= 0) {
        reciprocal += 1 / (rank + 1);
        hits++;
      }
    }
    quality[name] = { mrr10: reciprocal / queries.length, recall10: hits / queries.length };
  }
  console.log(
    `\nquality on ${queries.length} docstring queries (${qualityIndex.chunks.size} chunks, embedder ${qualityIndex.embedder.spec})`,
  );
  console.table(
    Object.fromEntries(
      Object.entries(quality).map(([mode, value]) => [
        mode,
        { 'MRR@10': round(value.mrr10), 'Recall@10': round(value.recall10) },
      ]),
    ),
  );

  // --- latency at 10k and 100k chunks
  const base = [...qualityIndex.chunks.values()];
  const latency: Array<Record<string, number | string>> = [];
  const latencyQueries = queries.slice(0, 200).map((query) => query.query);
  const symbolsOf = new Map(
    qualityIndex.chunkedFiles().flatMap((file) => file.symbols.map((s) => [s.chunkId, s] as const)),
  );
  const sizes = process.argv.includes('--quality-only') ? [] : [10_000, 100_000];
  for (const size of sizes) {
    const chunks = replicate(base, size);
    for (const vectorIndex of ['faiss-flat', 'faiss-ivf'] as VectorIndexChoice[]) {
      const index = new RepositoryIndex({ vectorIndex, ...embedder() });
      const buildStart = performance.now();
      await index.addChunkedFiles(groupByFile(chunks, symbolsOf).map((file) => ({ file, hash: '' })));
      await index.rebuildGraph();
      const buildSeconds = (performance.now() - buildStart) / 1000;
      const search = new HybridRetriever(index);
      for (const mode of ['bm25', 'vector', 'hybrid', 'hybrid-graph'] as RetrievalMode[]) {
        if (vectorIndex === 'faiss-ivf' && mode === 'bm25') continue;
        const times: number[] = [];
        for (const query of latencyQueries) {
          const t = performance.now();
          await search.search(query, { k: 10, mode });
          times.push(performance.now() - t);
        }
        latency.push({
          chunks: size,
          vectors: vectorIndex,
          mode,
          p50ms: round(percentile(times, 50), 2),
          p95ms: round(percentile(times, 95), 2),
          buildSeconds: round(buildSeconds, 1),
        });
      }
      console.log(`built ${size} chunks with ${vectorIndex} in ${buildSeconds.toFixed(1)} s`);
    }
  }
  console.log('\nquery latency (single query, k=10)');
  console.table(latency);
  console.log('\nindexing throughput');
  console.table([
    {
      ...throughput,
      seconds: round(indexSeconds, 1),
      filesPerSecond: round(throughput.filesPerSecond, 1),
      chunksPerSecond: round(throughput.chunksPerSecond, 1),
      unchangedReindexSeconds: round(noChangeSeconds, 2),
      unchangedFiles: again.unchanged,
    },
  ]);

  await mkdir('bench/results', { recursive: true });
  await writeFile(
    join('bench/results', 'retrieval.json'),
    `${JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, throughput: { ...throughput, unchangedReindexSeconds: noChangeSeconds }, embedder: qualityIndex.embedder.spec, quality, queries: queries.length, latency }, null, 2)}\n`,
  );
}

/** Copies of the library under `copyN/` paths, remembering which chunk each copies. */
function replicate(chunks: readonly CodeChunk[], size: number): Array<CodeChunk & { original: string }> {
  const out: Array<CodeChunk & { original: string }> = [];
  for (let copy = 0; out.length < size; copy++) {
    for (const chunk of chunks) {
      if (out.length >= size) break;
      const path = copy === 0 ? chunk.path : `copy${copy}/${chunk.path}`;
      out.push({
        ...chunk,
        path,
        id: `${path}#${chunk.qualifiedName}@${chunk.startLine}`,
        original: chunk.id,
      });
    }
  }
  return out;
}

/** Files of replicated chunks, with the originals' calls and references (so the graph has edges). */
function groupByFile(
  chunks: ReadonlyArray<CodeChunk & { original: string }>,
  symbolsOf: ReadonlyMap<string, ChunkSymbols>,
): ChunkedFile[] {
  const files = new Map<string, ChunkedFile>();
  for (const { original, ...chunk } of chunks) {
    let file = files.get(chunk.path);
    if (!file) {
      file = { path: chunk.path, language: chunk.language, chunks: [], symbols: [], imports: [] };
      files.set(chunk.path, file);
    }
    file.chunks.push(chunk);
    const symbols = symbolsOf.get(original);
    file.symbols.push({
      chunkId: chunk.id,
      calls: symbols?.calls ?? [],
      references: symbols?.references ?? [],
      bases: symbols?.bases ?? [],
    });
  }
  return [...files.values()];
}

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

await main();
