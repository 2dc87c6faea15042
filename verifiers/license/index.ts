export { type ImportedPackage, importedPackages, isPythonStdlib, nodePackageName } from './imports.js';
export {
  type CodeMatch,
  fingerprint,
  KnownCodeCorpus,
  type KnownCodeCorpusOptions,
  type KnownCodeDocument,
  normalisedTokens,
  type WinnowingOptions,
} from './known-code-corpus.js';
export {
  createLicenseVerifier,
  LICENSE_PENALTIES,
  type LicenseFinding,
  type LicenseFindingKind,
  LicenseVerifier,
  type LicenseVerifierOptions,
  licenseCompliance,
} from './license-verifier.js';
export {
  discoverSitePackages,
  nodePackageLicense,
  type PackageLicense,
  pythonPackageLicense,
} from './package-licenses.js';
export {
  allowedLicenses,
  DEFAULT_ALLOWED_LICENSES,
  isValidSpdx,
  licenseFromClassifiers,
  normaliseLicense,
  satisfiesAllowList,
} from './spdx.js';
