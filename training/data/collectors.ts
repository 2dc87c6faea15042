/**
 * Collectors: walk a source tree on disk and yield its code files with where they came
 * from and what their package declares about licensing. Three kinds of source:
 * a repository (`repo:DIR`), installed npm packages (`npm:NODE_MODULES_DIR`) and a Python
 * installation's library (`python:LIB_DIR`, the standard library plus `site-packages`).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { NsgenError } from '../../src/core/index.js';
import { type LicenseFinding, licenseFromPythonMetadata, licenseFromText, validSpdx } from './license.js';

export const SOURCE_KINDS = ['repo', 'npm', 'python'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface SourceSpec {
  kind: SourceKind;
  path: string;
}

export interface CollectedFile {
  /** Absolute path. */
  path: string;
  /** `repo:NAME/relative/path`, `npm:PACKAGE@VERSION/relative/path`, `python:PACKAGE/relative/path`. */
  source: string;
  language: string;
  license: LicenseFinding;
  bytes: Buffer;
}

/** File extensions collected, by language. */
export const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  '.py': 'python',
  '.ts': 'typescript',
  '.tsx': 'typescript',
  '.mts': 'typescript',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
};

const SKIPPED_FOLDERS = new Set([
  '.git',
  'node_modules',
  '__pycache__',
  '.venv',
  'dist',
  'build',
  'coverage',
]);
const LICENSE_FILE = /^(LICEN[CS]E|COPYING)(\.(md|txt|rst))?$/i;

export function parseSourceSpec(spec: string): SourceSpec {
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon) as SourceKind;
  if (colon === -1 || !SOURCE_KINDS.includes(kind) || spec.slice(colon + 1) === '') {
    throw new NsgenError(
      'INVALID_ARGUMENT',
      `malformed source "${spec}": expected ${SOURCE_KINDS.map((k) => `${k}:PATH`).join(', ')}`,
    );
  }
  return { kind, path: spec.slice(colon + 1) };
}

function languageOf(path: string): string | undefined {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? undefined : LANGUAGE_BY_EXTENSION[path.slice(dot)];
}

async function* walk(dir: string, skip = SKIPPED_FOLDERS): AsyncGenerator<string> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  // Code-point order, not the locale's: the same tree gives the same corpus everywhere.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.has(entry.name)) yield* walk(path, skip);
    } else if (entry.isFile()) yield path;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/** A folder's license: its package.json `license`, else a recognised LICENSE file. */
async function folderLicense(dir: string): Promise<LicenseFinding> {
  const manifest = await readIfExists(join(dir, 'package.json'));
  if (manifest) {
    try {
      const declared = JSON.parse(manifest).license;
      const spdx = typeof declared === 'string' ? validSpdx(declared) : undefined;
      if (spdx) return { spdx, origin: 'metadata' };
    } catch {
      // An unreadable manifest leaves the LICENSE file to decide.
    }
  }
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => LICENSE_FILE.test(n)).sort()) {
    const spdx = licenseFromText((await readIfExists(join(dir, name))) ?? '');
    if (spdx) return { spdx, origin: `file:${name}` };
  }
  return { spdx: undefined, origin: 'none' };
}

async function* collectRepository(root: string): AsyncGenerator<CollectedFile> {
  const license = await folderLicense(root);
  const name = basename(root);
  for await (const path of walk(root)) {
    const language = languageOf(path);
    if (!language) continue;
    yield {
      path,
      source: `repo:${name}/${relative(root, path)}`,
      language,
      license,
      bytes: await readFile(path),
    };
  }
}

async function* collectNpm(nodeModules: string): AsyncGenerator<CollectedFile> {
  const packages: string[] = [];
  for (const entry of (await readdir(nodeModules).catch(() => [] as string[])).sort()) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of (await readdir(join(nodeModules, entry)).catch(() => [] as string[])).sort()) {
        packages.push(join(nodeModules, entry, scoped));
      }
    } else packages.push(join(nodeModules, entry));
  }
  for (const dir of packages) {
    const manifest = await readIfExists(join(dir, 'package.json'));
    if (!manifest) continue;
    let id = relative(nodeModules, dir);
    try {
      const parsed = JSON.parse(manifest);
      id = `${parsed.name ?? id}@${parsed.version ?? '0'}`;
    } catch {
      // Unparseable manifests keep the folder name.
    }
    const license = await folderLicense(dir);
    for await (const path of walk(dir)) {
      const language = languageOf(path);
      if (!language || path.endsWith('.d.ts')) continue;
      yield {
        path,
        source: `npm:${id}/${relative(dir, path)}`,
        language,
        license,
        bytes: await readFile(path),
      };
    }
  }
}

async function* collectPython(libDir: string): AsyncGenerator<CollectedFile> {
  // The standard library: the PSF license, from the installation's LICENSE.txt when present.
  const stdlibText = (await readIfExists(join(libDir, 'LICENSE.txt'))) ?? '';
  const stdlib: LicenseFinding = licenseFromText(stdlibText)
    ? { spdx: licenseFromText(stdlibText), origin: 'file:LICENSE.txt' }
    : { spdx: 'PSF-2.0', origin: 'python-stdlib' };
  const skip = new Set([
    ...SKIPPED_FOLDERS,
    'site-packages',
    'dist-packages',
    'test',
    'tests',
    'idlelib',
    'lib2to3',
  ]);
  for await (const path of walk(libDir, skip)) {
    if (!path.endsWith('.py')) continue;
    yield {
      path,
      source: `python:stdlib/${relative(libDir, path)}`,
      language: 'python',
      license: stdlib,
      bytes: await readFile(path),
    };
  }
  for (const packagesDir of ['site-packages', 'dist-packages']) {
    const root = join(libDir, packagesDir);
    const entries = (await readdir(root).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.dist-info'))
      .sort();
    for (const distInfo of entries) {
      const metadata = (await readIfExists(join(root, distInfo, 'METADATA'))) ?? '';
      let license = licenseFromPythonMetadata(metadata);
      if (!license.spdx) {
        for (const name of (await readdir(join(root, distInfo)).catch(() => [] as string[])).filter((n) =>
          LICENSE_FILE.test(n),
        )) {
          const spdx = licenseFromText((await readIfExists(join(root, distInfo, name))) ?? '');
          if (spdx) license = { spdx, origin: `file:${name}` };
        }
      }
      const id = distInfo.replace(/\.dist-info$/, '');
      const record = (await readIfExists(join(root, distInfo, 'RECORD'))) ?? '';
      for (const line of record.split('\n')) {
        const file = line.split(',')[0] ?? '';
        if (!file.endsWith('.py') || file.startsWith('..')) continue;
        const path = join(root, file);
        const bytes = await readFile(path).catch(() => undefined);
        if (bytes) yield { path, source: `python:${id}/${file}`, language: 'python', license, bytes };
      }
    }
  }
}

export async function* collect(spec: SourceSpec): AsyncGenerator<CollectedFile> {
  const info = await stat(spec.path).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new NsgenError('INVALID_ARGUMENT', `the ${spec.kind} source is not a folder`, { where: spec.path });
  }
  if (spec.kind === 'repo') yield* collectRepository(spec.path);
  else if (spec.kind === 'npm') yield* collectNpm(spec.path);
  else yield* collectPython(spec.path);
}
