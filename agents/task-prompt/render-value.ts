import type { Language } from '../../src/core/index.js';

/** A JSON value as a literal of the task's language (Python: `None`, `True`, `{"a": 1}`). */
export function renderValue(value: unknown, language: Language): string {
  const python = language === 'python';
  if (value === null) return python ? 'None' : 'null';
  if (value === undefined) return python ? 'None' : 'undefined';
  if (typeof value === 'boolean') return python ? (value ? 'True' : 'False') : String(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return python ? "float('nan')" : 'NaN';
    if (!Number.isFinite(value)) return python ? `float('${value > 0 ? 'inf' : '-inf'}')` : String(value);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => renderValue(item, language)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, item]) => `${JSON.stringify(key)}: ${renderValue(item, language)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

/** A call of the entry point, for examples and counterexamples: `clamp(5, 0, 3)`. */
export function renderCall(
  entryPoint: string,
  input: unknown[] | Record<string, unknown>,
  language: Language,
): string {
  if (Array.isArray(input))
    return `${entryPoint}(${input.map((item) => renderValue(item, language)).join(', ')})`;
  const named = Object.entries(input).map(([name, item]) => `${name}=${renderValue(item, language)}`);
  return `${entryPoint}(${named.join(', ')})`;
}
