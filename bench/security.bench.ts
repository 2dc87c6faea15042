/**
 * The security verifier side by side with Bandit on real code: the Python standard library
 * of this machine (test folders left out, files tree-sitter cannot parse skipped).
 *
 * Mapping: each rule's `bandit` field lists the Bandit test ids covering the same weakness
 * (py-eval ↔ B307, py-exec ↔ B102, py-shell-true ↔ B602/B604, py-os-system ↔ B605,
 * py-process-spawn ↔ B606, py-sql-injection ↔ B608, py-pickle ↔ B301/B614, py-marshal ↔ B302,
 * py-yaml-load ↔ B506, py-weak-hash ↔ B303/B324, py-weak-cipher ↔ B304, py-ecb-mode ↔ B305,
 * py-weak-key-size ↔ B505, py-insecure-random ↔ B311, py-hardcoded-secret ↔ B105/B106/B107,
 * py-tls-verify-disabled ↔ B501/B323, py-weak-tls-version ↔ B502/B503, py-mktemp ↔ B306,
 * py-hardcoded-tmp ↔ B108, py-tarfile-extract ↔ B202, py-world-writable ↔ B103,
 * py-bind-all-interfaces ↔ B104, py-request-no-timeout ↔ B113, py-xxe ↔ B313–B320,
 * py-url-open ↔ B310, py-cleartext-protocol ↔ B312/B321, py-ssh-host-key ↔ B507,
 * py-flask-debug ↔ B201, py-jinja-autoescape ↔ B701). Bandit tests with no rule here (B101
 * every assert, B110 try/except/pass, B403/B404/B405–B411 "this module was imported", B603/B607 ...)
 * are counted separately as unmapped.
 *
 * A finding of both tools agrees when it is in the same file and our line falls inside
 * Bandit's reported line range. Run: npx tsx bench/security.bench.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../src/ast/index.js';
import { SECURITY_RULES, type SecurityFinding, scanSource } from '../verifiers/security/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const SKIPPED_FOLDERS = new Set(['test', 'tests', 'idle_test', 'site-packages', '__pycache__', 'lib2to3']);
const MAX_FILES = 1000;

function ensureBandit(): string {
  const probe = spawnSync('python3', ['-m', 'bandit', '--version'], { encoding: 'utf8' });
  if (probe.status !== 0)
    execFileSync('python3', ['-m', 'pip', 'install', '-q', 'bandit'], { stdio: 'inherit' });
  const version = spawnSync('python3', ['-m', 'bandit', '--version'], { encoding: 'utf8' }).stdout.match(
    /\d+\.\d+\.\d+/,
  );
  return `bandit ${version?.[0] ?? '(unknown version)'}`;
}

function pythonFiles(root: string): string[] {
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry)) visit(path);
      } else if (entry.endsWith('.py') && !entry.startsWith('test_')) files.push(path);
    }
  };
  visit(root);
  return files;
}

interface BanditResult {
  filename: string;
  test_id: string;
  line_number: number;
  line_range: number[];
  code: string;
}

const stdlib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], {
  encoding: 'utf8',
}).trim();
const banditVersion = ensureBandit();

// Corpus: files tree-sitter parses without errors.
const corpus: { path: string; code: string }[] = [];
let unparsable = 0;
for (const path of pythonFiles(stdlib)) {
  if (corpus.length >= MAX_FILES) break;
  const code = readFileSync(path, 'utf8');
  const tree = await parse(code, 'python');
  const broken = tree.rootNode.hasError;
  tree.delete();
  if (broken) unparsable++;
  else corpus.push({ path, code });
}

// Ours: warm the grammar and compiled query once (as a long-lived verifier would be), then time the scans.
await scanSource('x = 1', 'python', { rules: SECURITY_RULES });
const ours = new Map<string, SecurityFinding[]>();
const oursStarted = performance.now();
for (const { path, code } of corpus)
  ours.set(path, await scanSource(code, 'python', { rules: SECURITY_RULES }));
const oursMs = performance.now() - oursStarted;

// Bandit: one process over the whole corpus (its best case), and its start-up cost alone.
const banditStarted = performance.now();
const banditRun = spawnSync(
  'python3',
  ['-m', 'bandit', '-q', '-f', 'json', ...corpus.map((file) => file.path)],
  {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  },
);
const banditMs = performance.now() - banditStarted;
const banditReport = JSON.parse(banditRun.stdout) as {
  results: BanditResult[];
  errors: { filename: string }[];
};
const emptyStarted = performance.now();
spawnSync('python3', ['-m', 'bandit', '-q', '-f', 'json', join(here, 'security.bench.ts')], {
  encoding: 'utf8',
});
const banditStartupMs = performance.now() - emptyStarted;

const banditErrors = new Set(banditReport.errors.map((error) => error.filename));
const ruleOfBandit = new Map<string, string>();
for (const rule of SECURITY_RULES) for (const id of rule.bandit ?? []) ruleOfBandit.set(id, rule.id);
const mappedRules = SECURITY_RULES.filter((rule) => rule.bandit && rule.bandit.length > 0).map(
  (rule) => rule.id,
);

interface Row {
  rule: string;
  bandit: string;
  both: number;
  banditOnly: number;
  oursOnly: number;
  banditTotal: number;
  oursTotal: number;
  banditOnlyExamples: string[];
  oursOnlyExamples: string[];
}
const rows = new Map<string, Row>();
for (const rule of mappedRules) {
  const ids = SECURITY_RULES.find((candidate) => candidate.id === rule)?.bandit ?? [];
  rows.set(rule, {
    rule,
    bandit: ids.join(','),
    both: 0,
    banditOnly: 0,
    oursOnly: 0,
    banditTotal: 0,
    oursTotal: 0,
    banditOnlyExamples: [],
    oursOnlyExamples: [],
  });
}
const unmapped = new Map<string, number>();
const where = (path: string, line: number, text: string) =>
  `${relative(stdlib, path)}:${line}  ${text.trim().slice(0, 90)}`;
const matchedOurs = new Set<SecurityFinding>();

for (const result of banditReport.results) {
  const rule = ruleOfBandit.get(result.test_id);
  if (!rule) {
    unmapped.set(result.test_id, (unmapped.get(result.test_id) ?? 0) + 1);
    continue;
  }
  const row = rows.get(rule)!;
  row.banditTotal++;
  const lines = result.line_range.length > 0 ? result.line_range : [result.line_number];
  const first = Math.min(...lines, result.line_number);
  const last = Math.max(...lines, result.line_number);
  const hit = (ours.get(result.filename) ?? []).find(
    (finding) =>
      finding.rule === rule && !matchedOurs.has(finding) && finding.line >= first && finding.line <= last,
  );
  if (hit) {
    matchedOurs.add(hit);
    row.both++;
  } else {
    row.banditOnly++;
    if (row.banditOnlyExamples.length < 3) {
      const code =
        result.code.split('\n').find((line) => line.startsWith(String(result.line_number))) ?? result.code;
      row.banditOnlyExamples.push(where(result.filename, result.line_number, code.replace(/^\d+\s*/, '')));
    }
  }
}
for (const [path, findings] of ours) {
  if (banditErrors.has(path)) continue;
  for (const finding of findings) {
    const row = rows.get(finding.rule);
    if (!row) continue;
    row.oursTotal++;
    if (matchedOurs.has(finding)) continue;
    // Two of our findings on one Bandit line (e.g. two calls) count as agreement once, the rest as ours only.
    row.oursOnly++;
    if (row.oursOnlyExamples.length < 3)
      row.oursOnlyExamples.push(where(path, finding.line, finding.snippet));
  }
}

const table = [...rows.values()].filter((row) => row.banditTotal + row.oursTotal > 0);
const sum = (pick: (row: Row) => number) => table.reduce((total, row) => total + pick(row), 0);
const totals = {
  both: sum((row) => row.both),
  banditOnly: sum((row) => row.banditOnly),
  oursOnly: sum((row) => row.oursOnly),
  banditTotal: sum((row) => row.banditTotal),
  oursTotal: sum((row) => row.oursTotal),
};
const files = corpus.length;
const timing = {
  oursMsPerFile: oursMs / files,
  banditMsPerFile: banditMs / files,
  banditMsPerFileWithoutStartup: (banditMs - banditStartupMs) / files,
  oursTotalMs: oursMs,
  banditTotalMs: banditMs,
  banditStartupMs,
};

console.log(
  `\nSecurity rules vs ${banditVersion} on ${files} stdlib files (${stdlib}); ${unparsable} unparsable skipped\n`,
);
console.log(
  `${'rule'.padEnd(24)}${'bandit'.padEnd(34)}${'both'.padStart(6)}${'bandit-only'.padStart(13)}${'ours-only'.padStart(11)}`,
);
for (const row of table) {
  console.log(
    `${row.rule.padEnd(24)}${row.bandit.slice(0, 32).padEnd(34)}${String(row.both).padStart(6)}${String(row.banditOnly).padStart(13)}${String(row.oursOnly).padStart(11)}`,
  );
}
console.log(
  `${'total'.padEnd(58)}${String(totals.both).padStart(6)}${String(totals.banditOnly).padStart(13)}${String(totals.oursOnly).padStart(11)}`,
);
console.log(`\nunmapped Bandit findings: ${[...unmapped].map(([id, count]) => `${id}×${count}`).join(' ')}`);
console.log(
  `time per file: ours ${timing.oursMsPerFile.toFixed(2)} ms, bandit ${timing.banditMsPerFile.toFixed(2)} ms (${timing.banditMsPerFileWithoutStartup.toFixed(2)} ms without its ${banditStartupMs.toFixed(0)} ms start-up)`,
);
for (const row of table) {
  if (row.banditOnlyExamples.length > 0)
    console.log(`  ${row.rule} bandit only: ${row.banditOnlyExamples.join(' | ')}`);
  if (row.oursOnlyExamples.length > 0)
    console.log(`  ${row.rule} ours only: ${row.oursOnlyExamples.join(' | ')}`);
}

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'security.json'),
  `${JSON.stringify(
    {
      corpus: { root: stdlib, files, unparsableSkipped: unparsable, banditErrors: banditErrors.size },
      bandit: banditVersion,
      rules: SECURITY_RULES.length,
      timing,
      totals,
      perRule: table,
      unmappedBandit: Object.fromEntries(unmapped),
    },
    null,
    2,
  )}\n`,
);
