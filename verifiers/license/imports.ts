/**
 * The third-party packages a program imports: Python `import x` / `from x import y`,
 * JavaScript/TypeScript `import ... from 'x'`, `import('x')`, `require('x')`, standard
 * library and relative imports left out.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { query, withTree } from '../../src/ast/index.js';
import { type Language, packageRoot } from '../../src/core/index.js';

/**
 * `sys.stdlib_module_names` of CPython 3.11, generated once with
 * `python3 -c "import sys, json; print(json.dumps(sorted(sys.stdlib_module_names)))"`.
 */
const PYTHON_STDLIB: ReadonlySet<string> = new Set(
  JSON.parse(
    readFileSync(join(packageRoot(), 'verifiers/license/data/python-stdlib-modules.json'), 'utf8'),
  ) as string[],
);
const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules);

/** One imported package and the first line that imports it. */
export interface ImportedPackage {
  name: string;
  line: number;
}

const PYTHON_IMPORTS = `[
  (import_statement name: [(dotted_name) @module (aliased_import name: (dotted_name) @module)])
  (import_from_statement module_name: (dotted_name) @module)
]`;
const SCRIPT_IMPORTS = `[
  (import_statement source: (string (string_fragment) @module))
  (export_statement source: (string (string_fragment) @module))
  (call_expression function: [(identifier) (import)] @callee arguments: (arguments . (string (string_fragment) @module)))
]`;

export function isPythonStdlib(module: string): boolean {
  return PYTHON_STDLIB.has(module.split('.')[0] ?? module);
}

/** `@scope/pkg/sub` → `@scope/pkg`; `pkg/sub` → `pkg`; relative, absolute and builtin specifiers → undefined. */
export function nodePackageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (!name || NODE_BUILTINS.has(name) || NODE_BUILTINS.has(specifier)) return undefined;
  return name;
}

export async function importedPackages(code: string, language: Language): Promise<ImportedPackage[]> {
  const compiled = await query(language, language === 'python' ? PYTHON_IMPORTS : SCRIPT_IMPORTS);
  return withTree(code, language, (tree) => {
    const found = new Map<string, number>();
    for (const match of compiled.matches(tree.rootNode)) {
      const callee = match.captures.find((capture) => capture.name === 'callee')?.node;
      if (callee && callee.text !== 'require' && callee.type !== 'import') continue;
      const module = match.captures.find((capture) => capture.name === 'module')?.node;
      if (!module) continue;
      const name =
        language === 'python'
          ? isPythonStdlib(module.text)
            ? undefined
            : module.text.split('.')[0]
          : nodePackageName(module.text);
      if (name && !found.has(name)) found.set(name, module.startPosition.row + 1);
    }
    return [...found].map(([name, line]) => ({ name, line }));
  });
}
