/** Names that say "this holds a secret", compared after dropping case, `_` and `-`. */
const SECRET_NAME_ENDINGS = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'signingkey',
  'encryptionkey',
  'authkey',
  'credential',
  'credentials',
];

/** True for names like `password`, `DB_PASSWD`, `apiKey`, `auth_token`, `client_secret`. */
export function isSecretName(name: string): boolean {
  const flat = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_NAME_ENDINGS.some((ending) => flat.endsWith(ending));
}

/** Passwords are short and human; keys and tokens are long and random. */
export function isPasswordName(name: string): boolean {
  const flat = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return ['password', 'passwd', 'pwd', 'passphrase'].some((ending) => flat.endsWith(ending));
}

/** Names of values that must be unpredictable: tokens, salts, nonces, session ids, OTPs. */
export const SECRET_CONTEXT =
  /(token|secret|passw|pwd|salt|nonce|otp|session|csrf|api_?key|apikey|credential|reset_?code|verification)/i;
