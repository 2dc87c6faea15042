/**
 * Recorded samples that mix right and wrong programs get, per task and per sample, exactly
 * the outcome of the official semantics. The official outcome is computed here on its own:
 * the program is composed from the raw benchmark fields as each benchmark's harness does,
 * and run in a plain interpreter process; nsgen's outcome comes from `evaluate` with a
 * replay file of the same samples.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../src/index.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'nsgen-official-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

/** Every 12th task: a spread over each benchmark that keeps the test within seconds. */
function spread<T>(items: T[], every = 12): T[] {
  return items.filter((_, index) => index % every === 0);
}

/** Runs one program as the official harnesses do: a fresh interpreter, pass iff exit 0. */
function officialPass(program: string, language: 'python' | 'javascript', index: number): boolean {
  const file = join(work, `official-${index}.${language === 'python' ? 'py' : 'js'}`);
  writeFileSync(file, program);
  const result = spawnSync(language === 'python' ? 'python3' : process.execPath, [file], {
    timeout: 5_000,
    encoding: 'utf8',
    cwd: work,
  });
  // HumanEval-X's console.assert only prints; the data notes count "Assertion failed" as a failure.
  return result.status === 0 && !(language === 'javascript' && /Assertion failed/.test(result.stderr));
}

/** Wrong variants of a body: an early wrong return, and an operator flipped. */
function wrongVariants(body: string, language: 'python' | 'javascript'): string[] {
  const indent = /^(\s*)/.exec(body.split('\n').find((line) => line.trim()) ?? '')?.[1] ?? '    ';
  const early = language === 'python' ? `${indent}return None\n` : `${indent}return undefined;\n}\n`;
  const flipped = body.includes('<') ? body.replace('<', '>') : body.replace('+', '-');
  return [early, flipped];
}

async function nsgenOutcomes(dataset: string, dataFile: string | undefined, samples: object[]) {
  const replay = join(work, `${dataset}-samples.jsonl`);
  writeFileSync(replay, samples.map((s) => JSON.stringify(s)).join('\n'));
  const { episodes } = await evaluate({
    dataset,
    ...(dataFile ? { dataFile } : {}),
    model: `replay:${replay}`,
    concurrency: 2,
    verifiers: ['syntax', 'tests'],
    testTimeoutMs: 5_000,
  });
  return new Map(
    episodes.flatMap((episode) =>
      episode.candidates.map(
        (c) => [`${episode.taskId}#${c.candidate.origin.sampleIndex}`, c.passed] as const,
      ),
    ),
  );
}

describe('outcomes equal the official semantics on right and wrong samples', () => {
  it('HumanEval: prompt + completion + test + check(entry_point)', async () => {
    const problems = spread(readJsonl(join(root, 'data/humaneval/HumanEval.jsonl')));
    const samples: { task_id: string; completion: string }[] = [];
    const official = new Map<string, boolean>();
    for (const p of problems) {
      const completions = [
        p.canonical_solution as string,
        ...wrongVariants(p.canonical_solution as string, 'python'),
      ];
      completions.forEach((completion, index) => {
        samples.push({ task_id: p.task_id as string, completion });
        const program = `${p.prompt}${completion}\n${p.test}\ncheck(${p.entry_point})`;
        official.set(`${p.task_id}#${index}`, officialPass(program, 'python', official.size));
      });
    }
    const ours = await nsgenOutcomes('humaneval', undefined, samples);
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(official));
    expect([...official.values()].filter((v) => !v).length).toBeGreaterThan(problems.length);
  });

  it('MBPP (any MBPP-format file): code, then test_setup_code, then the asserts', async () => {
    const problems = spread(readJsonl(join(root, 'data/mbpp/mbpp-dev.jsonl')), 24);
    const file = join(work, 'mbpp-subset.jsonl');
    writeFileSync(file, problems.map((p) => JSON.stringify(p)).join('\n'));
    const samples: { task_id: number; solution: string }[] = [];
    const official = new Map<string, boolean>();
    for (const p of problems) {
      const code = p.code as string;
      const solutions = [code, code.replace('return ', 'return 1 + '), code.replace(/def /, 'def  broken(')];
      solutions.forEach((solution, index) => {
        samples.push({ task_id: p.task_id as number, solution });
        const program = `${solution}\n${p.test_setup_code}\n${(p.test_list as string[]).join('\n')}`;
        official.set(`Mbpp/${p.task_id}#${index}`, officialPass(program, 'python', official.size + 1000));
      });
    }
    const ours = await nsgenOutcomes('mbpp', file, samples);
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(official));
    expect([...official.values()].filter((v) => !v).length).toBeGreaterThan(problems.length);
  });

  it('HumanEval-JS: prompt + completion + test, a failed console.assert fails', async () => {
    const problems = spread(readJsonl(join(root, 'data/humaneval-js/humaneval_js.jsonl')));
    const samples: { task_id: string; completion: string }[] = [];
    const official = new Map<string, boolean>();
    for (const p of problems) {
      const completions = [
        p.canonical_solution as string,
        ...wrongVariants(p.canonical_solution as string, 'javascript'),
      ];
      completions.forEach((completion, index) => {
        samples.push({ task_id: p.task_id as string, completion });
        const program = `${p.prompt}${completion}\n${p.test}`;
        official.set(`${p.task_id}#${index}`, officialPass(program, 'javascript', official.size + 2000));
      });
    }
    const ours = await nsgenOutcomes('humaneval-js', undefined, samples);
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(official));
    expect([...official.values()].filter((v) => !v).length).toBeGreaterThan(problems.length);
  });
});
