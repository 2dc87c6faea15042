/**
 * Where an imported package's license comes from: `node_modules/<pkg>/package.json`
 * (`license`, or the old `licenses` array) and Python `*.dist-info/METADATA`
 * (`License-Expression`, `License`, then Trove classifiers) in site-packages folders.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { licenseFromClassifiers, normaliseLicense } from './spdx.js';

/** What the environment says about one package. */
export interface PackageLicense {
  /** The package as imported (`yaml`, `@scope/pkg`). */
  name: string;
  /** The installed distribution (`PyYAML`), when found. */
  distribution?: string;
  /** The SPDX expression, when the declared license could be read as one. */
  license?: string;
  /** What the metadata literally says, for messages. */
  declared?: string;
  /** Where it was read from. */
  source?: string;
}

export function nodePackageLicense(name: string, nodeModulesDirs: readonly string[]): PackageLicense {
  for (const dir of nodeModulesDirs) {
    const manifest = join(dir, name, 'package.json');
    if (!existsSync(manifest)) continue;
    let parsed: { name?: string; license?: unknown; licenses?: unknown };
    try {
      parsed = JSON.parse(readFileSync(manifest, 'utf8'));
    } catch {
      return { name, source: manifest };
    }
    const declared = declaredNodeLicense(parsed);
    const result: PackageLicense = { name, distribution: parsed.name ?? name, source: manifest };
    if (declared !== undefined) result.declared = declared;
    const license = normaliseLicense(declared);
    if (license !== undefined) result.license = license;
    return result;
  }
  return { name };
}

function declaredNodeLicense(manifest: { license?: unknown; licenses?: unknown }): string | undefined {
  const { license, licenses } = manifest;
  if (typeof license === 'string') return license;
  if (license && typeof license === 'object' && typeof (license as { type?: unknown }).type === 'string') {
    return (license as { type: string }).type;
  }
  if (Array.isArray(licenses)) {
    const types = licenses
      .map((entry) => (typeof entry === 'string' ? entry : (entry as { type?: unknown })?.type))
      .filter((type): type is string => typeof type === 'string');
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`;
  }
  return undefined;
}

interface Distribution {
  name: string;
  metadataPath: string;
  /** Top-level import names the distribution installs. */
  importNames: Set<string>;
}

const distributionIndexes = new Map<string, Distribution[]>();

/** Distribution names compare case-insensitively with `-`, `_` and `.` equal (PEP 503). */
function canonical(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function indexSitePackages(dir: string): Distribution[] {
  const cached = distributionIndexes.get(dir);
  if (cached) return cached;
  const distributions: Distribution[] = [];
  if (existsSync(dir)) {
    for (const entry of readdirSync(dir)) {
      if (!entry.endsWith('.dist-info') && !entry.endsWith('.egg-info')) continue;
      const folder = join(dir, entry);
      const metadataPath = join(folder, entry.endsWith('.dist-info') ? 'METADATA' : 'PKG-INFO');
      if (!existsSync(metadataPath)) continue;
      const name = entry.replace(/\.(dist|egg)-info$/, '').replace(/-[^-]*$/, '');
      const importNames = new Set<string>([name.replace(/-/g, '_').toLowerCase()]);
      const topLevel = join(folder, 'top_level.txt');
      if (existsSync(topLevel)) {
        for (const line of readFileSync(topLevel, 'utf8').split('\n'))
          if (line.trim()) importNames.add(line.trim().toLowerCase());
      } else {
        // No top_level.txt: the installed file list names the top-level packages.
        const record = join(folder, 'RECORD');
        if (existsSync(record)) {
          for (const line of readFileSync(record, 'utf8').split('\n')) {
            const first = line.split(',')[0]?.split('/')[0] ?? '';
            if (first && !first.includes('.dist-info') && !first.startsWith('..')) {
              importNames.add(first.replace(/\.py$/, '').toLowerCase());
            }
          }
        }
      }
      distributions.push({ name, metadataPath, importNames });
    }
  }
  distributionIndexes.set(dir, distributions);
  return distributions;
}

/** Header fields of a METADATA/PKG-INFO file (the part before the first blank line). */
function metadataFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') break;
    if (/^\s/.test(line) && last) {
      const values = fields.get(last)!;
      values[values.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon);
    const values = fields.get(last) ?? [];
    values.push(line.slice(colon + 1).trim());
    fields.set(last, values);
  }
  return fields;
}

export function pythonPackageLicense(name: string, sitePackages: readonly string[]): PackageLicense {
  const importName = name.toLowerCase();
  for (const dir of sitePackages) {
    const distribution =
      indexSitePackages(dir).find((candidate) => candidate.importNames.has(importName)) ??
      indexSitePackages(dir).find((candidate) => canonical(candidate.name) === canonical(name));
    if (!distribution) continue;
    const fields = metadataFields(readFileSync(distribution.metadataPath, 'utf8'));
    const result: PackageLicense = {
      name,
      distribution: fields.get('Name')?.[0] ?? distribution.name,
      source: distribution.metadataPath,
    };
    const expression = fields.get('License-Expression')?.[0];
    const licenseField = fields.get('License')?.[0];
    const fromClassifiers = licenseFromClassifiers(fields.get('Classifier') ?? []);
    const declared = expression ?? licenseField ?? fromClassifiers;
    if (declared !== undefined) result.declared = declared.split('\n')[0]!.slice(0, 120);
    const license = normaliseLicense(expression) ?? normaliseLicense(licenseField) ?? fromClassifiers;
    if (license !== undefined) result.license = license;
    return result;
  }
  return { name };
}

let defaultSitePackages: Promise<string[]> | undefined;

/** This machine's site-packages folders, asked of `python3` once per process; [] without Python. */
export function discoverSitePackages(python = 'python3'): Promise<string[]> {
  defaultSitePackages ??= promisify(execFile)(
    python,
    ['-c', 'import json, site; print(json.dumps(site.getsitepackages() + [site.getusersitepackages()]))'],
    { timeout: 10_000 },
  )
    .then(({ stdout }) => (JSON.parse(stdout) as string[]).filter((dir) => existsSync(dir)))
    .catch(() => []);
  return defaultSitePackages;
}
