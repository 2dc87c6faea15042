/**
 * A repository's retrieval index: chunks, BM25, vectors and the code graph, built from a
 * folder, updated incrementally (a changed file re-chunks and re-embeds only its own
 * chunks), saved to and loaded from an index folder that records the format version.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CallOptions,
  CodeChunk,
  Embedder,
  GraphStore,
  Language,
  VectorIndex,
} from '../src/core/index.js';
import { NsgenError, throwIfAborted } from '../src/core/index.js';
import { type ChunkedFile, type ChunkSymbols, chunkSource } from './chunk/chunk-source.js';
import { type DiscoverOptions, discoverFiles, type SkippedFile } from './chunk/discover-files.js';
import { isChunkEmbedder, LearnedCodeEmbedder } from './embed/learned-embedder.js';
import { resolveEmbedder } from './embed/resolve-embedder.js';
import { buildCodeGraph } from './graph/code-graph.js';
import { MemoryGraphStore } from './graph/memory-graph-store.js';
import { Bm25Index } from './keyword/bm25-index.js';
import { faissAvailable } from './vector/faiss-binding.js';
import { FaissVectorIndex } from './vector/faiss-vector-index.js';
import { FlatVectorIndex } from './vector/flat-vector-index.js';

/**
 * Bumped whenever the saved layout, the chunking or the bundled embedder's weights change:
 * older indexes must be rebuilt. 3: the learned embedder is the default.
 */
export const INDEX_FORMAT_VERSION = 3;

export type VectorIndexChoice = 'auto' | 'flat' | 'faiss-flat' | 'faiss-ivf' | 'faiss-hnsw';

/** Above this many chunks `auto` picks the approximate IVF index over exact search. */
export const AUTO_IVF_THRESHOLD = 20_000;

export interface RepositoryIndexOptions {
  /** @default the bundled LearnedCodeEmbedder (`learned`); `hashed` is the older default */
  embedder?: Embedder;
  /** @default 'auto': FAISS (exact below 20k chunks, IVF above), the TypeScript flat index without FAISS */
  vectorIndex?: VectorIndexChoice;
  /** Where the code graph goes. @default a MemoryGraphStore */
  graph?: GraphStore;
  discover?: DiscoverOptions;
}

interface FileEntry {
  hash: string;
  language: Language;
  chunkIds: string[];
  symbols: ChunkSymbols[];
  imports: string[];
}

interface Manifest {
  format: 'nsgen-index';
  version: number;
  root: string;
  embedder: string;
  vectorIndex: string;
  graph: string;
  files: Record<string, FileEntry>;
  skipped: SkippedFile[];
}

export interface IndexReport {
  files: number;
  chunks: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  skipped: SkippedFile[];
  /** Parse failures and the like: the file is skipped, indexing goes on. */
  warnings: string[];
}

/** The text an embedder sees for a chunk (unless it reads chunks' fields itself: a ChunkEmbedder). */
export function embeddingText(chunk: CodeChunk): string {
  // The name says most about what a function does: it counts three times.
  const name = chunk.qualifiedName.replaceAll('.', ' ');
  return `${name}\n${name}\n${name}\n${chunk.path}\n${chunk.text}`;
}

export class RepositoryIndex {
  readonly embedder: Embedder;
  readonly graph: GraphStore;
  #bm25 = new Bm25Index();
  readonly chunks = new Map<string, CodeChunk>();
  readonly #files = new Map<string, FileEntry>();
  #vectors: VectorIndex | undefined;
  #choice: VectorIndexChoice;
  #root: string;
  #skipped: SkippedFile[] = [];

  constructor(options: RepositoryIndexOptions & { root?: string } = {}) {
    this.embedder = options.embedder ?? new LearnedCodeEmbedder();
    this.graph = options.graph ?? new MemoryGraphStore();
    this.#choice = options.vectorIndex ?? 'auto';
    this.#root = options.root ?? '';
  }

  get root(): string {
    return this.#root;
  }

  get bm25(): Bm25Index {
    return this.#bm25;
  }

  get vectors(): VectorIndex | undefined {
    return this.#vectors;
  }

  /** Indexes `root` (first time) or brings the index up to date with it. */
  async update(
    root: string,
    options: CallOptions & { discover?: DiscoverOptions } = {},
  ): Promise<IndexReport> {
    this.#root = root;
    const { files, skipped } = await discoverFiles(root, options.discover);
    const warnings: string[] = [];
    const seen = new Set(files.map((file) => file.path));
    const removed = [...this.#files.keys()].filter((path) => !seen.has(path));
    const todo = files.filter((file) => this.#files.get(file.path)?.hash !== file.hash);
    const report = { added: 0, changed: 0 };
    const chunked: Array<{ file: ChunkedFile; hash: string }> = [];
    for (const file of todo) {
      throwIfAborted(options.signal);
      report[this.#files.has(file.path) ? 'changed' : 'added']++;
      try {
        chunked.push({ file: await chunkSource(file.text, file.language, file.path), hash: file.hash });
      } catch (error) {
        warnings.push(`${file.path}: not chunked: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.#remove([...removed, ...todo.map((file) => file.path)]);
    await this.addChunkedFiles(chunked, options);
    this.#skipped = skipped;
    await this.rebuildGraph();
    return {
      files: this.#files.size,
      chunks: this.chunks.size,
      added: report.added,
      changed: report.changed,
      removed: removed.length,
      unchanged: files.length - todo.length,
      skipped,
      warnings,
    };
  }

  /** Adds already chunked files (the benchmark edits chunks before indexing them). */
  async addChunkedFiles(
    files: ReadonlyArray<{ file: ChunkedFile; hash: string }>,
    options: CallOptions = {},
  ): Promise<void> {
    const chunks = files.flatMap(({ file }) => file.chunks);
    const vectors = await this.#embedAll(chunks, options);
    const index = this.#vectorIndex(chunks.length);
    await index.add(chunks.map((chunk, i) => ({ id: chunk.id, vector: vectors[i]! })));
    this.#bm25.add(chunks);
    for (const { file, hash } of files) {
      for (const chunk of file.chunks) this.chunks.set(chunk.id, chunk);
      this.#files.set(file.path, {
        hash,
        language: file.language,
        chunkIds: file.chunks.map((chunk) => chunk.id),
        symbols: file.symbols,
        imports: file.imports,
      });
    }
  }

  /** Recomputes the code graph from the stored symbols (no parsing): edges cross files. */
  async rebuildGraph(): Promise<void> {
    const { nodes, edges } = buildCodeGraph(this.chunkedFiles());
    await this.graph.clear();
    await this.graph.upsertNodes(nodes);
    await this.graph.upsertEdges(edges);
  }

  /** The indexed files as the graph builder sees them. */
  chunkedFiles(): ChunkedFile[] {
    return [...this.#files].map(([path, entry]) => ({
      path,
      language: entry.language,
      chunks: entry.chunkIds.map((id) => this.chunks.get(id)!),
      symbols: entry.symbols,
      imports: entry.imports,
    }));
  }

  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const manifest: Manifest = {
      format: 'nsgen-index',
      version: INDEX_FORMAT_VERSION,
      root: this.#root,
      embedder: this.embedder.spec,
      vectorIndex: this.#vectors?.kind ?? this.#choice,
      graph: this.graph.name,
      files: Object.fromEntries(this.#files),
      skipped: this.#skipped,
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await writeFile(
      join(dir, 'chunks.jsonl'),
      [...this.chunks.values()].map((chunk) => JSON.stringify(chunk)).join('\n'),
    );
    await writeFile(join(dir, 'bm25.json'), JSON.stringify(this.#bm25));
    if (this.#vectors) await this.#vectors.save(join(dir, 'vectors'));
  }

  /**
   * Opens a saved index. The graph is rebuilt into `graph` (default: in memory) from the
   * stored symbols. An index of another format version is refused with a clear error.
   */
  static async load(
    dir: string,
    options: { graph?: GraphStore; apiKey?: string } = {},
  ): Promise<RepositoryIndex> {
    const where = join(dir, 'manifest.json');
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(where, 'utf8')) as Manifest;
    } catch (error) {
      throw new NsgenError(
        'INVALID_DATA',
        `not an nsgen index (no readable manifest.json): ${String(error)}`,
        {
          where,
          cause: error,
        },
      );
    }
    if (manifest.format !== 'nsgen-index') {
      throw new NsgenError('INVALID_DATA', 'not an nsgen index', { where });
    }
    if (manifest.version !== INDEX_FORMAT_VERSION) {
      throw new NsgenError(
        'INVALID_DATA',
        `index format version ${manifest.version}, this nsgen reads version ${INDEX_FORMAT_VERSION}: rebuild it with \`nsgen index\``,
        { where },
      );
    }
    const index = new RepositoryIndex({
      embedder: resolveEmbedder(
        manifest.embedder,
        options.apiKey !== undefined ? { apiKey: options.apiKey } : {},
      ),
      vectorIndex: manifest.vectorIndex as VectorIndexChoice,
      root: manifest.root,
      ...(options.graph ? { graph: options.graph } : {}),
    });
    const lines = (await readFile(join(dir, 'chunks.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line !== '');
    for (const line of lines) {
      const chunk = JSON.parse(line) as CodeChunk;
      index.chunks.set(chunk.id, chunk);
    }
    for (const [path, entry] of Object.entries(manifest.files)) index.#files.set(path, entry);
    index.#skipped = manifest.skipped;
    index.#bm25 = Bm25Index.fromJSON(await readFile(join(dir, 'bm25.json'), 'utf8'));
    if (index.chunks.size > 0) {
      const vectorDir = join(dir, 'vectors');
      index.#vectors = manifest.vectorIndex.startsWith('faiss')
        ? await FaissVectorIndex.load(vectorDir)
        : await FlatVectorIndex.load(vectorDir);
    }
    await index.rebuildGraph();
    return index;
  }

  async #remove(paths: readonly string[]): Promise<void> {
    const ids = paths.flatMap((path) => this.#files.get(path)?.chunkIds ?? []);
    if (ids.length === 0) {
      for (const path of paths) this.#files.delete(path);
      return;
    }
    await this.#vectors?.delete(ids);
    this.#bm25.delete(ids.map((id) => this.chunks.get(id)!));
    for (const id of ids) this.chunks.delete(id);
    for (const path of paths) this.#files.delete(path);
  }

  async #embedAll(chunks: readonly CodeChunk[], options: CallOptions): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    const embedder = this.embedder;
    for (let start = 0; start < chunks.length; start += 256) {
      throwIfAborted(options.signal);
      const batch = chunks.slice(start, start + 256);
      vectors.push(
        ...(await (isChunkEmbedder(embedder)
          ? embedder.embedChunks(batch, options)
          : embedder.embed(batch.map(embeddingText), options))),
      );
    }
    return vectors;
  }

  #vectorIndex(firstBatch: number): VectorIndex {
    if (this.#vectors) return this.#vectors;
    const dimension = this.embedder.dimension;
    let choice = this.#choice;
    if (choice === 'auto') {
      choice = !faissAvailable() ? 'flat' : firstBatch > AUTO_IVF_THRESHOLD ? 'faiss-ivf' : 'faiss-flat';
    }
    this.#vectors =
      choice === 'flat'
        ? new FlatVectorIndex({ dimension })
        : new FaissVectorIndex({ dimension, type: choice.slice('faiss-'.length) as 'flat' | 'ivf' | 'hnsw' });
    return this.#vectors;
  }
}
