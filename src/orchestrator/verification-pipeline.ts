/**
 * Staged verification: verifiers run cheapest first; a hard verifier that does not pass
 * stops the stages after it. Verdicts are cached by (task, code, verifier) hash, so a
 * repair that reproduces an earlier program, or a duplicate sample, costs nothing.
 */
import {
  type CallOptions,
  type Candidate,
  contentHash,
  errorInfo,
  type Task,
  type Verdict,
  type Verifier,
} from '../core/index.js';

export interface VerificationResult {
  verdicts: Verdict[];
  /** True when every applicable hard verifier passed (a skipped one does not count against). */
  passed: boolean;
}

export interface VerificationPipelineOptions {
  verifiers: Verifier[];
  /** Most cached verdict sets kept; the oldest go first. @default 10_000 */
  cacheSize?: number;
}

export class VerificationPipeline {
  readonly verifiers: readonly Verifier[];
  private readonly cache = new Map<string, VerificationResult>();
  private readonly cacheSize: number;

  constructor(options: VerificationPipelineOptions) {
    // Stable sort: equal costs keep the order the caller gave.
    this.verifiers = [...options.verifiers].sort((a, b) => a.cost - b.cost);
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  async verify(candidate: Candidate, task: Task, options: CallOptions = {}): Promise<VerificationResult> {
    const key = contentHash(task.id, task.tests ?? '', JSON.stringify(task.contract ?? null), candidate.code);
    const cached = this.cache.get(key);
    if (cached) return cached;

    const verdicts: Verdict[] = [];
    let passed = true;
    for (const verifier of this.verifiers) {
      if (!verifier.appliesTo(task)) continue;
      const verdict = await runVerifier(verifier, candidate, task, options);
      verdicts.push(verdict);
      if (verifier.hard && (verdict.status === 'fail' || verdict.status === 'error')) {
        passed = false;
        break;
      }
    }
    const result = { verdicts, passed };
    if (!options.signal?.aborted) this.remember(key, result);
    return result;
  }

  private remember(key: string, result: VerificationResult): void {
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, result);
  }
}

/** A verifier that throws yields an `error` verdict naming it; the run goes on. */
async function runVerifier(
  verifier: Verifier,
  candidate: Candidate,
  task: Task,
  options: CallOptions,
): Promise<Verdict> {
  const started = performance.now();
  try {
    return await verifier.verify(candidate, task, options);
  } catch (error) {
    const info = errorInfo(error);
    if (info.code === 'ABORTED') throw error;
    return {
      verifier: verifier.name,
      status: 'error',
      score: 0,
      diagnostics: [
        {
          message: `verifier "${verifier.name}" failed: ${info.message}`,
          severity: 'error',
          rule: info.code,
        },
      ],
      counterexamples: [],
      durationMs: performance.now() - started,
    };
  }
}
