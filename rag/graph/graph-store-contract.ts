/** One contract for every GraphStore: the in-memory graph and Neo4j each run it. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode, GraphStore } from '../../src/core/index.js';

export interface GraphStoreFactory {
  name: string;
  /** A store, empty; called once per test after `clear()` of the previous one. */
  store(): GraphStore;
}

const NODES: GraphNode[] = [
  { id: 'file:a.py', kind: 'file', name: 'a.py', path: 'a.py' },
  { id: 'module:a', kind: 'module', name: 'a', path: 'a.py' },
  { id: 'module:os', kind: 'module', name: 'os' },
  { id: 'a.py#Base@1', kind: 'class', name: 'Base', path: 'a.py' },
  { id: 'a.py#Child@5', kind: 'class', name: 'Child', path: 'a.py' },
  { id: 'a.py#helper@9', kind: 'function', name: 'helper', path: 'a.py' },
  { id: 'file:b.py', kind: 'file', name: 'b.py', path: 'b.py' },
  { id: 'b.py#main@1', kind: 'function', name: 'main', path: 'b.py' },
];
const EDGES: GraphEdge[] = [
  { from: 'file:a.py', to: 'a.py#Base@1', kind: 'defines' },
  { from: 'file:a.py', to: 'a.py#Child@5', kind: 'defines' },
  { from: 'file:a.py', to: 'a.py#helper@9', kind: 'defines' },
  { from: 'file:a.py', to: 'module:os', kind: 'imports' },
  { from: 'a.py#Child@5', to: 'a.py#Base@1', kind: 'inherits' },
  { from: 'file:b.py', to: 'b.py#main@1', kind: 'defines' },
  { from: 'file:b.py', to: 'module:a', kind: 'imports' },
  { from: 'b.py#main@1', to: 'a.py#helper@9', kind: 'calls' },
  { from: 'b.py#main@1', to: 'a.py#Child@5', kind: 'references' },
];

const ids = (found: Array<{ node: GraphNode }>) => found.map((item) => item.node.id).sort();

export function describeGraphStoreContract(factory: GraphStoreFactory): void {
  describe(`GraphStore contract: ${factory.name}`, () => {
    let store: GraphStore;
    beforeEach(async () => {
      store = factory.store();
      await store.clear();
      await store.upsertNodes(NODES);
      await store.upsertEdges(EDGES);
    });

    it('holds every node and edge, once', async () => {
      await store.upsertEdges(EDGES.slice(0, 2));
      const { nodes, edges } = await store.snapshot();
      expect(nodes.map((node) => node.id).sort()).toEqual(NODES.map((node) => node.id).sort());
      expect(edges).toHaveLength(EDGES.length);
      expect(await store.node('module:os')).toEqual({ id: 'module:os', kind: 'module', name: 'os' });
      expect(await store.node('a.py#helper@9')).toEqual(NODES[5]);
      expect(await store.node('nothing')).toBeUndefined();
    });

    it('follows edges by direction and kind', async () => {
      expect(ids(await store.neighbours('b.py#main@1', { direction: 'out' }))).toEqual([
        'a.py#Child@5',
        'a.py#helper@9',
      ]);
      expect(ids(await store.neighbours('b.py#main@1', { direction: 'out', kinds: ['calls'] }))).toEqual([
        'a.py#helper@9',
      ]);
      expect(ids(await store.neighbours('a.py#helper@9', { direction: 'in' }))).toEqual([
        'b.py#main@1',
        'file:a.py',
      ]);
      const both = await store.neighbours('a.py#Child@5', { direction: 'both' });
      expect(ids(both)).toEqual(['a.py#Base@1', 'b.py#main@1', 'file:a.py']);
      const inherits = both.find((item) => item.node.id === 'a.py#Base@1')!;
      expect(inherits.edge).toEqual({ from: 'a.py#Child@5', to: 'a.py#Base@1', kind: 'inherits' });
    });

    it('replaces a node with the same id', async () => {
      await store.upsertNodes([{ id: 'a.py#helper@9', kind: 'function', name: 'renamed', path: 'a.py' }]);
      expect((await store.node('a.py#helper@9'))?.name).toBe('renamed');
      expect(ids(await store.neighbours('a.py#helper@9', { direction: 'in', kinds: ['calls'] }))).toEqual([
        'b.py#main@1',
      ]);
    });

    it("deletes a file's nodes with every edge touching them, and edges by kind", async () => {
      await store.deleteFiles(['a.py']);
      const { nodes, edges } = await store.snapshot();
      expect(nodes.map((node) => node.id).sort()).toEqual(['b.py#main@1', 'file:b.py', 'module:os']);
      expect(edges).toEqual([{ from: 'file:b.py', to: 'b.py#main@1', kind: 'defines' }]);
      await store.deleteEdges(['defines']);
      expect((await store.snapshot()).edges).toEqual([]);
    });

    it('refuses an edge to a missing node', async () => {
      await expect(
        store.upsertEdges([{ from: 'b.py#main@1', to: 'missing', kind: 'calls' }]),
      ).rejects.toThrow(/no node missing/);
    });
  });
}
