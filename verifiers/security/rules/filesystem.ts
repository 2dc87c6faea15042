/** Temporary-file races, guessable temp paths, archive extraction and file permissions. */
import { callRule } from '../rule-builders.js';
import { keywordArgument, positionalArguments, stringValue } from '../syntax.js';
import type { SecurityRule } from '../types.js';

const SHARED_TEMP_DIRS = ['/tmp', '/var/tmp', '/dev/shm'];

export const FILESYSTEM_RULES: SecurityRule[] = [
  callRule({
    id: 'py-mktemp',
    cwe: 'CWE-377',
    severity: 'medium',
    language: 'python',
    message: 'mktemp returns a name another process can create first (a race)',
    fix: 'Use tempfile.mkstemp(), NamedTemporaryFile() or TemporaryDirectory(), which create the file atomically.',
    calls: ['tempfile.mktemp', 'os.tempnam', 'os.tmpnam'],
    bandit: ['B306'],
  }),
  {
    id: 'py-hardcoded-tmp',
    cwe: 'CWE-377',
    severity: 'low',
    language: 'python',
    message: 'a fixed path in a shared temporary folder can be pre-created or symlinked by another user',
    fix: 'Create temporary files with the tempfile module instead of fixed /tmp paths.',
    query: '(string (string_content)) @finding',
    check: ({ node }) => {
      const value = stringValue(node);
      return value !== undefined && SHARED_TEMP_DIRS.some((dir) => value.startsWith(dir));
    },
    bandit: ['B108'],
  },
  callRule({
    id: 'py-tarfile-extract',
    cwe: 'CWE-22',
    severity: 'medium',
    language: 'python',
    message:
      'extracting a tar archive without a filter lets member names like ../../etc/x escape the target folder',
    fix: "Pass filter='data' (Python 3.12+, backported to 3.8+ patch releases) or check each member's path before extracting.",
    calls: (_name, method) => method === 'extractall' || method === 'extract',
    check: ({ args, callee, context }) => {
      if (keywordArgument(args, 'filter') || keywordArgument(args, 'members')) return false;
      // zipfile sanitises member paths itself; only tar archives are at risk.
      const importsTar = [...context.imports.values()].some((module) => module.startsWith('tarfile'));
      return importsTar || /tar/i.test(callee.text);
    },
    bandit: ['B202'],
  }),
  callRule({
    id: 'py-world-writable',
    cwe: 'CWE-732',
    severity: 'medium',
    language: 'python',
    message: 'the file is made writable by every user on the machine',
    fix: 'Use 0o600 for private files, 0o644 for shared read-only files, 0o755 for executables.',
    calls: ['os.chmod', 'os.fchmod', 'os.lchmod', 'pathlib.Path.chmod'],
    check: ({ args }) => {
      const mode = positionalArguments(args)[1] ?? keywordArgument(args, 'mode');
      if (!mode) return false;
      if (mode.type === 'integer') {
        const value = Number(mode.text.replace(/_/g, '').replace(/^0(?=\d)/, '0o'));
        return Number.isFinite(value) && (value & 0o002) !== 0 ? { detail: `mode ${mode.text}` } : false;
      }
      return /S_IWOTH|S_IRWXO/.test(mode.text) ? { detail: mode.text } : false;
    },
    bandit: ['B103'],
  }),
];
