import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNsgenError, type NsgenError, packageRoot, type Task } from '../../core/index.js';
import { bundledDatasetFile, DATASETS, loadDataset, THROWING_CONSOLE_ASSERT } from './index.js';

/** The raw benchmark lines, read without any of the loader's code. */
function rawLines(relativePath: string): Record<string, unknown>[] {
  return readFileSync(join(packageRoot(), relativePath), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What the tests verifier runs for a candidate: `code + "\n" + tests`. */
function verifierProgram(code: string, task: Task): string {
  return `${code}\n${task.tests}`;
}

/** The candidate code a reference solution stands for. */
function canonicalCode(task: Task): string {
  const solution = task.metadata?.canonicalSolution as string;
  return task.metadata?.canonicalFormat === 'completion' ? task.prompt + solution : solution;
}

async function loadError(promise: Promise<unknown>): Promise<NsgenError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isNsgenError(error)) throw new Error(`expected an NsgenError, got ${String(error)}`);
  return error;
}

describe('bundled benchmarks', () => {
  it.each([
    ['humaneval', undefined, 164],
    ['mbpp', undefined, 474],
    ['mbpp', 'data/mbpp/sanitized-mbpp-dev.jsonl', 170],
    ['humaneval-js', undefined, 164],
    ['humaneval-ts', undefined, 161],
  ])('%s %s loads %i tasks', async (name, file, count) => {
    const tasks = await loadDataset({ name, ...(file ? { file: join(packageRoot(), file) } : {}) });
    expect(tasks).toHaveLength(count);
    expect(new Set(tasks.map((task) => task.id)).size).toBe(count);
    for (const task of tasks) expect(task.metadata?.dataset).toBe(name);
  });

  it('composes the official HumanEval program for every task', async () => {
    const tasks = await loadDataset({ name: 'humaneval' });
    const raw = rawLines('data/humaneval/HumanEval.jsonl');
    raw.forEach((line, index) => {
      const task = tasks[index]!;
      const official = `${line.prompt}${line.canonical_solution}\n${line.test}\ncheck(${line.entry_point})`;
      expect(task.id).toBe(line.task_id);
      expect(task.language).toBe('python');
      expect(task.entryPoint).toBe(line.entry_point);
      expect(task.metadata?.canonicalFormat).toBe('completion');
      expect(verifierProgram(canonicalCode(task), task)).toBe(official);
    });
  });

  it('composes the official MBPP program, setup code included', async () => {
    const tasks = await loadDataset({ name: 'mbpp' });
    const raw = rawLines('data/mbpp/mbpp-dev.jsonl');
    raw.forEach((line, index) => {
      const task = tasks[index]!;
      const testList = line.test_list as string[];
      const official = `${line.code}\n${line.test_setup_code}\n${testList.join('\n')}`;
      expect(task.id).toBe(`Mbpp/${line.task_id}`);
      expect(task.metadata?.sourceTaskId).toBe(line.task_id);
      expect(task.metadata?.canonicalFormat).toBe('program');
      expect(verifierProgram(canonicalCode(task), task)).toBe(official);
      for (const test of testList) expect(task.prompt).toContain(test);
      expect(task.prompt).toContain(line.text as string);
    });
    const withSetup = tasks.find((task) => task.id === 'Mbpp/927')!;
    expect(withSetup.tests).toContain('root = Node(1)');
  });

  it('composes the official sanitized MBPP program', async () => {
    const tasks = await loadDataset({
      name: 'mbpp',
      file: join(packageRoot(), 'data/mbpp/sanitized-mbpp-dev.jsonl'),
    });
    const raw = rawLines('data/mbpp/sanitized-mbpp-dev.jsonl');
    raw.forEach((line, index) => {
      const official = `${line.code}\n${(line.test_imports as string[]).join('\n')}\n${(line.test_list as string[]).join('\n')}`;
      expect(verifierProgram(canonicalCode(tasks[index]!), tasks[index]!)).toBe(official);
      expect(tasks[index]!.metadata?.variant).toBe('sanitized');
    });
  });

  it('finds the MBPP function the first test calls, not a builtin around it', async () => {
    const full = await loadDataset({ name: 'mbpp' });
    const sanitized = await loadDataset({
      name: 'mbpp',
      file: join(packageRoot(), 'data/mbpp/sanitized-mbpp-dev.jsonl'),
    });
    const entryPoint = (tasks: Task[], id: string) => tasks.find((task) => task.id === id)?.entryPoint;
    expect(entryPoint(full, 'Mbpp/1')).toBe('min_cost');
    expect(entryPoint(full, 'Mbpp/769')).toBe('Diff');
    expect(entryPoint(full, 'Mbpp/912')).toBe('lobb_num');
    expect(entryPoint(full, 'Mbpp/927')).toBe('max_height');
    expect(entryPoint(sanitized, 'Mbpp/2')).toBe('similar_elements');
  });

  it('composes the official HumanEval-JS program behind a throwing console.assert', async () => {
    const tasks = await loadDataset({ name: 'humaneval-js' });
    const raw = rawLines('data/humaneval-js/humaneval_js.jsonl');
    raw.forEach((line, index) => {
      const task = tasks[index]!;
      const official = `${line.prompt}${line.canonical_solution}\n${line.test}`;
      expect(task.language).toBe('javascript');
      expect(task.tests!.startsWith(THROWING_CONSOLE_ASSERT)).toBe(true);
      expect(verifierProgram(canonicalCode(task), task).replace(THROWING_CONSOLE_ASSERT, '')).toBe(official);
    });
    const byId = new Map(tasks.map((task) => [task.id, task]));
    expect(byId.get('JavaScript/0')?.entryPoint).toBe('hasCloseElements');
    // Declarations that carry a helper first name the function the prompt opens last.
    expect(byId.get('JavaScript/10')?.entryPoint).toBe('makePalindrome');
    expect(byId.get('JavaScript/38')?.entryPoint).toBe('decodeCyclic');
    expect(byId.get('JavaScript/162')?.metadata?.requiredPackages).toEqual(['js-md5']);
    expect(tasks.filter((task) => task.metadata?.requiredPackages)).toHaveLength(1);
  });

  it('makes a failed console.assert throw and a passing one stay silent', () => {
    const fakeConsole = { assert: (_condition: unknown) => undefined };
    new Function('console', THROWING_CONSOLE_ASSERT)(fakeConsole);
    expect(() => fakeConsole.assert(true)).not.toThrow();
    expect(() => fakeConsole.assert(1 + 1 === 3)).toThrow('Assertion failed');
  });

  it('composes the official HumanEval-TS program and carries no reference solution', async () => {
    const tasks = await loadDataset({ name: 'humaneval-ts' });
    const raw = rawLines('data/humaneval-ts/HumanEval_typescript_v1.jsonl');
    const completion = '  return 42;\n}\n';
    raw.forEach((line, index) => {
      const task = tasks[index]!;
      expect(task.language).toBe('typescript');
      expect(task.entryPoint).toBe(line.entry_point);
      expect(task.metadata).not.toHaveProperty('canonicalSolution');
      expect(verifierProgram(task.prompt + completion, task)).toBe(
        `${line.prompt}${completion}\n${line.test}`,
      );
    });
    const needingMathjs = tasks.filter((task) => task.metadata?.requiredPackages).map((task) => task.id);
    expect(needingMathjs).toEqual([25, 39, 99, 115, 133].map((id) => `HumanEval_typescript/${id}`));
  });

  it('reads the bundled files from the package root', () => {
    expect(bundledDatasetFile('mbpp')).toBe(join(packageRoot(), 'data/mbpp/mbpp-dev.jsonl'));
  });
});

describe('files given by path', () => {
  let dir: string;
  const write = async (name: string, content: string | Uint8Array) => {
    const file = join(dir, name);
    await writeFile(file, content);
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nsgen-datasets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads full and sanitized MBPP lines mixed in one file, challenge tests on request', async () => {
    const full = {
      text: 'Write a function to add two numbers.',
      code: 'def add(a, b):\r\n  return a + b',
      task_id: 900,
      test_setup_code: 'import math',
      test_list: ['assert add(1, 2) == 3'],
      challenge_test_list: ['assert add(-1, 1) == 0'],
    };
    const sanitized = {
      source_file: 'x.ipynb',
      task_id: 901,
      prompt: 'Write a function to square a number.',
      code: 'def square(x):\n  return x * x',
      test_imports: ['import math', 'import re'],
      test_list: ['assert math.isclose(square(2), 4)', 'assert square(3) == 9'],
    };
    const file = await write('mixed.jsonl', `${JSON.stringify(full)}\n\n${JSON.stringify(sanitized)}\n`);
    const [plain, clean] = await loadDataset({ name: 'mbpp', file });
    expect(plain!.tests).toBe('import math\nassert add(1, 2) == 3');
    expect(clean!.tests).toBe(
      'import math\nimport re\nassert math.isclose(square(2), 4)\nassert square(3) == 9',
    );
    expect(clean!.entryPoint).toBe('square');
    expect(plain!.prompt).toBe(
      'You are an expert Python programmer, and here is your task: Write a function to add two numbers. Your code should pass these tests:\n\nassert add(1, 2) == 3\n',
    );
    const [challenged] = await loadDataset({ name: 'mbpp', file, includeChallengeTests: true });
    expect(challenged!.tests).toBe('import math\nassert add(1, 2) == 3\nassert add(-1, 1) == 0');
    // The challenge tests are run, not shown.
    expect(challenged!.prompt).toBe(plain!.prompt);
  });

  it('loads a task file with the task schema', async () => {
    const task = {
      id: 'clamp',
      language: 'python',
      prompt: 'Clamp.',
      entryPoint: 'clamp',
      tests: 'assert True',
    };
    const file = await write('tasks.jsonl', `${JSON.stringify(task)}\n`);
    expect(await loadDataset({ name: 'tasks', file })).toEqual([task]);
  });

  it('names the file and line of a malformed line', async () => {
    const good = readFileSync(bundledDatasetFile('humaneval'), 'utf8').split('\n')[0];
    const file = await write('broken.jsonl', `${good}\n{"task_id": "HumanEval/1", \n`);
    const error = await loadError(loadDataset({ name: 'humaneval', file }));
    expect(error.code).toBe('INVALID_DATA');
    expect(error.message).toContain(`${file}:2`);
  });

  it('names the file, line and field of a missing field', async () => {
    const line = JSON.parse(readFileSync(bundledDatasetFile('humaneval-js'), 'utf8').split('\n')[0]!);
    delete line.declaration;
    const file = await write('missing.jsonl', `\n${JSON.stringify(line)}\n`);
    const error = await loadError(loadDataset({ name: 'humaneval-js', file }));
    expect(error.message).toContain(`${file}:2`);
    expect(error.message).toContain('"declaration"');
  });

  it('refuses an MBPP line that is neither format', async () => {
    const file = await write('neither.jsonl', '{"task_id": 1, "test_list": ["assert f(1) == 1"]}\n');
    const error = await loadError(loadDataset({ name: 'mbpp', file }));
    expect(error.message).toContain(`${file}:1`);
    expect(error.message).toMatch(/"text".*"prompt"/);
  });

  it('refuses a file that is not UTF-8, naming it', async () => {
    const latin1 = Buffer.from('{"task_id": "HumanEval/0", "prompt": "caf\xe9"}\n', 'latin1');
    const file = await write('latin1.jsonl', latin1);
    const error = await loadError(loadDataset({ name: 'humaneval', file }));
    expect(error.code).toBe('INVALID_DATA');
    expect(error.message).toContain(file);
    expect(error.message).toContain('UTF-8');
  });

  it('refuses duplicate task ids', async () => {
    const line = readFileSync(bundledDatasetFile('humaneval'), 'utf8').split('\n')[0];
    const file = await write('twice.jsonl', `${line}\n${line}\n`);
    const error = await loadError(loadDataset({ name: 'humaneval', file }));
    expect(error.message).toContain('duplicate task id "HumanEval/0"');
  });

  it('names a missing file', async () => {
    const error = await loadError(loadDataset({ name: 'humaneval', file: join(dir, 'absent.jsonl') }));
    expect(error.code).toBe('IO_ERROR');
    expect(error.message).toContain('absent.jsonl');
  });
});

describe('dataset names', () => {
  it('lists the valid datasets for an unknown one', async () => {
    const error = await loadError(loadDataset({ name: 'humaneval-rs' }));
    expect(error.code).toBe('UNKNOWN_DATASET');
    for (const name of DATASETS) expect(error.message).toContain(name);
  });

  it('asks for a file for the tasks dataset', async () => {
    const error = await loadError(loadDataset({ name: 'tasks' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('--data-file');
  });
});
