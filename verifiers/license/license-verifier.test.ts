import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candidate, Task } from '../../src/core/index.js';
import { packageRoot } from '../../src/core/index.js';
import { importedPackages } from './imports.js';
import { KnownCodeCorpus } from './known-code-corpus.js';
import { LicenseVerifier } from './license-verifier.js';
import { allowedLicenses, normaliseLicense } from './spdx.js';

let root: string;
let nodeModules: string;
let sitePackages: string;

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nsgen-license-'));
  nodeModules = join(root, 'node_modules');
  sitePackages = join(root, 'site-packages');
  write(
    join(nodeModules, 'left-pad', 'package.json'),
    JSON.stringify({ name: 'left-pad', license: 'WTFPL' }),
  );
  write(join(nodeModules, 'lodash', 'package.json'), JSON.stringify({ name: 'lodash', license: 'MIT' }));
  write(
    join(nodeModules, '@acme', 'gpl-tool', 'package.json'),
    JSON.stringify({ name: '@acme/gpl-tool', license: 'GPL-3.0-only' }),
  );
  write(
    join(nodeModules, 'dual', 'package.json'),
    JSON.stringify({ name: 'dual', license: '(MIT OR GPL-3.0-only)' }),
  );
  write(join(nodeModules, 'nolicense', 'package.json'), JSON.stringify({ name: 'nolicense' }));
  write(
    join(sitePackages, 'PyYAML-6.0.1.dist-info', 'METADATA'),
    'Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.1\nLicense: MIT\nClassifier: License :: OSI Approved :: MIT License\n\nbody',
  );
  write(join(sitePackages, 'PyYAML-6.0.1.dist-info', 'top_level.txt'), '_yaml\nyaml\n');
  write(
    join(sitePackages, 'gplpkg-1.0.dist-info', 'METADATA'),
    'Metadata-Version: 2.1\nName: gplpkg\nVersion: 1.0\nClassifier: License :: OSI Approved :: GNU General Public License v3 (GPLv3)\n',
  );
  write(
    join(sitePackages, 'modern-1.0.dist-info', 'METADATA'),
    'Metadata-Version: 2.4\nName: modern\nVersion: 1.0\nLicense-Expression: Apache-2.0\n',
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const candidate = (code: string): Candidate => ({
  id: 'c',
  taskId: 't',
  code,
  origin: { agent: 'test', mode: 'neural', repairRound: 0 },
});
const pyTask: Task = { id: 't', language: 'python', prompt: 'p', entryPoint: 'f' };
const tsTask: Task = { ...pyTask, language: 'typescript' };

describe('importedPackages', () => {
  it('lists third-party Python imports and skips the standard library and relative imports', async () => {
    const code =
      'import os, sys\nimport numpy as np\nfrom yaml import safe_load\nfrom . import sibling\nimport xml.etree.ElementTree\nimport google.protobuf\n';
    expect(await importedPackages(code, 'python')).toEqual([
      { name: 'numpy', line: 2 },
      { name: 'yaml', line: 3 },
      { name: 'google', line: 6 },
    ]);
  });

  it('lists npm packages from import, require and dynamic import, without Node builtins', async () => {
    const code =
      "import fs from 'node:fs';\nimport path from 'path';\nimport { x } from '@scope/pkg/sub';\nconst l = require('lodash/fp');\nconst m = await import('dual');\nimport './local.js';\n";
    expect((await importedPackages(code, 'typescript')).map((found) => found.name)).toEqual([
      '@scope/pkg',
      'lodash',
      'dual',
    ]);
  });
});

describe('LicenseVerifier', () => {
  it('passes permissive packages and fails a GPL one, resolved from node_modules', async () => {
    const verifier = new LicenseVerifier({ nodeModulesDirs: [nodeModules] });
    const ok = await verifier.verify(candidate("import _ from 'lodash';\nimport d from 'dual';"), tsTask);
    expect(ok).toMatchObject({ status: 'pass', score: 1, diagnostics: [] });
    const bad = await verifier.verify(
      candidate("import _ from 'lodash';\nimport g from '@acme/gpl-tool';"),
      tsTask,
    );
    expect(bad.status).toBe('fail');
    expect(bad.score).toBeCloseTo(0.2);
    expect(bad.diagnostics).toEqual([
      expect.objectContaining({
        rule: 'license-disallowed-license',
        severity: 'error',
        location: { line: 2, column: 1 },
      }),
    ]);
    expect(bad.diagnostics[0]?.message).toContain('GPL-3.0-only');
  });

  it('reports unknown packages and unreadable licenses as findings of their own', async () => {
    const verifier = new LicenseVerifier({ nodeModulesDirs: [nodeModules] });
    const verdict = await verifier.verify(
      candidate("import a from 'not-installed';\nimport b from 'nolicense';\nimport c from 'left-pad';"),
      tsTask,
    );
    expect(verdict.diagnostics.map((diagnostic) => diagnostic.rule)).toEqual([
      'license-unknown-package',
      'license-unknown-license',
      'license-disallowed-license',
    ]);
    expect(verdict.status).toBe('fail');
  });

  it('reads Python licenses from dist-info METADATA (License, classifiers, License-Expression)', async () => {
    const verifier = new LicenseVerifier({ pythonSitePackages: [sitePackages] });
    expect(await verifier.verify(candidate('import yaml\nimport modern\n'), pyTask)).toMatchObject({
      status: 'pass',
      score: 1,
    });
    const verdict = await verifier.verify(candidate('import yaml\nfrom gplpkg import x\n'), pyTask);
    expect(verdict.status).toBe('fail');
    expect(verdict.diagnostics[0]?.message).toContain('GPL-3.0-only');
  });

  it('honours a custom allow-list', async () => {
    const verifier = new LicenseVerifier({
      nodeModulesDirs: [nodeModules],
      allow: 'GPL-3.0-or-later OR MIT',
    });
    expect((await verifier.verify(candidate("import g from '@acme/gpl-tool';"), tsTask)).status).toBe('pass');
    expect(() => new LicenseVerifier({ allow: 'MIT AND ISC' })).toThrow(/only join licenses with OR/);
  });

  it("resolves this repository's real node_modules", async () => {
    const verifier = new LicenseVerifier({ nodeModulesDirs: [join(packageRoot(), 'node_modules')] });
    const verdict = await verifier.verify(
      candidate(
        "import { z } from 'zod';\nimport { Command } from 'commander';\nimport satisfies from 'spdx-satisfies';",
      ),
      tsTask,
    );
    expect(verdict).toMatchObject({ status: 'pass', score: 1 });
  });
});

describe('KnownCodeCorpus', () => {
  const gplSource = `
def quicksort(items):
    if len(items) <= 1:
        return items
    pivot = items[len(items) // 2]
    left = [x for x in items if x < pivot]
    middle = [x for x in items if x == pivot]
    right = [x for x in items if x > pivot]
    return quicksort(left) + middle + quicksort(right)
`;
  const renamedCopy = `
def my_sort(values):
    # sorts values
    if len(values) <= 1:
        return values
    p = values[len(values) // 2]
    lo = [v for v in values if v < p]
    eq = [v for v in values if v == p]
    hi = [v for v in values if v > p]
    return my_sort(lo) + eq + my_sort(hi)
`;
  const unrelated = 'def add(a, b):\n    total = a + b\n    print("sum", total)\n    return total\n';

  it('finds a renamed copy with its license and location, and not unrelated code', () => {
    const corpus = new KnownCodeCorpus();
    corpus.add({ id: 'gpl/sort.py', license: 'GPL-3.0-only', code: gplSource });
    const [match] = corpus.match(renamedCopy);
    expect(match).toMatchObject({ documentId: 'gpl/sort.py', license: 'GPL-3.0-only' });
    expect(match!.similarity).toBeGreaterThan(0.9);
    expect(match!.candidateLines.start).toBeGreaterThanOrEqual(2);
    expect(corpus.match(unrelated)).toEqual([]);
  });

  it('is built from a folder, saved and loaded as JSON, and flags copies in the verifier', async () => {
    const folder = join(root, 'gpl-code');
    write(join(folder, 'sort.py'), gplSource);
    write(join(folder, 'notes.txt'), gplSource);
    const built = KnownCodeCorpus.fromFolder(folder, { license: 'GPL-3.0-only' });
    expect(built.size).toBe(1);
    const saved = join(root, 'corpus.json');
    built.save(saved);
    expect(JSON.parse(readFileSync(saved, 'utf8')).format).toBe('nsgen-known-code/1');
    const corpus = KnownCodeCorpus.load(saved);
    const verdict = await new LicenseVerifier({ pythonSitePackages: [sitePackages], corpus }).verify(
      candidate(renamedCopy),
      pyTask,
    );
    expect(verdict.status).toBe('fail');
    expect(verdict.diagnostics[0]).toMatchObject({ rule: 'license-copied-code', severity: 'error' });
    expect(verdict.diagnostics[0]?.message).toContain('sort.py');
  });
});

describe('spdx helpers', () => {
  it('normalises free-text licenses and splits allow-lists', () => {
    expect(normaliseLicense('Apache Software License')).toBe('Apache-2.0');
    expect(normaliseLicense('BSD-3-Clause')).toBe('BSD-3-Clause');
    expect(normaliseLicense('UNKNOWN')).toBeUndefined();
    expect(allowedLicenses('MIT OR ISC')).toEqual(['MIT', 'ISC']);
  });
});
