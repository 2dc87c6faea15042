/** Deserialisers that can build arbitrary objects and so run code chosen by the data. */
import { callRule } from '../rule-builders.js';
import { keywordArgument, positionalArguments } from '../syntax.js';
import type { SecurityRule } from '../types.js';

const SAFE_YAML_LOADERS = /(^|\.)(SafeLoader|CSafeLoader|BaseLoader|CBaseLoader)$/;

export const DESERIALIZATION_RULES: SecurityRule[] = [
  callRule({
    id: 'py-pickle',
    cwe: 'CWE-502',
    severity: 'high',
    language: 'python',
    message: 'unpickling runs code chosen by whoever wrote the data',
    fix: 'Load untrusted data with json (or a schema-checked format); only unpickle data this program wrote and authenticated.',
    calls: (name) =>
      /^((c|_)?[pP]ickle\.(loads?|Unpickler)|dill\.(loads?|Unpickler)|shelve\.(open|DbfilenameShelf)|jsonpickle\.(decode|unpickler\.decode)|pandas\.read_pickle|torch\.load)$/.test(
        name,
      ),
    check: ({ name, args }) => {
      if (name === 'torch.load')
        return keywordArgument(args, 'weights_only')?.text === 'True' ? false : { detail: name };
      return { detail: name };
    },
    bandit: ['B301', 'B614'],
  }),
  callRule({
    id: 'py-marshal',
    cwe: 'CWE-502',
    severity: 'medium',
    language: 'python',
    message: 'marshal data is not safe against malicious input',
    fix: 'Use json for data exchange; marshal is for the interpreter’s own trusted .pyc files.',
    calls: ['marshal.load', 'marshal.loads'],
    bandit: ['B302'],
  }),
  callRule({
    id: 'py-yaml-load',
    cwe: 'CWE-502',
    severity: 'high',
    language: 'python',
    message: 'yaml.load without SafeLoader can construct arbitrary Python objects',
    fix: 'Use yaml.safe_load(data) or yaml.load(data, Loader=yaml.SafeLoader).',
    calls: [
      'yaml.load',
      'yaml.load_all',
      'yaml.unsafe_load',
      'yaml.unsafe_load_all',
      'yaml.full_load',
      'yaml.full_load_all',
    ],
    check: ({ name, args, context }) => {
      if (name.includes('unsafe') || name.includes('full_load')) return { detail: name };
      const loader = keywordArgument(args, 'Loader') ?? positionalArguments(args)[1];
      if (!loader) return { detail: 'no Loader given' };
      const loaderName = context.qualifiedName(loader) ?? loader.text;
      return SAFE_YAML_LOADERS.test(loaderName) ? false : { detail: `Loader=${loader.text}` };
    },
    bandit: ['B506'],
  }),
  callRule({
    id: 'js-unsafe-deserialization',
    cwe: 'CWE-502',
    severity: 'critical',
    language: 'script',
    message: 'this deserialiser revives functions and runs code embedded in the data',
    fix: 'Exchange data as JSON (JSON.parse) and validate it with a schema.',
    calls: (name) =>
      /^(node-serialize\.unserialize|serialize-to-js\.deserialize|funcster\.deepDeserialize|cryo\.parse)$/.test(
        name,
      ),
  }),
];
