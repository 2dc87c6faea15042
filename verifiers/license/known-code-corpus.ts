/**
 * Copied-code detection with winnowing (Schleimer, Wilkerson, Aiken: the MOSS idea). Code
 * is reduced to tokens with comments dropped, identifiers and literals normalised (so
 * renaming does not hide a copy), hashed as k-grams, and from every window of w hashes the
 * minimum is kept as a fingerprint. Any shared run of at least k + w − 1 tokens is
 * guaranteed to share a fingerprint.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { NsgenError } from '../../src/core/index.js';

/** A file of known origin. */
export interface KnownCodeDocument {
  id: string;
  /** Its SPDX license expression. */
  license: string;
  /** Fingerprint hash → the 1-based line it starts on. */
  fingerprints: Map<number, number>;
}

export interface CodeMatch {
  documentId: string;
  license: string;
  /** Share of the candidate's fingerprints found in the document, in [0, 1]. */
  similarity: number;
  matchedFingerprints: number;
  /** Lines of the candidate and of the document covered by shared fingerprints. */
  candidateLines: { start: number; end: number };
  documentLines: { start: number; end: number };
}

export interface WinnowingOptions {
  /** Tokens per k-gram. @default 5 */
  k?: number;
  /** Hashes per window. @default 4 */
  window?: number;
}

const KEYWORDS = new Set(
  (
    'and as assert async await break case catch class const continue def del do elif else except export extends ' +
    'finally for from function global if import in instanceof is lambda let new nonlocal not of or pass raise ' +
    'return static switch this throw try typeof var void while with yield True False None null undefined true false'
  ).split(' '),
);
const TOKEN =
  /[A-Za-z_$][\w$]*|\d[\w.]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`|==|!=|<=|>=|=>|\*\*|\/\/|&&|\|\||[^\s\w]/g;

interface Token {
  text: string;
  line: number;
}

/** Tokens with comments removed; identifiers become `v`, numbers `0`, strings `s`. */
export function normalisedTokens(code: string): Token[] {
  const tokens: Token[] = [];
  const lines = code.split('\n');
  let inBlockComment = false;
  lines.forEach((raw, index) => {
    let line = raw;
    if (inBlockComment) {
      const end = line.indexOf('*/');
      if (end === -1) return;
      line = line.slice(end + 2);
      inBlockComment = false;
    }
    line = line.replace(/\/\*.*?\*\//g, ' ');
    const open = line.indexOf('/*');
    if (open !== -1) {
      inBlockComment = true;
      line = line.slice(0, open);
    }
    line = line.replace(/(^|\s)(#|\/\/).*$/, '$1');
    for (const match of line.matchAll(TOKEN)) {
      const text = match[0];
      let normal = text;
      if (/^[A-Za-z_$]/.test(text)) normal = KEYWORDS.has(text) ? text : 'v';
      else if (/^\d/.test(text)) normal = '0';
      else if (/^["'`]/.test(text)) normal = 's';
      tokens.push({ text: normal, line: index + 1 });
    }
  });
  return tokens;
}

/** FNV-1a, 32 bits: fast, stable across runs and machines (fingerprints are saved). */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** Winnowed fingerprints of code: hash → line of its first occurrence. */
export function fingerprint(code: string, options: WinnowingOptions = {}): Map<number, number> {
  const k = options.k ?? 5;
  const window = options.window ?? 4;
  const tokens = normalisedTokens(code);
  const grams: { hash: number; line: number }[] = [];
  for (let index = 0; index + k <= tokens.length; index++) {
    const slice = tokens.slice(index, index + k);
    grams.push({ hash: hash(slice.map((token) => token.text).join(' ')), line: slice[0]!.line });
  }
  const fingerprints = new Map<number, number>();
  if (grams.length === 0) return fingerprints;
  const windows = Math.max(1, grams.length - window + 1);
  for (let start = 0; start < windows; start++) {
    let best = start;
    const end = Math.min(grams.length, start + window);
    // Rightmost minimum, as in the paper, so runs of equal hashes are fingerprinted once.
    for (let index = start; index < end; index++) if (grams[index]!.hash <= grams[best]!.hash) best = index;
    const chosen = grams[best]!;
    if (!fingerprints.has(chosen.hash)) fingerprints.set(chosen.hash, chosen.line);
  }
  return fingerprints;
}

export interface KnownCodeCorpusOptions extends WinnowingOptions {
  /** Least share of a candidate's fingerprints a document must contain. @default 0.5 */
  threshold?: number;
  /** Least number of shared fingerprints (short snippets are common idioms). @default 6 */
  minMatches?: number;
}

interface SavedCorpus {
  format: 'nsgen-known-code/1';
  k: number;
  window: number;
  documents: { id: string; license: string; fingerprints: [number, number][] }[];
}

/** A set of files with known licenses, searchable for copies. */
export class KnownCodeCorpus {
  readonly k: number;
  readonly window: number;
  readonly threshold: number;
  readonly minMatches: number;
  private readonly documents = new Map<string, KnownCodeDocument>();
  /** Fingerprint → the documents holding it. */
  private readonly index = new Map<number, Set<string>>();

  constructor(options: KnownCodeCorpusOptions = {}) {
    this.k = options.k ?? 5;
    this.window = options.window ?? 4;
    this.threshold = options.threshold ?? 0.5;
    this.minMatches = options.minMatches ?? 6;
  }

  get size(): number {
    return this.documents.size;
  }

  add(options: { id: string; license: string; code: string }): void {
    this.addFingerprints(options.id, options.license, fingerprint(options.code, this));
  }

  private addFingerprints(id: string, license: string, fingerprints: Map<number, number>): void {
    this.documents.set(id, { id, license, fingerprints });
    for (const value of fingerprints.keys()) {
      let holders = this.index.get(value);
      if (!holders) {
        holders = new Set();
        this.index.set(value, holders);
      }
      holders.add(id);
    }
  }

  /** Documents the code was copied from (above the threshold), most similar first. */
  match(code: string): CodeMatch[] {
    const candidate = fingerprint(code, this);
    if (candidate.size === 0) return [];
    const shared = new Map<string, number[]>();
    for (const value of candidate.keys()) {
      for (const id of this.index.get(value) ?? []) {
        const list = shared.get(id) ?? [];
        list.push(value);
        shared.set(id, list);
      }
    }
    const matches: CodeMatch[] = [];
    for (const [id, values] of shared) {
      const similarity = values.length / candidate.size;
      if (values.length < this.minMatches || similarity < this.threshold) continue;
      const document = this.documents.get(id)!;
      const candidateLines = values.map((value) => candidate.get(value)!);
      const documentLines = values.map((value) => document.fingerprints.get(value)!);
      matches.push({
        documentId: id,
        license: document.license,
        similarity,
        matchedFingerprints: values.length,
        candidateLines: { start: Math.min(...candidateLines), end: Math.max(...candidateLines) },
        documentLines: { start: Math.min(...documentLines), end: Math.max(...documentLines) },
      });
    }
    return matches.sort((a, b) => b.similarity - a.similarity);
  }

  /** Adds every file under `dir` with one of `extensions`, ids relative to `dir`. */
  addFolder(
    dir: string,
    options: { license: string; extensions?: readonly string[]; idPrefix?: string },
  ): number {
    const extensions = new Set(options.extensions ?? ['.py', '.js', '.ts', '.mjs', '.cjs', '.tsx', '.jsx']);
    let added = 0;
    const visit = (current: string): void => {
      for (const entry of readdirSync(current).sort()) {
        const path = join(current, entry);
        if (statSync(path).isDirectory()) {
          if (entry !== 'node_modules' && !entry.startsWith('.')) visit(path);
        } else if (extensions.has(extname(entry))) {
          this.add({
            id: `${options.idPrefix ?? ''}${relative(dir, path)}`,
            license: options.license,
            code: readFileSync(path, 'utf8'),
          });
          added++;
        }
      }
    };
    visit(dir);
    return added;
  }

  static fromFolder(
    dir: string,
    options: { license: string; extensions?: readonly string[] } & KnownCodeCorpusOptions,
  ): KnownCodeCorpus {
    const corpus = new KnownCodeCorpus(options);
    corpus.addFolder(dir, options);
    return corpus;
  }

  toJSON(): SavedCorpus {
    return {
      format: 'nsgen-known-code/1',
      k: this.k,
      window: this.window,
      documents: [...this.documents.values()].map((document) => ({
        id: document.id,
        license: document.license,
        fingerprints: [...document.fingerprints],
      })),
    };
  }

  save(path: string): void {
    writeFileSync(path, `${JSON.stringify(this.toJSON())}\n`);
  }

  static fromJSON(
    data: unknown,
    options: Omit<KnownCodeCorpusOptions, 'k' | 'window'> = {},
  ): KnownCodeCorpus {
    const saved = data as Partial<SavedCorpus>;
    if (saved?.format !== 'nsgen-known-code/1' || !Array.isArray(saved.documents)) {
      throw new NsgenError('INVALID_DATA', 'not a known-code corpus (expected format "nsgen-known-code/1")');
    }
    const corpus = new KnownCodeCorpus({ ...options, k: saved.k ?? 5, window: saved.window ?? 4 });
    for (const document of saved.documents) {
      corpus.addFingerprints(document.id, document.license, new Map(document.fingerprints));
    }
    return corpus;
  }

  static load(path: string, options: Omit<KnownCodeCorpusOptions, 'k' | 'window'> = {}): KnownCodeCorpus {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (cause) {
      throw new NsgenError('IO_ERROR', `cannot read the known-code corpus: ${(cause as Error).message}`, {
        where: path,
        cause,
      });
    }
    try {
      return KnownCodeCorpus.fromJSON(data, options);
    } catch (cause) {
      throw new NsgenError('INVALID_DATA', (cause as Error).message, { where: path, cause });
    }
  }
}
