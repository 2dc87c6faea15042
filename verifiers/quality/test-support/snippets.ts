/** Shared by the quality verifier's tests: a task and a candidate from a snippet. */
import type { Candidate, Diagnostic, Language, Task, Verdict } from '../../../src/core/index.js';
import { createQualityVerifier, type QualityVerifierOptions } from '../quality-verifier.js';

export function taskFor(language: Language, overrides: Partial<Task> = {}): Task {
  return { id: 'task', language, prompt: '', entryPoint: 'solve', ...overrides };
}

export function candidateOf(code: string): Candidate {
  return { id: 'candidate', taskId: 'task', code, origin: { agent: 'test', mode: 'neural', repairRound: 0 } };
}

const shared = createQualityVerifier();

/** Runs the quality verifier (default options unless given) on a snippet. */
export function verifyQuality(
  language: Language,
  code: string,
  options: { task?: Partial<Task>; verifier?: QualityVerifierOptions } = {},
): Promise<Verdict> {
  const verifier = options.verifier ? createQualityVerifier(options.verifier) : shared;
  return verifier.verify(candidateOf(code), taskFor(language, options.task));
}

/** The findings of one rule for a snippet. */
export async function findingsOf(
  rule: string,
  language: Language,
  code: string,
  options: { task?: Partial<Task>; verifier?: QualityVerifierOptions } = {},
): Promise<Diagnostic[]> {
  const verdict = await verifyQuality(language, code, options);
  return verdict.diagnostics.filter((diagnostic) => diagnostic.rule === rule);
}
