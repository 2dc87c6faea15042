import { join } from 'node:path';
import type { CallOptions, Candidate, Diagnostic, Task, Verdict, Verifier } from '../../src/core/index.js';
import { throwIfAborted } from '../../src/core/index.js';
import { importedPackages } from './imports.js';
import type { KnownCodeCorpus } from './known-code-corpus.js';
import {
  discoverSitePackages,
  nodePackageLicense,
  type PackageLicense,
  pythonPackageLicense,
} from './package-licenses.js';
import { allowedLicenses, DEFAULT_ALLOWED_LICENSES, satisfiesAllowList } from './spdx.js';

export type LicenseFindingKind = 'disallowed-license' | 'unknown-package' | 'unknown-license' | 'copied-code';

export interface LicenseFinding {
  kind: LicenseFindingKind;
  /** The package, or the corpus document the code was copied from. */
  subject: string;
  license?: string;
  allowed: boolean;
  line: number;
  message: string;
}

/**
 * How much each finding lowers LicenseCompliance: a disallowed license (imported or copied)
 * 0.8, a package whose license cannot be read 0.3, a package not installed 0.2, code copied
 * from an allowed-license source 0.1 (attribution is still owed).
 */
export const LICENSE_PENALTIES: Readonly<Record<LicenseFindingKind | 'copied-allowed', number>> =
  Object.freeze({
    'disallowed-license': 0.8,
    'unknown-license': 0.3,
    'unknown-package': 0.2,
    'copied-code': 0.8,
    'copied-allowed': 0.1,
  });

/** LicenseCompliance = Π over findings (1 − penalty): 1 with no findings, 0.2 with one disallowed license. */
export function licenseCompliance(findings: readonly LicenseFinding[]): number {
  let compliance = 1;
  for (const finding of findings) {
    const key = finding.kind === 'copied-code' && finding.allowed ? 'copied-allowed' : finding.kind;
    compliance *= 1 - LICENSE_PENALTIES[key];
  }
  return compliance;
}

export interface LicenseVerifierOptions {
  /** Allowed licenses as an SPDX OR-expression. @default DEFAULT_ALLOWED_LICENSES */
  allow?: string;
  /** Folders holding installed npm packages. @default [<cwd>/node_modules] */
  nodeModulesDirs?: readonly string[];
  /** Python site-packages folders. @default asked of `python3` once, lazily */
  pythonSitePackages?: readonly string[];
  /** Files of known origin to detect copied code; none by default. */
  corpus?: KnownCodeCorpus;
}

/**
 * Checks the licenses of the packages a candidate imports against an allow-list, and looks
 * for code copied from a known corpus. Score = LicenseCompliance; fails when a disallowed
 * license is found (imported or copied). Soft.
 */
export class LicenseVerifier implements Verifier {
  readonly name = 'license';
  readonly cost = 10;
  readonly hard = false;
  readonly allow: string;
  private readonly allowed: string[];
  private readonly options: LicenseVerifierOptions;

  constructor(options: LicenseVerifierOptions = {}) {
    this.allow = options.allow ?? DEFAULT_ALLOWED_LICENSES;
    this.allowed = allowedLicenses(this.allow);
    this.options = options;
  }

  appliesTo(_task: Task): boolean {
    return true;
  }

  private async resolve(name: string, language: Task['language']): Promise<PackageLicense> {
    if (language === 'python') {
      return pythonPackageLicense(name, this.options.pythonSitePackages ?? (await discoverSitePackages()));
    }
    return nodePackageLicense(name, this.options.nodeModulesDirs ?? [join(process.cwd(), 'node_modules')]);
  }

  async findings(code: string, language: Task['language']): Promise<LicenseFinding[]> {
    const findings: LicenseFinding[] = [];
    for (const { name, line } of await importedPackages(code, language)) {
      const resolved = await this.resolve(name, language);
      if (!resolved.source) {
        findings.push({
          kind: 'unknown-package',
          subject: name,
          allowed: false,
          line,
          message: `package "${name}" is not installed, so its license is unknown`,
        });
      } else if (!resolved.license) {
        findings.push({
          kind: 'unknown-license',
          subject: name,
          allowed: false,
          line,
          message: `package "${name}" declares no recognisable license (${resolved.declared ? `"${resolved.declared}"` : 'none'}; ${resolved.source})`,
        });
      } else if (!satisfiesAllowList(resolved.license, this.allowed)) {
        findings.push({
          kind: 'disallowed-license',
          subject: name,
          license: resolved.license,
          allowed: false,
          line,
          message: `package "${name}" is licensed ${resolved.license}, which the allow-list (${this.allow}) does not permit`,
        });
      }
    }
    for (const match of this.options.corpus?.match(code) ?? []) {
      const allowed = satisfiesAllowList(match.license, this.allowed);
      findings.push({
        kind: 'copied-code',
        subject: match.documentId,
        license: match.license,
        allowed,
        line: match.candidateLines.start,
        message: `lines ${match.candidateLines.start}-${match.candidateLines.end} match ${match.documentId} lines ${match.documentLines.start}-${match.documentLines.end} (${Math.round(match.similarity * 100)}% similar), licensed ${match.license}${allowed ? '; keep its attribution' : ', which the allow-list does not permit'}`,
      });
    }
    return findings;
  }

  async verify(candidate: Candidate, task: Task, options: CallOptions = {}): Promise<Verdict> {
    const started = performance.now();
    throwIfAborted(options.signal);
    const findings = await this.findings(candidate.code, task.language);
    const compliance = licenseCompliance(findings);
    const diagnostics: Diagnostic[] = findings.map((finding) => ({
      message: finding.message,
      severity:
        finding.kind === 'disallowed-license' || (finding.kind === 'copied-code' && !finding.allowed)
          ? 'error'
          : 'warning',
      rule: `license-${finding.kind}`,
      location: { line: finding.line, column: 1 },
    }));
    const disallowed = findings.some(
      (finding) =>
        finding.kind === 'disallowed-license' || (finding.kind === 'copied-code' && !finding.allowed),
    );
    return {
      verifier: this.name,
      status: disallowed ? 'fail' : 'pass',
      score: compliance,
      diagnostics,
      counterexamples: [],
      durationMs: performance.now() - started,
      details: { compliance, allow: this.allow, findings },
    };
  }
}

export function createLicenseVerifier(options: LicenseVerifierOptions = {}): LicenseVerifier {
  return new LicenseVerifier(options);
}
