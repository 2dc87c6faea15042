/**
 * The retrieval ports: how code is cut into chunks, embedded, indexed by vector, and
 * connected in a code graph. Implementations live in `rag/`; the edges choose them.
 */
import type { CallOptions } from './ports.js';
import type { Language } from './types.js';

/** One retrievable unit of a repository: a function, a method or a class. */
export interface CodeChunk {
  /** Stable id: `path#qualifiedName@startLine`. */
  id: string;
  /** Relative to the indexed repository's root, with `/` separators. */
  path: string;
  language: Language;
  kind: 'function' | 'method' | 'class';
  name: string;
  /** `Class.method` for methods, the name otherwise. */
  qualifiedName: string;
  /** The definition's first line(s) up to the body, as written. */
  signature: string;
  docstring?: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The definition's source text. */
  text: string;
}

/** Turns text into dense vectors of a fixed dimension (unit length for cosine search). */
export interface Embedder {
  /** A spec that rebuilds this embedder (`hashed:256`, `openai:MODEL@URL`). */
  readonly spec: string;
  readonly dimension: number;
  embed(texts: string[], options?: CallOptions): Promise<Float32Array[]>;
}

export interface VectorHit {
  id: string;
  /** Higher is closer (inner product of unit vectors: cosine similarity). */
  score: number;
}

/** Nearest-neighbour search over vectors keyed by string ids. */
export interface VectorIndex {
  /** `faiss-flat`, `faiss-ivf`, `faiss-hnsw`, `flat`, ... */
  readonly kind: string;
  readonly dimension: number;
  size(): number;
  /** Adds or replaces vectors (an id already present is replaced). */
  add(items: ReadonlyArray<{ id: string; vector: Float32Array }>): Promise<void>;
  /** Removes ids; unknown ids are ignored. Returns how many were removed. */
  delete(ids: readonly string[]): Promise<number>;
  /** The k closest vectors, closest first. */
  search(vector: Float32Array, k: number): Promise<VectorHit[]>;
  /** Writes the index under `dir` (created when missing). */
  save(dir: string): Promise<void>;
}

export type GraphNodeKind = 'file' | 'module' | 'class' | 'function';
export type GraphEdgeKind = 'defines' | 'calls' | 'imports' | 'inherits' | 'references';
export const GRAPH_EDGE_KINDS: readonly GraphEdgeKind[] = [
  'defines',
  'calls',
  'imports',
  'inherits',
  'references',
];

export interface GraphNode {
  /** `file:PATH`, `module:NAME` or a chunk id for classes and functions. */
  id: string;
  kind: GraphNodeKind;
  name: string;
  /** The file a node belongs to (absent for external modules). */
  path?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
}

export interface NeighbourQuery {
  direction: 'out' | 'in' | 'both';
  /** Edge kinds followed. @default every kind */
  kinds?: readonly GraphEdgeKind[];
}

/** A code knowledge graph: files, modules, classes and functions and the edges between them. */
export interface GraphStore {
  readonly name: string;
  /** Adds nodes, replacing those with the same id. */
  upsertNodes(nodes: readonly GraphNode[]): Promise<void>;
  /** Adds edges (duplicates are kept once); both ends must exist. */
  upsertEdges(edges: readonly GraphEdge[]): Promise<void>;
  /** Removes the nodes of these files (`path`) and every edge touching them. */
  deleteFiles(paths: readonly string[]): Promise<void>;
  /** Removes every edge of these kinds (edges are recomputed after an incremental update). */
  deleteEdges(kinds: readonly GraphEdgeKind[]): Promise<void>;
  node(id: string): Promise<GraphNode | undefined>;
  neighbours(id: string, query: NeighbourQuery): Promise<Array<{ node: GraphNode; edge: GraphEdge }>>;
  /** Every node and edge, for ranking (the repo map) and export. */
  snapshot(): Promise<{ nodes: GraphNode[]; edges: GraphEdge[] }>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
