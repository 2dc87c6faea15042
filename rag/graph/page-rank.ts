/**
 * Personalised PageRank over a code graph. Rank flows along edges towards what is used
 * (callees, bases, imported modules, definitions), and the walk restarts at the
 * personalisation nodes (uniform when none are given), so the symbols most used around
 * the focus rank first.
 */
import type { GraphEdge, GraphEdgeKind } from '../../src/core/index.js';

export interface PageRankOptions {
  /** Restart distribution: node id → weight. Uniform over all nodes when empty. */
  personalisation?: ReadonlyMap<string, number>;
  /** @default 0.85 */
  damping?: number;
  /** @default 50 */
  iterations?: number;
  /** Edge weights by kind. @default calls 1, references 1, inherits 1, imports 0.5, defines 0.3 */
  weights?: Partial<Record<GraphEdgeKind, number>>;
}

const DEFAULT_WEIGHTS: Record<GraphEdgeKind, number> = {
  calls: 1,
  references: 1,
  inherits: 1,
  imports: 0.5,
  defines: 0.3,
};

export function pageRank(
  nodeIds: readonly string[],
  edges: readonly GraphEdge[],
  options: PageRankOptions = {},
): Map<string, number> {
  const n = nodeIds.length;
  const ranks = new Map<string, number>();
  if (n === 0) return ranks;
  const index = new Map(nodeIds.map((id, i) => [id, i]));
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const damping = options.damping ?? 0.85;

  const restart = new Float64Array(n);
  let restartTotal = 0;
  for (const [id, weight] of options.personalisation ?? []) {
    const i = index.get(id);
    if (i !== undefined && weight > 0) {
      restart[i]! += weight;
      restartTotal += weight;
    }
  }
  if (restartTotal === 0) restart.fill(1 / n);
  else for (let i = 0; i < n; i++) restart[i]! /= restartTotal;

  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  const outWeight = new Float64Array(n);
  for (const edge of edges) {
    const a = index.get(edge.from);
    const b = index.get(edge.to);
    const w = weights[edge.kind];
    if (a === undefined || b === undefined || w <= 0) continue;
    from.push(a);
    to.push(b);
    weight.push(w);
    outWeight[a]! += w;
  }

  let rank = Float64Array.from(restart);
  for (let iteration = 0; iteration < (options.iterations ?? 50); iteration++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let i = 0; i < n; i++) if (outWeight[i] === 0) dangling += rank[i]!;
    for (let e = 0; e < from.length; e++) {
      const a = from[e]!;
      next[to[e]!]! += (damping * rank[a]! * weight[e]!) / outWeight[a]!;
    }
    // Teleport and dangling mass return to the personalisation.
    const back = 1 - damping + damping * dangling;
    for (let i = 0; i < n; i++) next[i]! += back * restart[i]!;
    rank = next;
  }
  nodeIds.forEach((id, i) => {
    ranks.set(id, rank[i]!);
  });
  return ranks;
}
