/**
 * Model specs (`provider:argument`) resolved to language models, the registry habit of
 * vercel/ai: `replay:canonical`, `replay:PATH.jsonl`, `openai:MODEL[@BASE_URL]`, and
 * providers the edge adds (the in-process `tfjs:` model lives in `training/`, which this
 * layer may not import: the CLI registers it through `providers`).
 */
import { isNsgenError, type LanguageModel, NsgenError } from '../core/index.js';
import { createOpenAIModel, type OpenAIProviderOptions } from './openai/index.js';
import { createReplayModel } from './replay.js';

/** Builds a model from the part of the spec after `provider:`. */
export type ModelFactory = (
  argument: string,
  context: { spec: string; options: ResolveOptions },
) => LanguageModel;

/** A provider the registry knows: how to build it, and how to write its specs. */
export interface ModelProvider {
  create: ModelFactory;
  /** The spec forms, for error messages and help text (`openai:MODEL[@BASE_URL]`). */
  forms: string[];
}

export interface ResolveOptions {
  /** Options of the `openai` provider: API key, timeouts, retries, fetch override. */
  openai?: OpenAIProviderOptions;
  /** Further providers (or replacements), keyed by the name written before the colon. */
  providers?: Record<string, ModelProvider>;
}

/** Providers that exist in some build but are registered by the edge, with their forms. */
const EDGE_PROVIDERS: Record<string, { forms: string[]; why: string }> = {
  tfjs: {
    forms: ['tfjs:CHECKPOINT_DIR'],
    why: 'the in-process TensorFlow.js model is registered by the command line and the SDK (training/); pass it in ResolveOptions.providers',
  },
};

export const BUILT_IN_PROVIDERS: Record<string, ModelProvider> = {
  replay: {
    forms: ['replay:canonical', 'replay:PATH.jsonl'],
    create: (argument) => createReplayModel(argument),
  },
  openai: {
    forms: ['openai:MODEL', 'openai:MODEL@BASE_URL'],
    create: (argument, { spec, options }) => {
      const { modelId, baseURL } = parseOpenAIArgument(argument, spec);
      const settings = { ...options.openai, modelId, spec };
      return createOpenAIModel(baseURL === undefined ? settings : { ...settings, baseURL });
    },
  },
};

/**
 * Resolves a model spec. Throws `UNKNOWN_MODEL` for a malformed spec or an unknown or
 * unavailable provider, listing the valid providers and spec forms.
 *
 * @example
 * resolveModel('openai:qwen2.5-coder@http://127.0.0.1:8000/v1', { openai: { timeoutMs: 60_000 } });
 */
export function resolveModel(spec: string, options: ResolveOptions = {}): LanguageModel {
  const providers = { ...BUILT_IN_PROVIDERS, ...options.providers };
  const colon = spec.indexOf(':');
  const name = colon === -1 ? '' : spec.slice(0, colon).trim();
  const argument = colon === -1 ? '' : spec.slice(colon + 1);
  if (name === '' || argument.trim() === '') {
    throw new NsgenError(
      'UNKNOWN_MODEL',
      `malformed model spec "${spec}": expected PROVIDER:ARGUMENT. ${validSpecs(providers)}`,
    );
  }
  const provider = providers[name];
  if (!provider) {
    const edge = EDGE_PROVIDERS[name];
    const reason = edge
      ? `the "${name}" provider is not available here (${edge.why})`
      : `unknown model provider "${name}"`;
    throw new NsgenError('UNKNOWN_MODEL', `${reason} in "${spec}". ${validSpecs(providers)}`);
  }
  try {
    return provider.create(argument, { spec, options });
  } catch (error) {
    if (isNsgenError(error) && error.code === 'UNKNOWN_MODEL') {
      throw new NsgenError('UNKNOWN_MODEL', `${error.message}. ${validSpecs(providers)}`, { cause: error });
    }
    throw error;
  }
}

/** The providers a spec may name, with their forms (for help text). */
export function modelSpecForms(options: ResolveOptions = {}): string[] {
  const providers = { ...BUILT_IN_PROVIDERS, ...options.providers };
  return Object.values(providers).flatMap((provider) => provider.forms);
}

function validSpecs(providers: Record<string, ModelProvider>): string {
  const names = Object.keys(providers);
  const forms = Object.values(providers).flatMap((provider) => provider.forms);
  for (const [name, edge] of Object.entries(EDGE_PROVIDERS)) {
    if (!(name in providers)) forms.push(...edge.forms.map((form) => `${form} (when registered)`));
  }
  return `Valid providers: ${names.join(', ')}. Spec forms: ${forms.join(', ')}.`;
}

/**
 * Splits `MODEL@BASE_URL` at the `@` that starts an http(s) URL, so that model names with
 * `@` or `:` (`qwen2.5-coder:7b`, `org/model@v2`) survive.
 */
export function parseOpenAIArgument(argument: string, spec: string): { modelId: string; baseURL?: string } {
  const match = /^(.*?)@(https?:\/\/.*)$/.exec(argument);
  const modelId = (match ? match[1] : argument)?.trim() ?? '';
  if (modelId === '') {
    throw new NsgenError(
      'UNKNOWN_MODEL',
      `malformed model spec "${spec}": the model name is missing (openai:MODEL or openai:MODEL@BASE_URL)`,
    );
  }
  if (!match) {
    if (/@[a-z][a-z0-9+.-]*:\/\//i.test(argument)) {
      throw new NsgenError(
        'UNKNOWN_MODEL',
        `malformed model spec "${spec}": the base URL must start with http:// or https://`,
      );
    }
    return { modelId };
  }
  const baseURL = match[2] ?? '';
  try {
    new URL(baseURL);
  } catch (error) {
    throw new NsgenError('UNKNOWN_MODEL', `malformed model spec "${spec}": "${baseURL}" is not a URL`, {
      cause: error,
    });
  }
  return { modelId, baseURL };
}
