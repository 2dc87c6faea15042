/**
 * The contract fixture suite (test/fixtures/contracts): every task has a correct
 * implementation and one or more buggy ones. Every bug must get a counterexample that the
 * sandbox reproduced; no correct implementation may get one. Unknowns are allowed for
 * correct implementations and are listed with their reasons.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcessSandbox } from '../../sandbox/process/index.js';
import { packageRoot, parseTask } from '../../src/core/index.js';
import { createSolverPool } from '../../src/smt/index.js';
import { checkContract } from './check-contract.js';

const root = join(packageRoot(), 'test', 'fixtures', 'contracts');
const fixtures = readdirSync(root)
  .sort()
  .map((id) => {
    const task = parseTask(JSON.parse(readFileSync(join(root, id, 'task.json'), 'utf8')), `${id}/task.json`);
    const extension = task.language === 'python' ? '.py' : '.ts';
    const files = readdirSync(join(root, id)).filter((file) => file.endsWith(extension));
    return {
      id,
      task,
      files: files.map((file) => ({ file, code: readFileSync(join(root, id, file), 'utf8') })),
    };
  });

const sandbox = createProcessSandbox({ poolSize: 2 });
const solver = createSolverPool({ workers: 2 });
const unknowns: string[] = [];
afterAll(async () => {
  if (unknowns.length > 0) console.log(`contract fixtures answered unknown:\n  ${unknowns.join('\n  ')}`);
  await solver.close();
  await sandbox.close();
});

describe('contract fixture suite', () => {
  it('holds at least 40 tasks in both languages, each with correct and buggy code', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(new Set(fixtures.map((fixture) => fixture.task.language))).toEqual(
      new Set(['python', 'typescript']),
    );
    for (const fixture of fixtures) {
      expect(
        fixture.files.some(({ file }) => file.startsWith('correct')),
        fixture.id,
      ).toBe(true);
      expect(
        fixture.files.some(({ file }) => file.startsWith('buggy')),
        fixture.id,
      ).toBe(true);
    }
  });

  it.each(fixtures)('$id', async ({ id, task, files }) => {
    const results = await Promise.all(
      files.map(async ({ file, code }) => ({
        file,
        // A bug must be found whatever the machine's load: a generous budget for buggy code;
        // correct code may answer unknown, so it gets a short one.
        report: await checkContract({
          task,
          code,
          sandbox,
          solver,
          settings: { solverTimeoutMs: file.startsWith('buggy') ? 30_000 : 3_000 },
        }),
      })),
    );
    for (const { file, report } of results) {
      const { outcome } = report;
      if (file.startsWith('buggy')) {
        expect(outcome.status, `${id}/${file}: ${outcome.reason ?? ''}`).toBe('counterexample');
        expect(report.replays, `${id}/${file}`).toBeGreaterThan(0);
        expect(report.counterexamples).toHaveLength(1);
      } else {
        expect(outcome.status, `${id}/${file}`).not.toBe('counterexample');
        if (outcome.status === 'unknown') unknowns.push(`${id}/${file}: ${outcome.reason}`);
      }
    }
  });
});
