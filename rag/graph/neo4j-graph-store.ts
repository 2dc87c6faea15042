/**
 * GraphStore on Neo4j through neo4j-driver. Nodes carry the `CodeNode` label (kind, name,
 * path as properties, `id` unique); edges are relationships typed by kind (`DEFINES`,
 * `CALLS`, `IMPORTS`, `INHERITS`, `REFERENCES`). Writes go in batches with UNWIND.
 * Connection and authentication failures become NsgenErrors that say which.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import type {
  GraphEdge,
  GraphEdgeKind,
  GraphNode,
  GraphStore,
  NeighbourQuery,
} from '../../src/core/index.js';
import { GRAPH_EDGE_KINDS, NsgenError } from '../../src/core/index.js';

export interface Neo4jGraphStoreOptions {
  /** `neo4j://host:7687` or `bolt://host:7687`. */
  url: string;
  username?: string;
  password: string;
  /** @default 'neo4j' */
  database?: string;
  /** Rows per write transaction. @default 2000 */
  batchSize?: number;
}

const RELATIONSHIP = Object.fromEntries(GRAPH_EDGE_KINDS.map((kind) => [kind, kind.toUpperCase()])) as Record<
  GraphEdgeKind,
  string
>;

export class Neo4jGraphStore implements GraphStore {
  readonly name = 'neo4j';
  readonly #options: Neo4jGraphStoreOptions;
  #driver: Driver | undefined;
  #ready: Promise<void> | undefined;

  constructor(options: Neo4jGraphStoreOptions) {
    this.#options = options;
  }

  /** Connects, checks the credentials and creates the id constraint (idempotent). */
  connect(): Promise<void> {
    this.#ready ??= this.#connect().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async upsertNodes(nodes: readonly GraphNode[]): Promise<void> {
    await this.#batched(
      nodes.map((node) => ({ id: node.id, kind: node.kind, name: node.name, path: node.path ?? null })),
      'UNWIND $rows AS row MERGE (n:CodeNode {id: row.id}) SET n.kind = row.kind, n.name = row.name, n.path = row.path',
    );
  }

  async upsertEdges(edges: readonly GraphEdge[]): Promise<void> {
    for (const kind of GRAPH_EDGE_KINDS) {
      const rows = edges
        .filter((edge) => edge.kind === kind)
        .map((edge) => ({ from: edge.from, to: edge.to }));
      const missing = await this.#batched(
        rows,
        `UNWIND $rows AS row OPTIONAL MATCH (a:CodeNode {id: row.from}) OPTIONAL MATCH (b:CodeNode {id: row.to})
         FOREACH (_ IN CASE WHEN a IS NOT NULL AND b IS NOT NULL THEN [1] ELSE [] END | MERGE (a)-[:${RELATIONSHIP[kind]}]->(b))
         WITH row, a, b WHERE a IS NULL OR b IS NULL RETURN row.from AS from, row.to AS to, a IS NULL AS noFrom`,
      );
      const first = missing[0];
      if (first) {
        throw new NsgenError(
          'INVALID_ARGUMENT',
          `edge ${kind} ${first.from} -> ${first.to}: no node ${first.noFrom ? first.from : first.to}`,
          { where: 'Neo4jGraphStore.upsertEdges' },
        );
      }
    }
  }

  async deleteFiles(paths: readonly string[]): Promise<void> {
    await this.#run('MATCH (n:CodeNode) WHERE n.path IN $paths DETACH DELETE n', { paths: [...paths] });
  }

  async deleteEdges(kinds: readonly GraphEdgeKind[]): Promise<void> {
    const types = kinds.map((kind) => RELATIONSHIP[kind]);
    await this.#run('MATCH (:CodeNode)-[r]->(:CodeNode) WHERE type(r) IN $types DELETE r', { types });
  }

  async node(id: string): Promise<GraphNode | undefined> {
    const rows = await this.#run('MATCH (n:CodeNode {id: $id}) RETURN n', { id });
    return rows[0] ? toNode(rows[0].n) : undefined;
  }

  async neighbours(id: string, query: NeighbourQuery): Promise<Array<{ node: GraphNode; edge: GraphEdge }>> {
    const types = (query.kinds ?? GRAPH_EDGE_KINDS).map((kind) => RELATIONSHIP[kind]);
    const found: Array<{ node: GraphNode; edge: GraphEdge }> = [];
    if (query.direction !== 'in') {
      const rows = await this.#run(
        'MATCH (n:CodeNode {id: $id})-[r]->(m:CodeNode) WHERE type(r) IN $types RETURN m, type(r) AS type',
        { id, types },
      );
      for (const row of rows)
        found.push({
          node: toNode(row.m),
          edge: { from: id, to: row.m.properties.id, kind: toKind(row.type) },
        });
    }
    if (query.direction !== 'out') {
      const rows = await this.#run(
        'MATCH (n:CodeNode {id: $id})<-[r]-(m:CodeNode) WHERE type(r) IN $types RETURN m, type(r) AS type',
        { id, types },
      );
      for (const row of rows)
        found.push({
          node: toNode(row.m),
          edge: { from: row.m.properties.id, to: id, kind: toKind(row.type) },
        });
    }
    return found;
  }

  async snapshot(): Promise<{ nodes: GraphNode[]; edges: GraphEdge[] }> {
    const nodes = (await this.#run('MATCH (n:CodeNode) RETURN n')).map((row) => toNode(row.n));
    const edges = (
      await this.#run('MATCH (a:CodeNode)-[r]->(b:CodeNode) RETURN a.id AS from, b.id AS to, type(r) AS type')
    ).map((row) => ({ from: row.from as string, to: row.to as string, kind: toKind(row.type) }));
    return { nodes, edges };
  }

  async clear(): Promise<void> {
    await this.#run('MATCH (n:CodeNode) DETACH DELETE n');
  }

  async close(): Promise<void> {
    const driver = this.#driver;
    this.#driver = undefined;
    this.#ready = undefined;
    await driver?.close();
  }

  async #connect(): Promise<void> {
    const { url, username = 'neo4j', password } = this.#options;
    let driver: Driver;
    try {
      driver = neo4j.driver(url, neo4j.auth.basic(username, password), {
        connectionAcquisitionTimeout: 10_000,
        connectionTimeout: 5_000,
        maxConnectionLifetime: 60 * 60_000,
      });
    } catch (error) {
      throw new NsgenError('INVALID_CONFIG', `not a Neo4j URL: ${messageOf(error)}`, {
        where: url,
        cause: error,
      });
    }
    try {
      await driver.verifyAuthentication();
      const session = driver.session({ database: this.#options.database ?? 'neo4j' });
      try {
        await session.run(
          'CREATE CONSTRAINT code_node_id IF NOT EXISTS FOR (n:CodeNode) REQUIRE n.id IS UNIQUE',
        );
      } finally {
        await session.close();
      }
    } catch (error) {
      await driver.close();
      const code = (error as { code?: string }).code ?? '';
      if (
        code.includes('Unauthorized') ||
        code.includes('AuthenticationRateLimit') ||
        code.includes('Security')
      ) {
        throw new NsgenError(
          'INVALID_CONFIG',
          `Neo4j refused the credentials of user "${username}" (${code})`,
          {
            where: url,
            cause: error,
          },
        );
      }
      throw new NsgenError('IO_ERROR', `cannot reach Neo4j: ${messageOf(error)}`, {
        where: url,
        cause: error,
      });
    }
    this.#driver = driver;
  }

  // biome-ignore lint/suspicious/noExplicitAny: Neo4j records are untyped maps.
  async #run(cypher: string, parameters: Record<string, unknown> = {}): Promise<Array<Record<string, any>>> {
    await this.connect();
    const session = this.#driver!.session({ database: this.#options.database ?? 'neo4j' });
    try {
      const result = await session.executeWrite((tx) => tx.run(cypher, parameters));
      return result.records.map((record) => record.toObject());
    } catch (error) {
      throw new NsgenError('IO_ERROR', `Neo4j query failed: ${messageOf(error)}`, {
        where: this.#options.url,
        cause: error,
      });
    } finally {
      await session.close();
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: Neo4j records are untyped maps.
  async #batched(rows: unknown[], cypher: string): Promise<Array<Record<string, any>>> {
    const size = this.#options.batchSize ?? 2000;
    // biome-ignore lint/suspicious/noExplicitAny: Neo4j records are untyped maps.
    const out: Array<Record<string, any>> = [];
    for (let start = 0; start < rows.length; start += size) {
      out.push(...(await this.#run(cypher, { rows: rows.slice(start, start + size) })));
    }
    return out;
  }
}

function toNode(value: { properties: Record<string, unknown> }): GraphNode {
  const { id, kind, name, path } = value.properties;
  return {
    id: String(id),
    kind: kind as GraphNode['kind'],
    name: String(name),
    ...(typeof path === 'string' ? { path } : {}),
  };
}

function toKind(type: string): GraphEdgeKind {
  return type.toLowerCase() as GraphEdgeKind;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
