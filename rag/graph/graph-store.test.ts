import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNsgenError } from '../../src/core/index.js';
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
