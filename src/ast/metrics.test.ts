import { describe, expect, it } from 'vitest';
import { structureMetrics } from './metrics.js';

describe('structureMetrics (Python)', () => {
  it('counts decision points, nesting, code lines and parameters per function', async () => {
    const code = `def classify(self_value, limit, *, strict=False):
    """Classify a value.

    Long explanation.
    """
    # a comment line does not count
    result = []
    for item in self_value:
        if item > limit and strict:
            result.append('high')
        elif item < 0 or item is None:
            try:
                result.append('low')
            except ValueError:
                pass

    return [x for x in result if x] if result else None
`;
    const metrics = await structureMetrics(code, 'python');
    expect(metrics.functions).toHaveLength(1);
    // 1 + for + if + and + elif + or + except + comprehension if + conditional expression
    expect(metrics.functions[0]).toEqual({
      name: 'classify',
      line: 1,
      cyclomaticComplexity: 9,
      maxNestingDepth: 3,
      lengthLines: 11,
      parameterCount: 3,
    });
    expect(metrics.file).toMatchObject({
      cyclomaticComplexity: 9,
      functionCount: 1,
      maxNestingDepth: 3,
      lengthLines: 11,
    });
  });

  it('keeps nested functions apart and does not count self on methods', async () => {
    const code = `class Shape:
    def area(self, scale):
        def helper(v):
            return v if v > 0 else 0
        return helper(scale)

match command:
    case 'go':
        pass
    case _:
        pass
`;
    const metrics = await structureMetrics(code, 'python');
    expect(metrics.functions.map((f) => [f.name, f.cyclomaticComplexity, f.parameterCount])).toEqual([
      ['area', 1, 1],
      ['helper', 2, 1],
    ]);
    // Module level: one non-default case; functions: helper's conditional.
    expect(metrics.file.cyclomaticComplexity).toBe(3);
    expect(metrics.file.maxNestingDepth).toBe(1);
  });

  it('measures a straight-line function as complexity 1 and depth 0', async () => {
    const metrics = await structureMetrics('def one():\n    return 1\n', 'python');
    expect(metrics.functions[0]).toMatchObject({
      cyclomaticComplexity: 1,
      maxNestingDepth: 0,
      lengthLines: 2,
    });
  });
});

describe('structureMetrics (TypeScript and JavaScript)', () => {
  it('counts short-circuit operators, ternaries, loops, catch and cases', async () => {
    const code = `/** Picks. */
function pick(values: number[], fallback?: number): number {
  // comment
  let best = fallback ?? 0;
  for (const value of values) {
    if (value > best && value < 100) {
      best = value;
    } else if (value < 0) {
      best ||= 1;
    }
  }
  switch (best) {
    case 1:
      return 1;
    default:
      break;
  }
  try {
    return best > 10 ? 10 : best;
  } catch {
    return 0;
  }
}
`;
    const metrics = await structureMetrics(code, 'typescript');
    // 1 + ?? + for + if + && + else-if + ||= + case + ternary + catch
    expect(metrics.functions[0]).toEqual({
      name: 'pick',
      line: 2,
      cyclomaticComplexity: 10,
      maxNestingDepth: 2,
      lengthLines: 21,
      parameterCount: 2,
    });
  });

  it('gives callbacks to their enclosing function and named arrows their own figures', async () => {
    const code = `const outer = (xs) => {
  const inner = (x) => (x ? 1 : 0);
  return xs.filter((x) => x > 0 || x < -5).map(inner);
};
`;
    const metrics = await structureMetrics(code, 'javascript');
    expect(metrics.functions.map((f) => [f.name, f.cyclomaticComplexity])).toEqual([
      ['outer', 2],
      ['inner', 2],
    ]);
    expect(metrics.file).toMatchObject({
      cyclomaticComplexity: 3,
      functionCount: 2,
      maxFunctionComplexity: 2,
    });
    expect(metrics.file.meanFunctionComplexity).toBe(2);
  });

  it('reports zeros for a file without functions', async () => {
    const metrics = await structureMetrics('console.log(1);\n', 'typescript');
    expect(metrics.functions).toEqual([]);
    expect(metrics.file).toEqual({
      cyclomaticComplexity: 1,
      maxNestingDepth: 0,
      lengthLines: 1,
      functionCount: 0,
      maxFunctionComplexity: 0,
      meanFunctionComplexity: 0,
      maxParameterCount: 0,
    });
  });
});
