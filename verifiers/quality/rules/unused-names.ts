/**
 * Unused local variables and unused imports.
 *
 * - `unused-variable`: a name bound inside a function (an assignment, a nested function,
 *   a caught exception) that nothing in the function reads. Parameters and loop variables
 *   are left alone (signatures are often fixed; `for _ in` idioms vary), as are names
 *   starting with `_` and Python functions that call `locals()`/`vars()`, which read
 *   variables by name. Module-level names are not checked: the tests appended after the
 *   code may use them.
 * - `unused-import`: an imported name (also `const x = require(...)` at the top level)
 *   read nowhere in the file and, in Python, not listed in `__all__`.
 */
import type { Diagnostic } from '../../../src/core/index.js';
import { type Binding, isReadWithin } from '../name-table.js';
import { finding, type RuleContext } from '../rule-context.js';

const CHECKED_KINDS = new Set<Binding['kind']>(['variable', 'function', 'exception']);

export function checkUnusedVariables(context: RuleContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const binding of context.names.bindings) {
    if (binding.scopeKind !== 'function' || !CHECKED_KINDS.has(binding.kind) || binding.name.startsWith('_'))
      continue;
    const key = `${binding.scope.id}:${binding.name}`;
    if (reported.has(key)) continue;
    if (context.language === 'python' && /\b(locals|vars)\(\s*\)/.test(binding.scope.text)) continue;
    if (isReadWithin(context.names, binding.name, binding.scope)) continue;
    reported.add(key);
    diagnostics.push(
      finding({
        rule: 'unused-variable',
        severity: 'warning',
        message: `${describe(binding)} "${binding.name}" is never used`,
        at: binding.node,
      }),
    );
  }
  return diagnostics;
}

function describe(binding: Binding): string {
  if (binding.kind === 'exception') return 'caught exception';
  if (binding.kind === 'function' || binding.holdsFunction) return 'local function';
  return 'local variable';
}

export function checkUnusedImports(context: RuleContext): Diagnostic[] {
  const exported = context.language === 'python' ? pythonAllNames(context) : new Set<string>();
  const root = context.tree.rootNode;
  return context.names.bindings
    .filter(
      (binding) =>
        binding.kind === 'import' &&
        !exported.has(binding.name) &&
        !isReadWithin(context.names, binding.name, root),
    )
    .map((binding) =>
      finding({
        rule: 'unused-import',
        severity: 'warning',
        message: `"${binding.name}" is imported but never used`,
        at: binding.node,
      }),
    );
}

/** Strings listed in a module-level `__all__ = [...]`. */
function pythonAllNames(context: RuleContext): Set<string> {
  const names = new Set<string>();
  for (const binding of context.names.bindings) {
    if (binding.name !== '__all__' || binding.scopeKind !== 'module') continue;
    const assignment = binding.node.parent;
    const value = assignment?.childForFieldName('right')?.text ?? '';
    for (const match of value.matchAll(/['"]([A-Za-z_]\w*)['"]/g)) names.add(match[1]!);
  }
  return names;
}
