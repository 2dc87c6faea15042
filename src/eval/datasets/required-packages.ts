import { builtinModules } from 'node:module';

const NODE_BUILTINS = new Set(builtinModules);

/**
 * npm packages a JavaScript/TypeScript source loads with `require('x')`, `import ... from 'x'`
 * or `import('x')`, leaving out Node's own modules and relative paths. Benchmarks that need a
 * package (HumanEval-JS 162 needs `js-md5`) say so in metadata instead of failing mysteriously.
 */
export function requiredNpmPackages(...sources: string[]): string[] {
  const found = new Set<string>();
  const patterns = [
    /\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
    /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
    // Statements only: prose in doc comments says things like "from 'zero' to 'nine'".
    /^[ \t]*(?:import|export)[ \t]+(?:[^'";\n]*?[ \t]from[ \t]*)?(['"])([^'"]+)\1/gm,
  ];
  for (const source of sources) {
    for (const pattern of patterns) {
      for (const match of source.matchAll(pattern)) {
        const specifier = match[2]!;
        if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
        const name = packageName(specifier);
        if (!NODE_BUILTINS.has(name)) found.add(name);
      }
    }
  }
  return [...found].sort();
}

/** `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
