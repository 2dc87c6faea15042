import { afterAll, describe, expect, it } from 'vitest';
import { createSolverPool } from './solver-pool.js';

// x^3 + y^3 = z^3 has no positive solution; Z3 cannot show it and runs until stopped.
const HARD = `(declare-const x Int)(declare-const y Int)(declare-const z Int)
(assert (> x 1))(assert (> y 1))(assert (> z 1))
(assert (= (+ (* x x x) (* y y y)) (* z z z)))`;

describe('solver pool', () => {
  const pool = createSolverPool({ workers: 2, timeoutMs: 2_000 });
  afterAll(() => pool.close());

  it('answers sat with the values it was asked to read, and unsat', async () => {
    const sat = await pool.check({
      script: '(declare-const a Int)(declare-const s String)(assert (= (str.len s) a))(assert (> a 2))',
      read: [
        { name: 'a', sort: 'Int' },
        { name: 's', sort: 'String' },
      ],
    });
    expect(sat.status).toBe('sat');
    expect(Number(sat.model?.a)).toBeGreaterThan(2);
    expect(sat.model?.s).toMatch(/^".*"$/);
    const unsat = await pool.check({ script: '(declare-const a Int)(assert (> a 2))(assert (< a 2))' });
    expect(unsat).toMatchObject({ status: 'unsat' });
  });

  it('stops a query at its timeout and keeps working afterwards', async () => {
    const stopped = await pool.check({ script: HARD, timeoutMs: 300 });
    expect(stopped.status).toBe('unknown');
    expect(stopped.reason).toMatch(/timeout|canceled/);
    const next = await pool.check({ script: '(declare-const a Int)(assert (= a 1))' });
    expect(next.status).toBe('sat');
  });

  it('terminates a worker that overruns its timeout (the watchdog) and replaces it', async () => {
    const watched = createSolverPool({ workers: 1, timeoutMs: 5_000, hardStopGraceMs: 0 });
    try {
      // A grace of 0 lets the watchdog fire together with Z3's own timer: either way the
      // answer is unknown, and the worker that answers next must be healthy.
      const stopped = await watched.check({ script: HARD, timeoutMs: 200 });
      expect(stopped.status).toBe('unknown');
      const next = await watched.check({ script: '(declare-const a Int)(assert (= a 1))' });
      expect(next.status).toBe('sat');
    } finally {
      await watched.close();
    }
  });

  it('runs checks in parallel on its workers', async () => {
    const answers = await Promise.all(
      [1, 2, 3, 4].map((value) =>
        pool.check({
          script: `(declare-const a Int)(assert (= (* a 2) ${value * 2}))`,
          read: [{ name: 'a', sort: 'Int' }],
        }),
      ),
    );
    expect(answers.map((answer) => answer.model?.a)).toEqual(['1', '2', '3', '4']);
  });

  it('retires a worker after its quota of queries and keeps answering through the successor', async () => {
    const recycling = createSolverPool({ workers: 1, recycleAfter: 3 });
    try {
      for (let value = 0; value < 8; value++) {
        const answer = await recycling.check({
          script: `(declare-const a Int)(assert (= (+ a 1) ${value + 1}))`,
          read: [{ name: 'a', sort: 'Int' }],
        });
        expect(answer.model?.a).toBe(`${value}`);
      }
    } finally {
      await recycling.close();
    }
  });

  it('reports a malformed script as an error, not a crash', async () => {
    const answer = await pool.check({ script: '(assert (> undeclared 1))' });
    expect(answer.status).toBe('error');
    expect(answer.reason).toBeTruthy();
  });

  it('rejects an aborted check and checks after close', async () => {
    const controller = new AbortController();
    const pending = pool.check({ script: HARD, timeoutMs: 5_000 }, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    const closed = createSolverPool({ workers: 1 });
    await closed.close();
    await expect(closed.check({ script: '(assert true)' })).rejects.toMatchObject({ code: 'SOLVER_ERROR' });
  });
});
