/** Broken hashes, broken ciphers, ECB mode and short keys. */
import { callRule } from '../rule-builders.js';
import { keywordArgument, positionalArguments, stringValue } from '../syntax.js';
import type { SecurityRule } from '../types.js';

const WEAK_HASH_NAMES = /^(md2|md4|md5|sha1|sha-1|ripemd|ripemd160|rmd160)$/i;
const PY_WEAK_HASH_CALLS =
  /^(hashlib\.(md4|md5|sha1)|(Crypto|Cryptodome)\.Hash\.(MD2|MD4|MD5|SHA|SHA1)\.new|cryptography\.hazmat\.primitives\.hashes\.(MD5|SHA1))$/;
const PY_WEAK_CIPHERS =
  /^((Crypto|Cryptodome)\.Cipher\.(ARC2|ARC4|Blowfish|DES|XOR)\.new|cryptography\.hazmat\.primitives\.ciphers\.algorithms\.(ARC4|Blowfish|IDEA|CAST5|SEED|TripleDES))$/;
const JS_WEAK_CIPHER = /(^|-)(des|des3|rc2|rc4|bf|blowfish|cast|idea|seed)(-|$)|-ecb$|^des-ede/i;

export const CRYPTO_RULES: SecurityRule[] = [
  callRule({
    id: 'py-weak-hash',
    cwe: 'CWE-328',
    severity: 'medium',
    language: 'python',
    message: 'MD5/SHA-1 are broken for security purposes (collisions, fast brute force)',
    fix: 'Use hashlib.sha256 (or blake2b); for passwords use hashlib.scrypt/argon2; pass usedforsecurity=False for non-security checksums.',
    calls: (name) => PY_WEAK_HASH_CALLS.test(name) || name === 'hashlib.new',
    check: ({ name, args }) => {
      if (keywordArgument(args, 'usedforsecurity')?.text === 'False') return false;
      if (name !== 'hashlib.new') return { detail: name };
      const algorithm = stringValue(positionalArguments(args)[0] ?? keywordArgument(args, 'name'));
      return algorithm !== undefined && WEAK_HASH_NAMES.test(algorithm)
        ? { detail: `hashlib.new('${algorithm}')` }
        : false;
    },
    bandit: ['B303', 'B324'],
  }),
  callRule({
    id: 'py-weak-cipher',
    cwe: 'CWE-327',
    severity: 'high',
    language: 'python',
    message: 'the cipher is broken or has a too-small block/key size (DES, RC4, Blowfish, ...)',
    fix: 'Use AES-GCM or ChaCha20-Poly1305 (cryptography.hazmat.primitives.ciphers.aead).',
    calls: (name) => PY_WEAK_CIPHERS.test(name),
    check: ({ name }) => ({ detail: name }),
    bandit: ['B304'],
  }),
  {
    id: 'py-ecb-mode',
    cwe: 'CWE-327',
    severity: 'medium',
    language: 'python',
    message: 'ECB mode encrypts equal blocks to equal ciphertext and leaks patterns',
    fix: 'Use an authenticated mode: AES-GCM, or ChaCha20-Poly1305.',
    query: '(attribute attribute: (identifier) @mode (#match? @mode "^(MODE_ECB|ECB)$")) @finding',
    check: ({ node, context }) => {
      const name = context.qualifiedName(node) ?? node.text;
      return name.endsWith('.MODE_ECB') || /(^|\.)modes\.ECB$/.test(name);
    },
    bandit: ['B305'],
  },
  callRule({
    id: 'py-weak-key-size',
    cwe: 'CWE-326',
    severity: 'medium',
    language: 'python',
    message: 'the key is too short to resist factoring or brute force',
    fix: 'Use at least 2048-bit RSA/DSA keys (3072 recommended), or an elliptic curve such as P-256/Ed25519.',
    calls: (name) =>
      /(^|\.)(rsa|dsa)\.generate_private_key$/.test(name) ||
      /^(Crypto|Cryptodome)\.PublicKey\.(RSA|DSA)\.generate$/.test(name),
    check: ({ args }) => {
      const size =
        keywordArgument(args, 'key_size') ??
        keywordArgument(args, 'bits') ??
        positionalArguments(args).find((arg) => arg.type === 'integer');
      if (size?.type !== 'integer') return false;
      const bits = Number(size.text.replace(/_/g, ''));
      if (bits >= 2048) return false;
      return bits < 1024 ? { severity: 'high', detail: `${bits} bits` } : { detail: `${bits} bits` };
    },
    bandit: ['B505'],
  }),
  callRule({
    id: 'js-weak-hash',
    cwe: 'CWE-328',
    severity: 'medium',
    language: 'script',
    message: 'MD5/SHA-1 are broken for security purposes (collisions, fast brute force)',
    fix: "Use createHash('sha256'); for passwords use crypto.scrypt or argon2.",
    calls: (name) => /^crypto\.(createHash|createHmac|subtle\.digest)$/.test(name) || name === 'createHash',
    check: ({ args, method }) => {
      const algorithm = stringValue(positionalArguments(args)[0]);
      if (algorithm === undefined || !WEAK_HASH_NAMES.test(algorithm)) return false;
      // HMAC-SHA1 is still sound; HMAC-MD5 is merely discouraged.
      return method === 'createHmac'
        ? { severity: 'low', detail: `HMAC-${algorithm}` }
        : { detail: algorithm };
    },
  }),
  callRule({
    id: 'js-weak-cipher',
    cwe: 'CWE-327',
    severity: 'high',
    language: 'script',
    message: 'the cipher or mode is broken (DES, RC4, ECB, or createCipher without an IV)',
    fix: "Use createCipheriv('aes-256-gcm', key, iv) with a random 12-byte IV and check the auth tag.",
    calls: (name) => /^crypto\.(createCipher|createDecipher|createCipheriv|createDecipheriv)$/.test(name),
    check: ({ args, method }) => {
      if (method === 'createCipher' || method === 'createDecipher')
        return { detail: `${method} derives the key with MD5 and no IV` };
      const algorithm = stringValue(positionalArguments(args)[0]);
      return algorithm !== undefined && JS_WEAK_CIPHER.test(algorithm) ? { detail: algorithm } : false;
    },
  }),
];
