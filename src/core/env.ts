/**
 * The one module that reads `process.env`: everything else receives settings as options.
 */

/** Returns a variable's value, or undefined when unset or empty. */
export function readEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}
