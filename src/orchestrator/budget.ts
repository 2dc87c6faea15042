/** Limits on one task's episode. Every limit is optional; an absent one is unlimited. */
export interface Budget {
  /** Most candidates verified for the task, across all rounds. */
  maxCandidates?: number;
  /** Most model tokens (prompt + completion) spent on the task. */
  maxTokens?: number;
  /** Most wall-clock time for the task, in milliseconds. */
  maxWallMs?: number;
}

export interface BudgetUse {
  candidates: number;
  tokens: number;
  startedAt: number;
}

/** The first limit that `use` has reached, or undefined while within budget. */
export function exhaustedLimit(budget: Budget, use: BudgetUse, now = performance.now()): string | undefined {
  if (budget.maxCandidates !== undefined && use.candidates >= budget.maxCandidates) return 'candidates';
  if (budget.maxTokens !== undefined && use.tokens >= budget.maxTokens) return 'tokens';
  if (budget.maxWallMs !== undefined && now - use.startedAt >= budget.maxWallMs) return 'wall time';
  return undefined;
}
