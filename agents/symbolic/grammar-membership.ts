/**
 * Whether a SyGuS grammar derives a program. The search merges nonterminals of one sort,
 * which is exact for grammars with one nonterminal per sort (the PBE tracks) and wider
 * otherwise; this check keeps every answer inside the grammar the problem states.
 */
import { OPERATOR_ALIASES, type Program, valuesEqual } from './language.js';
import type { SygusMetadata } from './search-space-from-task.js';

type SExpr = string | SExpr[];

function literal(expr: SExpr): number | string | boolean | undefined {
  if (typeof expr === 'string') {
    if (expr.startsWith('"')) return expr.slice(1, -1).replace(/""/g, '"');
    if (/^-?[0-9]+$/.test(expr)) return Number(expr);
    if (expr === 'true' || expr === 'false') return expr === 'true';
    return undefined;
  }
  if (expr.length === 2 && expr[0] === '-' && typeof expr[1] === 'string' && /^[0-9]+$/.test(expr[1])) {
    return -Number(expr[1]);
  }
  return undefined;
}

export function grammarDerives(sygus: SygusMetadata, program: Program): boolean {
  const grammar = sygus.grammar;
  if (!grammar || grammar.length === 0) return true;
  const rules = new Map(grammar.map((rule) => [rule.name, rule]));
  const params = sygus.function.params.map((param) => param.name);
  const active = new Set<string>();

  const matches = (expr: SExpr, node: Program): boolean => {
    if (typeof expr === 'string' && rules.has(expr)) return derives(expr, node);
    const value = literal(expr);
    if (value !== undefined) return node.kind === 'const' && valuesEqual(node.value, value);
    if (typeof expr === 'string') return node.kind === 'var' && params[node.index] === expr;
    const [head, ...args] = expr;
    if (head === 'Constant') return node.kind === 'const' && node.sort === args[0];
    if (head === 'Variable') return node.kind === 'var' && node.sort === args[0];
    if (node.kind !== 'call' || typeof head !== 'string') return false;
    const name = OPERATOR_ALIASES[head] ?? head;
    return (
      name === node.op &&
      args.length === node.args.length &&
      args.every((arg, i) => matches(arg, node.args[i]!))
    );
  };

  const derives = (nonterminal: string, node: Program): boolean => {
    // A chain of nonterminals that comes back to itself on the same node derives nothing new.
    const key = `${nonterminal}\u0000${JSON.stringify(node)}`;
    if (active.has(key)) return false;
    active.add(key);
    try {
      return rules.get(nonterminal)!.productions.some((production) => matches(production, node));
    } finally {
      active.delete(key);
    }
  };
  return derives(grammar[0]!.name, program);
}
