import type { Diagnostic, Language } from '../core/index.js';
import { type Node, type Tree, walk, withTree } from './parser.js';

/** How many syntax errors are reported before the rest are summarised. */
const MAX_REPORTED = 20;

/**
 * Syntax errors as diagnostics with 1-based locations: ERROR nodes (unexpected text) and
 * MISSING nodes (something the grammar expected, e.g. a closing bracket).
 */
export function syntaxErrorsOf(tree: Tree): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!tree.rootNode.hasError) return diagnostics;
  for (const node of walk(tree.rootNode)) {
    if (node.isMissing) {
      diagnostics.push(diagnostic(node, `missing ${JSON.stringify(node.type)}`));
    } else if (node.type === 'ERROR') {
      const text = node.text.length > 40 ? `${node.text.slice(0, 40)}…` : node.text;
      diagnostics.push(diagnostic(node, `unexpected ${JSON.stringify(text)}`));
    }
    if (diagnostics.length >= MAX_REPORTED) break;
  }
  if (diagnostics.length === 0) {
    // hasError without a visible ERROR/MISSING node: report the root rather than claim success.
    diagnostics.push(diagnostic(tree.rootNode, 'the source does not parse'));
  }
  return diagnostics;
}

export function syntaxErrors(code: string, language: Language): Promise<Diagnostic[]> {
  return withTree(code, language, syntaxErrorsOf);
}

function diagnostic(node: Node, message: string): Diagnostic {
  return {
    message: `syntax error: ${message}`,
    severity: 'error',
    rule: 'syntax-error',
    location: {
      line: node.startPosition.row + 1,
      column: node.startPosition.column + 1,
      endLine: node.endPosition.row + 1,
      endColumn: node.endPosition.column + 1,
    },
  };
}
