/**
 * The weighted reward of DESIGN.md:
 *
 *   R = 0.6·TestPassRate + 0.15·(1 − SecurityRisk) + 0.15·StaticQuality + 0.1·LicenseCompliance
 *
 * Each component is the score of the verdict of the same name (`tests`, `security`,
 * `quality`, `license`; the security verifier's score is already 1 − SecurityRisk). A
 * component with no verdict, or whose verdict was skipped, is not applicable: it is listed
 * in `notApplicable` and the remaining weights are renormalised to sum to 1, so the total
 * stays in [0, 1] without inventing a value.
 *
 * One exception keeps the reward honest: a candidate that fails a hard verifier before the
 * tests run (a syntax error, say) gets a tests component of 0 rather than "not
 * applicable" when the task has tests, so it cannot outscore a candidate that ran them.
 */
import {
  NsgenError,
  REWARD_COMPONENTS,
  type Reward,
  type RewardComponent,
  type RewardInput,
  type RewardModel,
  type RewardWeights,
  type Verdict,
} from '../src/core/index.js';

/** The weights of DESIGN.md. */
export const DEFAULT_REWARD_WEIGHTS = {
  tests: 0.6,
  security: 0.15,
  quality: 0.15,
  license: 0.1,
} as const satisfies RewardWeights;

export interface WeightedRewardOptions {
  /** Weights per component; missing ones keep their default. @default DEFAULT_REWARD_WEIGHTS */
  weights?: Partial<RewardWeights>;
}

export class WeightedReward implements RewardModel {
  readonly name = 'weighted';
  readonly weights: RewardWeights;

  constructor(options: WeightedRewardOptions = {}) {
    this.weights = validateWeights({ ...DEFAULT_REWARD_WEIGHTS, ...options.weights });
  }

  score({ task, verdicts }: RewardInput): Reward {
    const byVerifier = new Map<string, Verdict>(verdicts.map((verdict) => [verdict.verifier, verdict]));
    const components: Partial<Record<RewardComponent, number>> = {};
    const notApplicable: RewardComponent[] = [];
    for (const component of REWARD_COMPONENTS) {
      const verdict = byVerifier.get(component);
      if (verdict && verdict.status !== 'skipped') {
        components[component] = clamp01(verdict.score);
      } else if (component === 'tests' && task.tests && failedHardBeforeTests(verdicts)) {
        components.tests = 0;
      } else {
        notApplicable.push(component);
      }
    }
    const applicableWeight = REWARD_COMPONENTS.filter((c) => c in components).reduce(
      (sum, c) => sum + this.weights[c],
      0,
    );
    const appliedWeights: Partial<Record<RewardComponent, number>> = {};
    let total = 0;
    for (const component of REWARD_COMPONENTS) {
      const value = components[component];
      if (value === undefined) continue;
      const weight = applicableWeight > 0 ? this.weights[component] / applicableWeight : 0;
      appliedWeights[component] = round6(weight);
      total += weight * value;
    }
    return { total: round6(total), components, weights: { ...this.weights }, appliedWeights, notApplicable };
  }
}

export function createWeightedReward(options?: WeightedRewardOptions): WeightedReward {
  return new WeightedReward(options);
}

function failedHardBeforeTests(verdicts: Verdict[]): boolean {
  return verdicts.some((verdict) => verdict.verifier === 'syntax' && verdict.status === 'fail');
}

function validateWeights(weights: RewardWeights): RewardWeights {
  for (const component of REWARD_COMPONENTS) {
    const weight = weights[component];
    if (!Number.isFinite(weight) || weight < 0) {
      throw new NsgenError('INVALID_CONFIG', `reward weight must be a finite number ≥ 0, got ${weight}`, {
        where: `weights.${component}`,
      });
    }
  }
  for (const key of Object.keys(weights)) {
    if (!REWARD_COMPONENTS.includes(key as RewardComponent)) {
      throw new NsgenError(
        'INVALID_CONFIG',
        `unknown reward component "${key}"; valid: ${REWARD_COMPONENTS.join(', ')}`,
        { where: 'weights' },
      );
    }
  }
  if (REWARD_COMPONENTS.every((component) => weights[component] === 0)) {
    throw new NsgenError('INVALID_CONFIG', 'at least one reward weight must be positive', {
      where: 'weights',
    });
  }
  return weights;
}

function clamp01(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

/** Rewards are compared and reported; six decimals keep reports stable across runs. */
function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
