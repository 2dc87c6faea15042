/**
 * Builds an embedder from its spec: `learned` (the bundled model), `learned:DIR` (a saved
 * model), `hashed[:DIM]` or `openai:MODEL@BASE_URL#DIM`.
 */
import type { Embedder } from '../../src/core/index.js';
import { NsgenError } from '../../src/core/index.js';
import { HashedCodeEmbedder } from './hashed-embedder.js';
import { LearnedCodeEmbedder } from './learned-embedder.js';
import { OpenAIEmbedder } from './openai-embedder.js';

export const EMBEDDER_PROVIDERS = ['learned', 'hashed', 'openai'] as const;

export function resolveEmbedder(spec: string, options: { apiKey?: string } = {}): Embedder {
  const [provider, rest = ''] = spec.split(/:(.*)/s, 2) as [string, string?];
  if (provider === 'learned') {
    if (rest === 'memory') {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        'embedder spec learned:memory names a model that was never saved: save it and use learned:DIR',
      );
    }
    return new LearnedCodeEmbedder(rest ? { directory: rest } : {});
  }
  if (provider === 'hashed') {
    return new HashedCodeEmbedder(rest ? { dimension: Number(rest) } : {});
  }
  if (provider === 'openai') {
    const match = /^([^@]+)@(.+?)#(\d+)$/.exec(rest);
    if (!match) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `embedder spec must look like openai:MODEL@BASE_URL#DIMENSION, got "${spec}"`,
      );
    }
    return new OpenAIEmbedder({
      model: match[1]!,
      baseUrl: match[2]!,
      dimension: Number(match[3]),
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    });
  }
  throw new NsgenError(
    'INVALID_ARGUMENT',
    `unknown embedder "${provider}"; known: ${EMBEDDER_PROVIDERS.join(', ')}`,
  );
}
