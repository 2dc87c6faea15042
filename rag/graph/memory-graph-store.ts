/** The embedded GraphStore: adjacency maps in process, saved as JSON by the indexer. */
import type {
  GraphEdge,
  GraphEdgeKind,
  GraphNode,
  GraphStore,
  NeighbourQuery,
} from '../../src/core/index.js';
import { NsgenError } from '../../src/core/index.js';

const edgeKey = (edge: GraphEdge) => `${edge.kind}\0${edge.from}\0${edge.to}`;

export class MemoryGraphStore implements GraphStore {
  readonly name = 'memory';
  readonly #nodes = new Map<string, GraphNode>();
  readonly #out = new Map<string, Map<string, GraphEdge>>();
  readonly #in = new Map<string, Map<string, GraphEdge>>();

  async upsertNodes(nodes: readonly GraphNode[]): Promise<void> {
    for (const node of nodes) this.#nodes.set(node.id, { ...node });
  }

  async upsertEdges(edges: readonly GraphEdge[]): Promise<void> {
    for (const edge of edges) {
      for (const end of [edge.from, edge.to]) {
        if (!this.#nodes.has(end)) {
          throw new NsgenError(
            'INVALID_ARGUMENT',
            `edge ${edge.kind} ${edge.from} -> ${edge.to}: no node ${end}`,
            {
              where: 'MemoryGraphStore.upsertEdges',
            },
          );
        }
      }
      const key = edgeKey(edge);
      this.#adjacent(this.#out, edge.from).set(key, { ...edge });
      this.#adjacent(this.#in, edge.to).set(key, { ...edge });
    }
  }

  async deleteFiles(paths: readonly string[]): Promise<void> {
    const doomed = new Set(paths);
    for (const node of [...this.#nodes.values()]) {
      if (node.path !== undefined && doomed.has(node.path)) this.#deleteNode(node.id);
    }
  }

  async deleteEdges(kinds: readonly GraphEdgeKind[]): Promise<void> {
    const doomed = new Set(kinds);
    for (const adjacency of [this.#out, this.#in]) {
      for (const edges of adjacency.values()) {
        for (const [key, edge] of edges) if (doomed.has(edge.kind)) edges.delete(key);
      }
    }
  }

  async node(id: string): Promise<GraphNode | undefined> {
    const node = this.#nodes.get(id);
    return node ? { ...node } : undefined;
  }

  async neighbours(id: string, query: NeighbourQuery): Promise<Array<{ node: GraphNode; edge: GraphEdge }>> {
    const kinds = query.kinds ? new Set(query.kinds) : undefined;
    const found: Array<{ node: GraphNode; edge: GraphEdge }> = [];
    const collect = (edges: Map<string, GraphEdge> | undefined, other: 'from' | 'to') => {
      for (const edge of edges?.values() ?? []) {
        if (kinds && !kinds.has(edge.kind)) continue;
        found.push({ node: { ...this.#nodes.get(edge[other])! }, edge: { ...edge } });
      }
    };
    if (query.direction !== 'in') collect(this.#out.get(id), 'to');
    if (query.direction !== 'out') collect(this.#in.get(id), 'from');
    return found;
  }

  async snapshot(): Promise<{ nodes: GraphNode[]; edges: GraphEdge[] }> {
    const edges = [...this.#out.values()].flatMap((map) => [...map.values()].map((edge) => ({ ...edge })));
    return { nodes: [...this.#nodes.values()].map((node) => ({ ...node })), edges };
  }

  async clear(): Promise<void> {
    this.#nodes.clear();
    this.#out.clear();
    this.#in.clear();
  }

  async close(): Promise<void> {}

  #deleteNode(id: string): void {
    for (const edge of this.#out.get(id)?.values() ?? []) this.#in.get(edge.to)?.delete(edgeKey(edge));
    for (const edge of this.#in.get(id)?.values() ?? []) this.#out.get(edge.from)?.delete(edgeKey(edge));
    this.#out.delete(id);
    this.#in.delete(id);
    this.#nodes.delete(id);
  }

  #adjacent(adjacency: Map<string, Map<string, GraphEdge>>, id: string): Map<string, GraphEdge> {
    let edges = adjacency.get(id);
    if (!edges) {
      edges = new Map();
      adjacency.set(id, edges);
    }
    return edges;
  }
}
