import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNsgenError, type Task } from '../core/index.js';
import {
  createReplayModel,
  replayTaskIds,
  tasksWithoutReplaySamples,
  unknownReplayTaskIds,
} from './replay.js';

const humaneval: Task = {
  id: 'HumanEval/0',
  language: 'python',
  prompt: 'def f():\n',
  entryPoint: 'f',
  metadata: {
    dataset: 'humaneval',
    sourceTaskId: 'HumanEval/0',
    canonicalSolution: '    return 1\n',
    canonicalFormat: 'completion',
  },
};
const mbpp: Task = {
  id: 'Mbpp/2',
  language: 'python',
  prompt: 'Write g.',
  entryPoint: 'g',
  metadata: {
    dataset: 'mbpp',
    sourceTaskId: 2,
    canonicalSolution: 'def g():\n  return 2',
    canonicalFormat: 'program',
  },
};
const typescript: Task = {
  id: 'HumanEval_typescript/0',
  language: 'typescript',
  prompt: 'const f = function () : number {\n',
  entryPoint: 'f',
  metadata: { dataset: 'humaneval-ts', sourceTaskId: 'HumanEval_typescript/0' },
};

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isNsgenError(error)) throw new Error(`expected an NsgenError, got ${String(error)}`);
  return error;
}

describe('replay:canonical', () => {
  const model = createReplayModel('canonical');

  it('replays the reference solution in its format, at no token cost', async () => {
    expect(model.provider).toBe('replay');
    expect(model.spec).toBe('replay:canonical');
    const result = await model.generate({ task: humaneval });
    expect(result.samples).toEqual([{ text: '    return 1\n', format: 'completion', finishReason: 'stop' }]);
    expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
    expect(result.warnings).toEqual([]);
    const program = await model.generate({ task: mbpp, n: 1 });
    expect(program.samples[0]?.format).toBe('program');
  });

  it('says plainly when a task has no reference solution', async () => {
    const result = await model.generate({ task: typescript });
    expect(result.samples).toEqual([]);
    expect(result.warnings.join('\n')).toMatch(
      /HumanEval_typescript\/0.*humaneval-ts.*no reference solution/,
    );
    expect(await tasksWithoutReplaySamples(model, [humaneval, typescript])).toEqual([
      'HumanEval_typescript/0',
    ]);
    expect(await replayTaskIds(model)).toEqual([]);
  });

  it('warns about settings that mean nothing for recorded samples', async () => {
    const result = await model.generate({ task: humaneval, temperature: 0.8, maxTokens: 10 });
    expect(result.warnings).toEqual([
      'replay:canonical replays recorded samples and ignores: temperature, maxTokens',
    ]);
  });

  it('needs a task and a sane n', async () => {
    expect((await rejection(model.generate({ prompt: 'x' }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(model.generate({ task: humaneval, n: -1 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('stops on an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(model.generate({ task: humaneval }, { signal: controller.signal }))).code).toBe(
      'ABORTED',
    );
  });
});

describe('replay:PATH.jsonl', () => {
  let dir: string;
  const write = async (name: string, content: string | Uint8Array) => {
    const file = join(dir, name);
    await writeFile(file, content);
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nsgen-replay-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replays recorded samples in file order, the first n on request', async () => {
    const lines = [
      { task_id: 'HumanEval/0', completion: '    return 1\n' },
      { task_id: 2, solution: 'def g():\n  return 2' },
      { task_id: 'HumanEval/0', completion: '    return 0\n', passed: false },
      { task_id: 'HumanEval/0', completion: '    return 3\n' },
      { task_id: 'HumanEval/99', completion: '    pass\n' },
    ];
    const file = await write('samples.jsonl', `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const model = createReplayModel(file);
    expect(model.spec).toBe(`replay:${file}`);
    const all = await model.generate({ task: humaneval });
    expect(all.samples.map((sample) => sample.text)).toEqual([
      '    return 1\n',
      '    return 0\n',
      '    return 3\n',
    ]);
    expect(all.samples.every((sample) => sample.format === 'completion')).toBe(true);
    const two = await model.generate({ task: humaneval, n: 2 });
    expect(two.samples.map((sample) => sample.text)).toEqual(['    return 1\n', '    return 0\n']);
    const more = await model.generate({ task: humaneval, n: 5 });
    expect(more.samples).toHaveLength(3);
    expect(more.warnings[0]).toContain('asked for 5 samples');
    // MBPP recordings use the numeric id of the benchmark file.
    expect((await model.generate({ task: mbpp })).samples).toEqual([
      { text: 'def g():\n  return 2', format: 'program', finishReason: 'stop' },
    ]);
    const none = await model.generate({ task: typescript });
    expect(none.samples).toEqual([]);
    expect(none.warnings[0]).toContain('no recorded samples for task "HumanEval_typescript/0"');
    expect(await replayTaskIds(model)).toEqual(['HumanEval/0', '2', 'HumanEval/99']);
    expect(await unknownReplayTaskIds(model, [humaneval, mbpp])).toEqual(['HumanEval/99']);
  });

  it('does no I/O before the first generate', async () => {
    const model = createReplayModel(join(dir, 'not-yet-written.jsonl'));
    await write('not-yet-written.jsonl', '{"task_id": "HumanEval/0", "completion": "x"}\n');
    expect((await model.generate({ task: humaneval })).samples).toHaveLength(1);
  });

  it.each([
    ['malformed JSON', '{"task_id": "HumanEval/0", "completion": "x"}\n{oops\n', ':2', 'malformed JSON'],
    ['no task id', '{"completion": "x"}\n', ':1', 'task_id'],
    ['neither text field', '{"task_id": "A"}\n', ':1', '"completion"'],
    ['both text fields', '{"task_id": "A", "completion": "x", "solution": "y"}\n', ':1', 'not both'],
    ['a non-string sample', '{"task_id": "A", "solution": 3}\n', ':1', 'field "solution"'],
  ])('names file and line for %s', async (_case, content, line, message) => {
    const file = await write(`bad-${line.slice(1)}-${message.replace(/\W/g, '')}.jsonl`, content);
    const error = await rejection(createReplayModel(file).generate({ task: humaneval }));
    expect(error.message).toContain(`${file}${line}`);
    expect(error.message).toContain(message);
  });

  it('names a file that is missing or not UTF-8', async () => {
    const missing = join(dir, 'absent.jsonl');
    expect((await rejection(createReplayModel(missing).generate({ task: humaneval }))).message).toContain(
      missing,
    );
    const latin1 = await write(
      'latin1.jsonl',
      Buffer.from('{"task_id": "A", "completion": "caf\xe9"}\n', 'latin1'),
    );
    const error = await rejection(createReplayModel(latin1).generate({ task: humaneval }));
    expect(error.message).toContain(latin1);
    expect(error.message).toContain('UTF-8');
  });

  it('refuses an empty argument', () => {
    expect(() => createReplayModel('')).toThrow(/replay:canonical/);
  });
});
