import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNsgenError, type NsgenError } from '../../core/index.js';
import { loadDataset } from './load-dataset.js';
import { loadSygus, parseSygus, type SygusMetadata } from './sygus.js';

const FIRSTNAME = `; comment
(set-logic SLIA)
(synth-fun f ((name String)) String
    ((Start String (ntString))
     (ntString String (name " " (str.++ ntString ntString) (str.substr ntString ntInt ntInt)))
     (ntInt Int (0 1 (str.indexof ntString ntString ntInt)))))
(declare-var name String)
(constraint (= (f "Nancy FreeHafer") "Nancy"))
(constraint (= (f "Jan Kotas") "Jan"))
(check-synth)
`;

function failure(run: () => unknown): NsgenError {
  try {
    run();
  } catch (error) {
    if (isNsgenError(error)) return error;
    throw error;
  }
  throw new Error('expected an NsgenError');
}

describe('SyGuS loader', () => {
  it('turns PBE constraints into examples and Python asserts', () => {
    const task = parseSygus(FIRSTNAME, 'firstname.sl', 'firstname');
    expect(task).toMatchObject({
      id: 'firstname',
      language: 'python',
      entryPoint: 'f',
      signature: { params: [{ name: 'name', type: 'str' }], returns: 'str' },
      examples: [
        { input: ['Nancy FreeHafer'], output: 'Nancy' },
        { input: ['Jan Kotas'], output: 'Jan' },
      ],
    });
    expect(task.tests).toBe('assert f("Nancy FreeHafer") == "Nancy"\nassert f("Jan Kotas") == "Jan"\n');
    const sygus = (task.metadata as SygusMetadata).sygus!;
    expect(sygus.grammar?.map((rule) => rule.name)).toEqual(['Start', 'ntString', 'ntInt']);
  });

  it('reads declarative single-invocation constraints as a contract (LIA)', () => {
    const task = parseSygus(
      `(set-logic LIA)
(synth-fun max2 ((x Int) (y Int)) Int)
(declare-var a Int)
(declare-var b Int)
(constraint (>= (max2 a b) a))
(constraint (>= (max2 a b) b))
(constraint (or (= a (max2 a b)) (= b (max2 a b))))
(check-synth)`,
      'max2.sl',
      'max2',
    );
    expect(task.examples).toBeUndefined();
    expect(task.contract?.post).toBe(
      '((result >= x)) and ((result >= y)) and (((x == result) or (y == result)))',
    );
  });

  it('reads the v2 syntax (grammar predeclaration, negative literals, v2 names)', () => {
    const task = parseSygus(
      `(set-logic SLIA)
(synth-fun f ((s String) (n Int)) String ((Start String) (I Int))
  ((Start String (s (str.substr Start I I) (str.from_int I))) (I Int (n 0 1 (- 1) (str.to_int Start)))))
(constraint (= (f "abc" (- 1)) ""))
(check-synth)`,
      'v2.sl',
      'v2',
    );
    expect((task.metadata as SygusMetadata).sygus?.version).toBe(2);
    expect(task.examples).toEqual([{ input: ['abc', -1], output: '' }]);
    expect(task.tests).toBe('assert f("abc", (-1)) == ""\n');
  });

  it('names the line and column of malformed input', () => {
    const unclosed = failure(() =>
      parseSygus('(set-logic SLIA)\n(synth-fun f ((x String)) String\n', 'bad.sl', 'bad'),
    );
    expect(unclosed.code).toBe('INVALID_DATA');
    expect(unclosed.message).toContain('bad.sl:2:1');
    const extra = failure(() => parseSygus('(set-logic SLIA))', 'extra.sl', 'extra'));
    expect(extra.message).toContain('extra.sl:1:17');
    const quote = failure(() =>
      parseSygus('(set-logic SLIA)\n  (constraint (= (f "abc) "x"))', 'quote.sl', 'q'),
    );
    expect(quote.message).toMatch(/quote\.sl:2:\d+/);
  });

  it('refuses unsupported logics and constructs with a clear message', () => {
    const logic = failure(() =>
      parseSygus('(set-logic BV)\n(synth-fun f ((x (BitVec 4))) (BitVec 4))', 'bv.sl', 'bv'),
    );
    expect(logic.code).toBe('UNSUPPORTED');
    expect(logic.message).toContain('logic BV is not supported; supported: SLIA, LIA');
    const command = failure(() => parseSygus('(set-logic LIA)\n(declare-fun g (Int) Int)', 'g.sl', 'g'));
    expect(command.message).toContain('g.sl:2:1: the command declare-fun is not supported');
    const multi = failure(() =>
      parseSygus(
        '(set-logic LIA)\n(synth-fun f ((x Int)) Int)\n(declare-var a Int)\n(constraint (= (f a) (f (+ a 1))))',
        'm.sl',
        'm',
      ),
    );
    expect(multi.code).toBe('UNSUPPORTED');
  });

  it('loads a folder, keeping a file that fails as a task that carries its error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsgen-sygus-'));
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'firstname.sl'), FIRSTNAME);
    writeFileSync(join(dir, 'broken.sl'), '(set-logic SLIA');
    const tasks = await loadSygus(dir);
    expect(tasks.map((task) => task.id)).toEqual(['broken', 'nested/firstname']);
    expect((tasks[0]!.metadata as SygusMetadata).loadError?.message).toContain('broken.sl:1:1');
    await expect(loadSygus(join(dir, 'broken.sl'))).rejects.toThrow(/broken\.sl:1:1/);
  });

  it('is the sygus dataset, with the bundled PBE files by default', async () => {
    const tasks = await loadDataset({ name: 'sygus' });
    expect(tasks.length).toBe(104);
    expect(tasks.every((task) => !(task.metadata as SygusMetadata).loadError)).toBe(true);
  });
});
