/**
 * Every built-in rule, one module per family. Ids are stable: tests, Bandit mappings and
 * reports refer to them.
 */
import type { SecurityRule } from '../types.js';
import { ASSERTION_RULES } from './assertions.js';
import { CODE_EXECUTION_RULES } from './code-execution.js';
import { CREDENTIAL_RULES } from './credentials.js';
import { CRYPTO_RULES } from './crypto.js';
import { DESERIALIZATION_RULES } from './deserialization.js';
import { FILESYSTEM_RULES } from './filesystem.js';
import { NETWORK_RULES } from './network.js';
import { PATH_TRAVERSAL_RULES } from './path-traversal.js';
import { RANDOMNESS_RULES } from './randomness.js';
import { SHELL_INJECTION_RULES } from './shell-injection.js';
import { SQL_INJECTION_RULES } from './sql-injection.js';
import { TLS_RULES } from './tls.js';
import { WEB_RULES } from './web.js';

export { looksLikeSecret } from './credentials.js';

export const SECURITY_RULES: readonly SecurityRule[] = Object.freeze([
  ...CODE_EXECUTION_RULES,
  ...SHELL_INJECTION_RULES,
  ...SQL_INJECTION_RULES,
  ...DESERIALIZATION_RULES,
  ...CRYPTO_RULES,
  ...RANDOMNESS_RULES,
  ...CREDENTIAL_RULES,
  ...TLS_RULES,
  ...PATH_TRAVERSAL_RULES,
  ...FILESYSTEM_RULES,
  ...NETWORK_RULES,
  ...WEB_RULES,
  ...ASSERTION_RULES,
]);
