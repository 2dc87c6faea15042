/**
 * The data engine: collect source files, decode, filter by quality, license and secrets,
 * remove exact and near duplicates, and write shards (JSONL and Parquet) with a report of
 * what was kept and what was rejected and why.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { NsgenError, throwIfAborted } from '../../src/core/index.js';
import { collect, type SourceSpec } from './collectors.js';
import { contentHash, NearDuplicateIndex } from './dedup.js';
import { DEFAULT_LICENSE_ALLOW_LIST, licenseAllowed } from './license.js';
import {
  assessQuality,
  DEFAULT_QUALITY_LIMITS,
  decodeText,
  findSecrets,
  type QualityLimits,
  type RejectReason,
} from './quality.js';

export const SHARD_FORMATS = ['jsonl', 'parquet'] as const;
export type ShardFormat = (typeof SHARD_FORMATS)[number];

/** One corpus record, as written to every shard format. */
export interface CorpusRecord {
  id: string;
  content: string;
  language: string;
  source: string;
  license: string;
  quality_score: number;
  metadata: { path: string; bytes: number; lines: number; licenseOrigin: string };
}

export interface BuildCorpusOptions {
  sources: SourceSpec[];
  outDir: string;
  /** SPDX identifiers a file's license must satisfy. @default DEFAULT_LICENSE_ALLOW_LIST */
  allowLicenses?: string[];
  /** @default ['jsonl', 'parquet'] */
  formats?: ShardFormat[];
  /** Records per shard. @default 10_000 */
  shardSize?: number;
  /** Stop after this many kept files. */
  maxFiles?: number;
  limits?: Partial<QualityLimits>;
  /** @default 0.8 */
  nearDuplicateThreshold?: number;
  signal?: AbortSignal;
}

export interface Rejection {
  source: string;
  reason: RejectReason;
  detail: string;
}

export interface CorpusReport {
  sources: string[];
  seen: number;
  kept: number;
  rejected: number;
  keptBytes: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  keptByLicense: Record<string, number>;
  keptByLanguage: Record<string, number>;
  shards: string[];
  /** Every rejected file with its reason. */
  rejections: Rejection[];
}

export async function buildCorpus(options: BuildCorpusOptions): Promise<CorpusReport> {
  if (options.sources.length === 0) throw new NsgenError('INVALID_ARGUMENT', 'give at least one source');
  const formats = options.formats ?? ['jsonl', 'parquet'];
  for (const format of formats) {
    if (!SHARD_FORMATS.includes(format)) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `unknown shard format "${format}": one of ${SHARD_FORMATS.join(', ')}`,
      );
    }
  }
  const allow = options.allowLicenses ?? DEFAULT_LICENSE_ALLOW_LIST;
  const limits = { ...DEFAULT_QUALITY_LIMITS, ...options.limits };
  const shardSize = options.shardSize ?? 10_000;
  await mkdir(options.outDir, { recursive: true });

  const report: CorpusReport = {
    sources: options.sources.map((source) => `${source.kind}:${source.path}`),
    seen: 0,
    kept: 0,
    rejected: 0,
    keptBytes: 0,
    rejectedByReason: {},
    keptByLicense: {},
    keptByLanguage: {},
    shards: [],
    rejections: [],
  };
  const exact = new Set<string>();
  const near = new NearDuplicateIndex({ threshold: options.nearDuplicateThreshold ?? 0.8 });
  let pending: CorpusRecord[] = [];

  const reject = (source: string, reason: RejectReason, detail: string) => {
    report.rejected++;
    report.rejectedByReason[reason] = (report.rejectedByReason[reason] ?? 0) + 1;
    report.rejections.push({ source, reason, detail });
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const base = `shard-${String(report.shards.length / formats.length).padStart(5, '0')}`;
    for (const format of formats) {
      const path = join(options.outDir, `${base}.${format}`);
      await writeFile(path, format === 'jsonl' ? toJsonl(pending) : toParquet(pending));
      report.shards.push(path);
    }
    pending = [];
  };

  outer: for (const spec of options.sources) {
    for await (const file of collect(spec)) {
      throwIfAborted(options.signal);
      report.seen++;
      const decoded = decodeText(file.bytes);
      if ('reason' in decoded) {
        reject(file.source, decoded.reason, decoded.reason === 'binary' ? 'NUL bytes' : 'not valid UTF-8');
        continue;
      }
      const { text } = decoded;
      const quality = assessQuality(text, file.path, limits);
      if ('reason' in quality) {
        reject(file.source, quality.reason, quality.detail);
        continue;
      }
      const secrets = findSecrets(text);
      if (secrets.length) {
        reject(file.source, 'secret', secrets.join(', '));
        continue;
      }
      if (!file.license.spdx) {
        reject(file.source, 'license-unknown', 'no license in the package metadata or LICENSE files');
        continue;
      }
      if (!licenseAllowed(file.license.spdx, allow)) {
        reject(file.source, 'license-not-allowed', `${file.license.spdx} (from ${file.license.origin})`);
        continue;
      }
      const hash = contentHash(text);
      if (exact.has(hash)) {
        reject(file.source, 'exact-duplicate', hash.slice(0, 16));
        continue;
      }
      exact.add(hash);
      const similarity = near.addUnlessDuplicate(text);
      if (similarity !== undefined) {
        reject(file.source, 'near-duplicate', `estimated Jaccard similarity ${similarity.toFixed(2)}`);
        continue;
      }
      pending.push({
        id: hash.slice(0, 24),
        content: text,
        language: file.language,
        source: file.source,
        license: file.license.spdx,
        quality_score: quality.score,
        metadata: {
          path: file.path,
          bytes: file.bytes.length,
          lines: text.split('\n').length,
          licenseOrigin: file.license.origin,
        },
      });
      report.kept++;
      report.keptBytes += file.bytes.length;
      report.keptByLicense[file.license.spdx] = (report.keptByLicense[file.license.spdx] ?? 0) + 1;
      report.keptByLanguage[file.language] = (report.keptByLanguage[file.language] ?? 0) + 1;
      if (pending.length >= shardSize) await flush();
      if (options.maxFiles !== undefined && report.kept >= options.maxFiles) break outer;
    }
  }
  await flush();
  await writeFile(join(options.outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

function toJsonl(records: CorpusRecord[]): string {
  return records
    .map((record) => JSON.stringify(record))
    .join('\n')
    .concat('\n');
}

function toParquet(records: CorpusRecord[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: records.map((r) => r.id), type: 'STRING' },
      { name: 'content', data: records.map((r) => r.content), type: 'STRING' },
      { name: 'language', data: records.map((r) => r.language), type: 'STRING' },
      { name: 'source', data: records.map((r) => r.source), type: 'STRING' },
      { name: 'license', data: records.map((r) => r.license), type: 'STRING' },
      { name: 'quality_score', data: records.map((r) => r.quality_score), type: 'DOUBLE' },
      { name: 'metadata', data: records.map((r) => r.metadata), type: 'JSON' },
    ],
  });
  return new Uint8Array(buffer);
}
