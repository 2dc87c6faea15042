/**
 * Runs rule packs over source code. All rules of a language go into one compiled
 * tree-sitter query (identical patterns shared), so a file is parsed once and traversed
 * once, whatever the number of rules.
 */

import { grammar, type Node, parse, Query } from '../../src/ast/index.js';
import type { Language } from '../../src/core/index.js';
import { createScanContext } from './scan-context.js';
import { type RuleLanguage, ruleLanguageOf, type SecurityFinding, type SecurityRule } from './types.js';

interface CompiledPack {
  query: Query;
  /** For each pattern index of the combined query: the rules that wrote that pattern. */
  rulesByPattern: SecurityRule[][];
}

const packs = new WeakMap<readonly SecurityRule[], Map<Language, Promise<CompiledPack>>>();

async function compile(rules: readonly SecurityRule[], language: Language): Promise<CompiledPack> {
  const lang = await grammar(language);
  const family: RuleLanguage = ruleLanguageOf(language);
  const sources: string[] = [];
  const rulesByPattern: SecurityRule[][] = [];
  const bySource = new Map<string, SecurityRule[]>();
  for (const rule of rules) {
    if (rule.language !== family) continue;
    const shared = bySource.get(rule.query);
    if (shared) {
      shared.push(rule);
      continue;
    }
    const owners = [rule];
    bySource.set(rule.query, owners);
    // Compiling each query alone names the rule whose query is wrong, and counts its patterns.
    let patterns: number;
    try {
      const alone = new Query(lang, rule.query);
      patterns = alone.patternCount();
      alone.delete();
    } catch (cause) {
      throw new Error(`security rule ${rule.id}: its tree-sitter query does not compile for ${language}`, {
        cause,
      });
    }
    sources.push(rule.query);
    for (let index = 0; index < patterns; index++) rulesByPattern.push(owners);
  }
  return { query: new Query(lang, sources.join('\n')), rulesByPattern };
}

function packFor(rules: readonly SecurityRule[], language: Language): Promise<CompiledPack> {
  let byLanguage = packs.get(rules);
  if (!byLanguage) {
    byLanguage = new Map();
    packs.set(rules, byLanguage);
  }
  let pack = byLanguage.get(language);
  if (!pack) {
    pack = compile(rules, language);
    byLanguage.set(language, pack);
  }
  return pack;
}

export interface ScanOptions {
  /** The rules to run. @default SECURITY_RULES */
  rules: readonly SecurityRule[];
}

/** Findings of `rules` in `code`, sorted by position; one per rule and node. */
export async function scanSource(
  code: string,
  language: Language,
  options: ScanOptions,
): Promise<SecurityFinding[]> {
  const pack = await packFor(options.rules, language);
  const tree = await parse(code, language);
  try {
    const context = createScanContext(tree, ruleLanguageOf(language));
    const lines = code.split('\n');
    const findings: SecurityFinding[] = [];
    const seen = new Set<string>();
    for (const match of pack.query.matches(tree.rootNode)) {
      const owners = pack.rulesByPattern[match.patternIndex] ?? [];
      const captures: Record<string, Node> = {};
      for (const capture of match.captures) captures[capture.name] ??= capture.node;
      const node = captures.finding ?? match.captures[0]?.node;
      if (!node) continue;
      for (const rule of owners) {
        const key = `${rule.id}:${node.startIndex}`;
        if (seen.has(key)) continue;
        const verdict = rule.check ? rule.check({ captures, node, context }) : true;
        if (verdict === false) continue;
        seen.add(key);
        const refinement = verdict === true ? {} : verdict;
        findings.push(toFinding(rule, node, lines, refinement.severity ?? rule.severity, refinement.detail));
      }
    }
    return findings.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  } finally {
    tree.delete();
  }
}

function toFinding(
  rule: SecurityRule,
  node: Node,
  lines: readonly string[],
  severity: SecurityFinding['severity'],
  detail: string | undefined,
): SecurityFinding {
  const snippet = (lines[node.startPosition.row] ?? '').trim().slice(0, 120);
  return {
    rule: rule.id,
    cwe: rule.cwe,
    severity,
    message: detail ? `${rule.message} (${detail})` : rule.message,
    fix: rule.fix,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
    snippet,
  };
}
