/**
 * String outputs as concatenations of enumerated terms: a breadth-first walk over
 * positions in the expected outputs, each step a term whose value continues every output
 * where the last one stopped. `"N.F."` becomes first letter ++ "." ++ letter after the
 * space ++ "."; four small terms instead of one large one that enumeration would reach
 * only at a size it never gets to.
 */

import type { Term } from './enumerate.js';
import type { Program } from './language.js';

export interface ConcatenateInput {
  /** Terms of sort String, smallest first. */
  terms: readonly Term[];
  outputs: readonly string[];
  maxPieces: number;
  /** Positions visited before giving up, bounding the time spent. */
  maxStates: number;
  deadline: number;
}

export function concatenate(input: ConcatenateInput): Program | undefined {
  const { terms, outputs } = input;
  const width = outputs.length;
  // Terms that are nonempty somewhere and a substring of the output wherever they are nonempty.
  const pieces = terms.filter((term) => {
    let nonempty = false;
    for (let j = 0; j < width; j++) {
      const value = term.values[j] as string;
      if (value.length === 0) continue;
      nonempty = true;
      if (!outputs[j]!.includes(value)) return false;
    }
    return nonempty;
  });
  interface State {
    positions: number[];
    program: Program | undefined;
    depth: number;
  }
  const visited = new Set<string>(['0'.repeat(width)]);
  let frontier: State[] = [{ positions: new Array<number>(width).fill(0), program: undefined, depth: 0 }];
  while (frontier.length > 0) {
    const next: State[] = [];
    for (const state of frontier) {
      if (performance.now() > input.deadline) return undefined;
      for (const piece of pieces) {
        const positions = new Array<number>(width);
        let fits = true;
        for (let j = 0; j < width; j++) {
          const value = piece.values[j] as string;
          const at = state.positions[j]!;
          if (!outputs[j]!.startsWith(value, at)) {
            fits = false;
            break;
          }
          positions[j] = at + value.length;
        }
        if (!fits) continue;
        const key = positions.join(',');
        if (visited.has(key)) continue;
        visited.add(key);
        const program: Program = state.program
          ? { kind: 'call', op: 'str.++', args: [state.program, piece.program], sort: 'String' }
          : piece.program;
        if (positions.every((position, j) => position === outputs[j]!.length)) return program;
        if (state.depth + 1 < input.maxPieces && visited.size < input.maxStates) {
          next.push({ positions, program, depth: state.depth + 1 });
        }
      }
    }
    frontier = next;
  }
  return undefined;
}
