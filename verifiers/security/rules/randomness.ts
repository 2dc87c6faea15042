/** Predictable random numbers; serious where they make tokens, passwords, salts or session ids. */
import type { Node } from '../../../src/ast/index.js';
import { callRule } from '../rule-builders.js';
import { SECRET_CONTEXT } from '../secret-names.js';
import { assignedName, enclosingFunction } from '../syntax.js';
import type { FindingRefinement } from '../types.js';

const PY_RANDOM =
  /^random\.(random|randint|randrange|choice|choices|sample|shuffle|uniform|getrandbits|randbytes|triangular|gauss|normalvariate|betavariate|expovariate|Random)$/;

/** High when the value lands in a secret-looking name or a function that makes one. */
function secretContext(call: Node): FindingRefinement {
  const name = assignedName(call);
  const fn = enclosingFunction(call)?.childForFieldName('name')?.text;
  const where = [name, fn].find((candidate) => candidate !== undefined && SECRET_CONTEXT.test(candidate));
  return where ? { severity: 'high', detail: `used for "${where}"` } : {};
}

export const RANDOMNESS_RULES = [
  callRule({
    id: 'py-insecure-random',
    cwe: 'CWE-330',
    severity: 'low',
    language: 'python',
    message: 'the random module is predictable and must not make secrets',
    fix: 'Use the secrets module (secrets.token_urlsafe, secrets.choice) or random.SystemRandom for anything security-relevant.',
    calls: (name) => PY_RANDOM.test(name),
    check: ({ call }) => secretContext(call),
    bandit: ['B311'],
  }),
  callRule({
    id: 'js-insecure-random',
    cwe: 'CWE-330',
    severity: 'low',
    language: 'script',
    message: 'Math.random() is predictable and must not make secrets',
    fix: 'Use crypto.randomBytes / crypto.randomUUID / crypto.getRandomValues for anything security-relevant.',
    calls: ['Math.random'],
    check: ({ call }) => secretContext(call),
  }),
];
