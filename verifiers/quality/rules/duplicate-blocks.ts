/**
 * `duplicate-block`: a run of consecutive statements that repeats, token for token
 * (comments and layout ignored), a run elsewhere in the file. Runs shorter than
 * `duplicateMinTokens` tokens are not worth a helper and are ignored. The first copy is
 * the original; each later copy is a finding, and a repeat nested inside a reported one
 * (the body of a duplicated loop, say) is not reported again.
 */
import { type Node, rangeOf, visit } from '../../../src/ast/index.js';
import type { Diagnostic } from '../../../src/core/index.js';
import { finding, type RuleContext } from '../rule-context.js';
import { statementsOf } from './unreachable-code.js';

const PYTHON_BLOCKS = new Set(['block', 'module']);
const ECMASCRIPT_BLOCKS = new Set(['statement_block', 'program', 'switch_case', 'switch_default']);

interface Token {
  text: string;
  start: number;
}

interface Run {
  block: number;
  first: Node;
  last: Node;
}

export function checkDuplicateBlocks(context: RuleContext): Diagnostic[] {
  const tokens = tokensOf(context.tree.rootNode);
  const blocks = context.language === 'python' ? PYTHON_BLOCKS : ECMASCRIPT_BLOCKS;
  const runsByKey = new Map<string, Run[]>();
  visit(context.tree.rootNode, (node) => {
    if (!blocks.has(node.type)) return true;
    const statements = statementsOf(node);
    for (let i = 0; i < statements.length; i++) {
      // The shortest run from statement i that reaches the token minimum.
      const from = lowerBound(tokens, statements[i]!.startIndex);
      for (let j = i; j < statements.length; j++) {
        const to = lowerBound(tokens, statements[j]!.endIndex);
        if (to - from < context.duplicateMinTokens) continue;
        const key = tokens
          .slice(from, to)
          .map((token) => token.text)
          .join('\u0000');
        const runs = runsByKey.get(key) ?? [];
        runs.push({ block: node.id, first: statements[i]!, last: statements[j]! });
        runsByKey.set(key, runs);
        break;
      }
    }
    return true;
  });

  const copies: Array<{ run: Run; original: Run }> = [];
  for (const runs of runsByKey.values()) {
    if (runs.length < 2) continue;
    let kept = runs[0]!;
    for (const run of runs.slice(1)) {
      if (run.first.startIndex < kept.last.endIndex) continue;
      copies.push({ run, original: runs[0]! });
      kept = run;
    }
  }
  return mergeCopies(copies).map(({ first, last, original }) => {
    const from = rangeOf(original.first).line;
    const to = rangeOf(original.last).endLine;
    const lines = from === to ? `line ${from}` : `lines ${from}-${to}`;
    return finding({
      rule: 'duplicate-block',
      severity: 'warning',
      message: `these statements repeat ${lines}; a shared helper or loop would say it once`,
      at: { ...rangeOf(first), endLine: last.endPosition.row + 1, endColumn: last.endPosition.column + 1 },
    });
  });
}

interface Region {
  block: number;
  first: Node;
  last: Node;
  original: Run;
}

/** Joins overlapping copies in one block and drops copies nested in another. */
function mergeCopies(copies: Array<{ run: Run; original: Run }>): Region[] {
  const sorted = copies
    .map(({ run, original }): Region => ({ block: run.block, first: run.first, last: run.last, original }))
    .sort((a, b) => a.first.startIndex - b.first.startIndex || b.last.endIndex - a.last.endIndex);
  const regions: Region[] = [];
  for (const region of sorted) {
    const previous = regions.at(-1);
    if (previous && region.first.startIndex < previous.last.endIndex) {
      if (previous.block === region.block && region.last.endIndex > previous.last.endIndex)
        previous.last = region.last;
      continue;
    }
    regions.push(region);
  }
  return regions;
}

const COMMENTS = new Set(['comment', 'html_comment']);

/** Leaf tokens of the file, comments left out, in order. */
function tokensOf(root: Node): Token[] {
  const tokens: Token[] = [];
  visit(root, (node) => {
    if (COMMENTS.has(node.type)) return false;
    if (node.childCount === 0 && node.endIndex > node.startIndex)
      tokens.push({ text: node.text, start: node.startIndex });
    return true;
  });
  return tokens;
}

/** The index of the first token starting at or after `offset`. */
function lowerBound(tokens: Token[], offset: number): number {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (tokens[middle]!.start < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}
