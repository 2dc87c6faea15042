import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNsgenError } from '../../src/core/index.js';
import { RepositoryIndex } from '../repository-index.js';
import { describeGraphStoreContract } from './graph-store-contract.js';
import { MemoryGraphStore } from './memory-graph-store.js';
import { Neo4jGraphStore } from './neo4j-graph-store.js';
import { type LocalNeo4j, startLocalNeo4j } from './neo4j-local-server.js';

const memory = new MemoryGraphStore();
describeGraphStoreContract({ name: 'memory', store: () => memory });

// A real Neo4j (embedded community edition with Bolt, started from .cache/neo4j).
let server: LocalNeo4j | undefined;
let neo4jStore: Neo4jGraphStore | undefined;
beforeAll(async () => {
  server = await startLocalNeo4j();
  neo4jStore = new Neo4jGraphStore({ url: server.url, password: server.password });
  await neo4jStore.connect();
});
afterAll(async () => {
  await neo4jStore?.close();
  await server?.stop();
});
describeGraphStoreContract({ name: 'neo4j', store: () => neo4jStore! });

describe('a repository graph in Neo4j', () => {
  it('holds the same code graph as the in-memory store', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'nsgen-neo4j-repo-'));
    try {
      await writeFile(
        join(repo, 'a.py'),
        'import os\n\nclass Base:\n    pass\n\nclass Child(Base):\n    def go(self):\n        return helper()\n\ndef helper():\n    return os.getcwd()\n',
      );
      await writeFile(join(repo, 'b.py'), 'from a import helper\n\ndef main():\n    helper()\n');
      const inNeo4j = new RepositoryIndex({ graph: neo4jStore!, vectorIndex: 'flat' });
      const inMemory = new RepositoryIndex({ vectorIndex: 'flat' });
      await inNeo4j.update(repo);
      await inMemory.update(repo);
      const sorted = (graph: Awaited<ReturnType<MemoryGraphStore['snapshot']>>) => ({
        nodes: graph.nodes.map((node) => JSON.stringify(node)).sort(),
        edges: graph.edges.map((edge) => JSON.stringify(edge)).sort(),
      });
      const expected = sorted(await inMemory.graph.snapshot());
      expect(sorted(await neo4jStore!.snapshot())).toEqual(expected);
      expect(expected.edges).toContain(
        JSON.stringify({ from: 'b.py#main@3', to: 'a.py#helper@10', kind: 'calls' }),
      );
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});

describe('Neo4j bad input', () => {
  it('says the password was refused', async () => {
    const store = new Neo4jGraphStore({ url: server!.url, password: 'wrong-password' });
    const error = await store.connect().catch((caught: unknown) => caught);
    expect(isNsgenError(error) && error.code).toBe('INVALID_CONFIG');
    expect(String(error)).toMatch(/refused the credentials of user "neo4j"/);
    await store.close();
  });

  it('says Neo4j cannot be reached when nothing listens, and the memory graph still works', async () => {
    const store = new Neo4jGraphStore({ url: 'bolt://127.0.0.1:1', password: 'x' });
    const error = await store
      .upsertNodes([{ id: 'a', kind: 'file', name: 'a' }])
      .catch((caught: unknown) => caught);
    expect(isNsgenError(error) && error.code).toBe('IO_ERROR');
    expect(String(error)).toMatch(/cannot reach Neo4j/);
    const fallback = new MemoryGraphStore();
    await fallback.upsertNodes([{ id: 'a', kind: 'file', name: 'a' }]);
    expect(await fallback.node('a')).toEqual({ id: 'a', kind: 'file', name: 'a' });
  });
});
