/**
 * `unreachable-code`: statements after a `return`, `raise`/`throw`, `break` or `continue`
 * in the same block never run. One finding covers the whole unreachable run of a block.
 * JavaScript function declarations and TypeScript type declarations after the jump are
 * hoisted or compile-time only, so they are not reported.
 */
import { type Node, namedChildrenOf, spanOf, visit } from '../../../src/ast/index.js';
import type { Diagnostic } from '../../../src/core/index.js';
import { finding, type RuleContext } from '../rule-context.js';

const JUMPS = new Set([
  'return_statement',
  'raise_statement',
  'throw_statement',
  'break_statement',
  'continue_statement',
]);

const PYTHON_BLOCKS = new Set(['block', 'module']);
const ECMASCRIPT_BLOCKS = new Set(['statement_block', 'program', 'switch_case', 'switch_default']);

/** Statements that do not run as code where they stand. */
const INERT = new Set([
  'comment',
  'empty_statement',
  'function_declaration',
  'generator_function_declaration',
  'interface_declaration',
  'type_alias_declaration',
  'ambient_declaration',
]);

export function checkUnreachableCode(context: RuleContext): Diagnostic[] {
  const blocks = context.language === 'python' ? PYTHON_BLOCKS : ECMASCRIPT_BLOCKS;
  const diagnostics: Diagnostic[] = [];
  visit(context.tree.rootNode, (node) => {
    if (!blocks.has(node.type)) return true;
    const statements = statementsOf(node);
    const jump = statements.findIndex((statement) => JUMPS.has(statement.type));
    if (jump < 0) return true;
    const dead = statements.slice(jump + 1).filter((statement) => !INERT.has(statement.type));
    if (dead.length > 0) {
      const count = `${dead.length} statement${dead.length === 1 ? '' : 's'}`;
      diagnostics.push(
        finding({
          rule: 'unreachable-code',
          severity: 'warning',
          message: `unreachable code: ${count} after "${statements[jump]!.text.split('\n')[0]}" will never run`,
          at: spanOf(dead[0]!, dead.at(-1)!),
        }),
      );
    }
    return true;
  });
  return diagnostics;
}

/** The statements of a block; a `case` holds its statements in its `body` fields. */
export function statementsOf(block: Node): Node[] {
  if (block.type === 'switch_case' || block.type === 'switch_default') {
    return block.childrenForFieldName('body').filter((child): child is Node => child !== null);
  }
  return namedChildrenOf(block).filter((child) => child.type !== 'comment');
}
