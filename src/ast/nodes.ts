/**
 * Small helpers over tree-sitter nodes shared by the structure extractors: child lists
 * without the nulls web-tree-sitter allows, 1-based ranges, and a pruning traversal.
 */
import type { SourceLocation } from '../core/index.js';
import type { Node } from './parser.js';

/** A 1-based line/column range; `endColumn` is one past the last character. */
export type SourceRange = Required<SourceLocation>;

export function rangeOf(node: Node): SourceRange {
  return {
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

/** A range from the start of `first` to the end of `last`. */
export function spanOf(first: Node, last: Node): SourceRange {
  return { ...rangeOf(first), endLine: last.endPosition.row + 1, endColumn: last.endPosition.column + 1 };
}

export function childrenOf(node: Node): Node[] {
  return node.children.filter((child): child is Node => child !== null);
}

export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

/**
 * Depth-first, pre-order traversal. `enter` returns false to skip a node's children
 * (it is called for the node itself either way).
 */
export function visit(node: Node, enter: (node: Node) => boolean): void {
  if (!enter(node)) return;
  for (const child of childrenOf(node)) visit(child, enter);
}

/** The nearest ancestor (not the node itself) for which `test` holds. */
export function ancestor(node: Node, test: (candidate: Node) => boolean): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (test(current)) return current;
  }
  return undefined;
}
