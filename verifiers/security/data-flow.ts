/**
 * Just enough data flow for rules: what a local name was assigned in the same function (or
 * module), so `cmd = f"ls {d}"; os.system(cmd)` is seen as running a built string.
 */
import type { Node } from '../../src/ast/index.js';
import { walk } from '../../src/ast/index.js';
import { enclosingFunction } from './syntax.js';

/** The right-hand sides assigned to `name` in the scope around `use` (before or after it). */
export function assignedValues(use: Node, name: string): Node[] {
  const scope = enclosingFunction(use) ?? use.tree.rootNode;
  const values: Node[] = [];
  for (const node of walk(scope)) {
    if (node.type === 'assignment' || node.type === 'assignment_expression') {
      if (node.childForFieldName('left')?.text === name) {
        const right = node.childForFieldName('right');
        if (right) values.push(right);
      }
    } else if (node.type === 'variable_declarator') {
      if (node.childForFieldName('name')?.text === name) {
        const value = node.childForFieldName('value');
        if (value) values.push(value);
      }
    }
  }
  return values;
}

/** The node itself plus, for a plain identifier, what it was assigned. */
export function valueAndSources(node: Node): Node[] {
  if (node.type !== 'identifier') return [node];
  return [node, ...assignedValues(node, node.text)];
}
