/** The concrete retrieval backends the index/search commands choose from their options. */

import { MemoryGraphStore, Neo4jGraphStore } from '../../../rag/index.js';
import type { GraphStore } from '../../core/index.js';
import { NsgenError, readEnv } from '../../core/index.js';

/**
 * `--graph neo4j://[user[:password]@]host:port`; the password may come from NEO4J_PASSWORD
 * instead (and the user from NEO4J_USERNAME). Without `--graph`, the in-memory graph.
 */
export async function openGraphStore(url: string | undefined): Promise<GraphStore> {
  if (url === undefined) return new MemoryGraphStore();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new NsgenError('INVALID_ARGUMENT', `--graph must be a neo4j:// or bolt:// URL, got "${url}"`, {
      cause: error,
    });
  }
  if (!/^(neo4j|bolt)(\+s|\+ssc)?:$/.test(parsed.protocol)) {
    throw new NsgenError('INVALID_ARGUMENT', `--graph must be a neo4j:// or bolt:// URL, got "${url}"`);
  }
  const password = decodeURIComponent(parsed.password) || readEnv('NEO4J_PASSWORD');
  if (password === undefined) {
    throw new NsgenError(
      'INVALID_CONFIG',
      'Neo4j needs a password: put it in the --graph URL or in NEO4J_PASSWORD',
      {
        where: '--graph',
      },
    );
  }
  const username = decodeURIComponent(parsed.username) || readEnv('NEO4J_USERNAME') || 'neo4j';
  const store = new Neo4jGraphStore({ url: `${parsed.protocol}//${parsed.host}`, username, password });
  await store.connect();
  return store;
}
