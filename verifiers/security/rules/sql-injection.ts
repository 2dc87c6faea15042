/** SQL text assembled from values (formatting, f-strings, templates, concatenation). */
import type { Node } from '../../../src/ast/index.js';
import { walk } from '../../../src/ast/index.js';
import { enclosingFunction, isBuiltString, literalText, namedChildren } from '../syntax.js';
import type { FindingRefinement, SecurityRule } from '../types.js';

/** Bandit's SQL shape test, so both tools agree on what "looks like SQL" means. */
const SQL_SHAPE = /(select\s.*from\s|delete\s+from\s|insert\s+into\s.*values[\s(]|update\s.*set\s)/is;
const SQL_SINKS = new Set([
  'execute',
  'executemany',
  'executescript',
  'mogrify',
  'raw',
  'read_sql',
  'read_sql_query',
  'query',
  'prepare',
  'exec',
  'run',
  'all',
  'get',
  'each',
  '$queryRawUnsafe',
  '$executeRawUnsafe',
]);

const WRAPPERS = new Set([
  'parenthesized_expression',
  'binary_operator',
  'binary_expression',
  'concatenated_string',
]);

function isOutermostBuiltString(node: Node): boolean {
  for (let parent = node.parent; parent && WRAPPERS.has(parent.type); parent = parent.parent) {
    // A parenthesised expression is never matched itself; only the pieces around it count.
    if (parent.type !== 'parenthesized_expression' && isBuiltString(parent)) return false;
  }
  return true;
}

function sinkMethod(call: Node | null): string | undefined {
  const callee = call?.childForFieldName('function');
  if (!callee) return undefined;
  const method = (callee.childForFieldName('attribute') ?? callee.childForFieldName('property'))?.text;
  return method && SQL_SINKS.has(method) ? method : undefined;
}

/** The query reaches `execute(...)` directly, or through a variable passed to one in the same scope. */
function reachesSink(node: Node): string | undefined {
  let current = node;
  while (current.parent && WRAPPERS.has(current.parent.type)) current = current.parent;
  const parent = current.parent;
  if (parent && (parent.type === 'argument_list' || parent.type === 'arguments')) {
    if (namedChildren(parent)[0]?.id === current.id) return sinkMethod(parent.parent);
    return undefined;
  }
  const target =
    parent?.type === 'assignment'
      ? parent.childForFieldName('left')
      : parent?.type === 'variable_declarator'
        ? parent.childForFieldName('name')
        : null;
  if (target?.type !== 'identifier') return undefined;
  const scope = enclosingFunction(node) ?? node.tree.rootNode;
  for (const candidate of walk(scope)) {
    if (candidate.type !== 'call' && candidate.type !== 'call_expression') continue;
    const args = candidate.childForFieldName('arguments');
    if (args && namedChildren(args)[0]?.text === target.text) {
      const method = sinkMethod(candidate);
      if (method) return method;
    }
  }
  return undefined;
}

function checkSql({ node }: { node: Node }): boolean | FindingRefinement {
  if (!isBuiltString(node) || !isOutermostBuiltString(node)) return false;
  if (!SQL_SHAPE.test(literalText(node))) return false;
  const sink = reachesSink(node);
  return sink ? { detail: `passed to ${sink}()` } : { severity: 'medium', detail: 'built SQL text' };
}

export const SQL_INJECTION_RULES: SecurityRule[] = [
  {
    id: 'py-sql-injection',
    cwe: 'CWE-89',
    severity: 'high',
    language: 'python',
    message: 'SQL is built by string formatting',
    fix: 'Use a parameterised query: cursor.execute("... WHERE id = %s", (value,)) (placeholder per driver).',
    query: `[
      (string (interpolation)) @finding
      (binary_operator) @finding
      (call function: (attribute object: [(string) (concatenated_string)] attribute: (identifier))) @finding
    ]`,
    check: checkSql,
    bandit: ['B608'],
  },
  {
    id: 'js-sql-injection',
    cwe: 'CWE-89',
    severity: 'high',
    language: 'script',
    message: 'SQL is built by string interpolation or concatenation',
    fix: 'Use placeholders and pass values separately: db.query("... WHERE id = $1", [value]).',
    query: `[
      (template_string (template_substitution)) @finding
      (binary_expression) @finding
    ]`,
    check: checkSql,
  },
];
