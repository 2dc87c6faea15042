/**
 * Secrets written into the code: literals assigned to secret-looking names (kept only when
 * the literal looks like a real secret, by length and Shannon entropy), private key blocks,
 * and well-known token formats.
 */
import type { Node } from '../../../src/ast/index.js';
import { shannonEntropy } from '../entropy.js';
import { isPasswordName, isSecretName } from '../secret-names.js';
import { stringValue } from '../syntax.js';
import type { FindingRefinement, SecurityRule } from '../types.js';

/** Values that name a secret's place rather than being one. */
const PLACEHOLDER =
  /^(\s*|x+|\*+|\.+|changeme|change[-_ ]?me|your[-_ ].*|<.*>|\$\{.*\}|\{\{.*\}\}|%\(?\w*\)?s|\{\w*\}|none|null|undefined|true|false|dummy|test|example|placeholder|redacted|secret|password|token)$/i;

/**
 * Passwords: at least 4 characters and 1.5 bits of entropy per character ('aaaa' is not a
 * password, 'hunter2' is). Keys and tokens: at least 12 characters and 3 bits per
 * character (random base64/hex is 3.5–6), no spaces (prose is not a key).
 */
export function looksLikeSecret(name: string, value: string): boolean {
  if (PLACEHOLDER.test(value)) return false;
  if (/[^\x20-\x7e]/.test(value)) return false;
  if (isPasswordName(name)) return value.length >= 4 && shannonEntropy(value) >= 1.5;
  return value.length >= 12 && !/\s/.test(value) && shannonEntropy(value) >= 3;
}

const PRIVATE_KEY = /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/;

/** Token formats issued by well-known services: a match is a real credential, not a guess. */
const TOKEN_FORMATS: [string, RegExp][] = [
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['GitHub fine-grained token', /\bgithub_pat_[A-Za-z0-9_]{50,}\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['Stripe live key', /\b[sr]k_live_[0-9a-zA-Z]{24,}\b/],
  ['OpenAI API key', /\bsk-(proj-)?[A-Za-z0-9_-]{32,}\b/],
  ['Slack webhook', /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/],
];

function checkNamedSecret({ captures }: { captures: Record<string, Node> }): boolean | FindingRefinement {
  const nameNode = captures.name;
  const value = stringValue(captures.finding);
  if (!nameNode || value === undefined) return false;
  const target =
    nameNode.childForFieldName('attribute') ?? nameNode.childForFieldName('property') ?? nameNode;
  const name = stringValue(target) ?? target.text;
  if (!isSecretName(name) || !looksLikeSecret(name, value)) return false;
  return { detail: `"${name}"` };
}

function checkPrivateKey({ node }: { node: Node }): boolean {
  return PRIVATE_KEY.test(node.text);
}

function checkTokenFormat({ node }: { node: Node }): boolean | FindingRefinement {
  const found = TOKEN_FORMATS.find(([, pattern]) => pattern.test(node.text));
  return found ? { detail: found[0] } : false;
}

const PRIVATE_KEY_MESSAGE = 'a private key is embedded in the source';
const PRIVATE_KEY_FIX =
  'Load keys from a secrets manager or a file outside the repository, and rotate this key.';
const TOKEN_MESSAGE = 'a credential in a well-known token format is embedded in the source';
const TOKEN_FIX = 'Revoke the token, and read credentials from the environment or a secrets manager.';
const NAMED_FIX =
  'Read the secret from the environment or a secrets manager (os.environ / process.env), never from a literal.';

export const CREDENTIAL_RULES: SecurityRule[] = [
  {
    id: 'py-hardcoded-secret',
    cwe: 'CWE-798',
    severity: 'high',
    language: 'python',
    message: 'a hard-coded credential is assigned to a secret-looking name',
    fix: NAMED_FIX,
    query: `[
      (assignment left: [(identifier) (attribute)] @name right: (string) @finding)
      (keyword_argument name: (identifier) @name value: (string) @finding)
      (default_parameter name: (identifier) @name value: (string) @finding)
      (typed_default_parameter name: (identifier) @name value: (string) @finding)
      (pair key: (string) @name value: (string) @finding)
      (comparison_operator [(identifier) (attribute)] @name (string) @finding)
    ]`,
    check: checkNamedSecret,
    bandit: ['B105', 'B106', 'B107'],
  },
  {
    id: 'py-private-key',
    cwe: 'CWE-321',
    severity: 'critical',
    language: 'python',
    message: PRIVATE_KEY_MESSAGE,
    fix: PRIVATE_KEY_FIX,
    query: '(string) @finding',
    check: checkPrivateKey,
  },
  {
    id: 'py-known-token',
    cwe: 'CWE-798',
    severity: 'critical',
    language: 'python',
    message: TOKEN_MESSAGE,
    fix: TOKEN_FIX,
    query: '(string) @finding',
    check: checkTokenFormat,
  },
  {
    id: 'js-hardcoded-secret',
    cwe: 'CWE-798',
    severity: 'high',
    language: 'script',
    message: 'a hard-coded credential is assigned to a secret-looking name',
    fix: NAMED_FIX,
    query: `[
      (variable_declarator name: (identifier) @name value: [(string) (template_string)] @finding)
      (assignment_expression left: [(identifier) (member_expression)] @name right: [(string) (template_string)] @finding)
      (pair key: [(property_identifier) (string)] @name value: [(string) (template_string)] @finding)
      (binary_expression left: [(identifier) (member_expression)] @name right: (string) @finding)
    ]`,
    check: checkNamedSecret,
  },
  {
    id: 'js-private-key',
    cwe: 'CWE-321',
    severity: 'critical',
    language: 'script',
    message: PRIVATE_KEY_MESSAGE,
    fix: PRIVATE_KEY_FIX,
    query: '[(string) (template_string)] @finding',
    check: checkPrivateKey,
  },
  {
    id: 'js-known-token',
    cwe: 'CWE-798',
    severity: 'critical',
    language: 'script',
    message: TOKEN_MESSAGE,
    fix: TOKEN_FIX,
    query: '[(string) (template_string)] @finding',
    check: checkTokenFormat,
  },
];
