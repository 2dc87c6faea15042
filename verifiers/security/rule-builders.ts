/**
 * Most rules are about calls: "this function, called like this". `callRule` writes the
 * tree-sitter query for a call in the rule's language and hands the check the call's
 * resolved name and arguments, so a rule is its data plus a few lines of judgement.
 */
import type { Node } from '../../src/ast/index.js';
import type { ScanContext } from './scan-context.js';
import type { FindingRefinement, RiskSeverity, RuleLanguage, SecurityRule } from './types.js';

/** Calls in Python: `f(...)`, `a.b.f(...)`. */
export const PYTHON_CALL_QUERY =
  '(call function: [(identifier) (attribute)] @callee arguments: (argument_list) @args) @finding';

/** Calls and constructions in JavaScript/TypeScript: `f(...)`, `a.f(...)`, `new a.F(...)`. */
export const SCRIPT_CALL_QUERY = `[
  (call_expression function: [(identifier) (member_expression)] @callee arguments: (arguments) @args)
  (new_expression constructor: [(identifier) (member_expression)] @callee arguments: (arguments) @args)
] @finding`;

/** What a call rule's check sees. */
export interface CallMatch {
  /** The callee's dotted name with imports resolved (`subprocess.Popen`). */
  name: string;
  /** The last segment of the name (`Popen`), for method calls on unknown objects. */
  method: string;
  call: Node;
  callee: Node;
  args: Node;
  context: ScanContext;
}

export interface CallRuleSpec {
  id: string;
  cwe: string;
  severity: RiskSeverity;
  language: RuleLanguage;
  message: string;
  fix: string;
  /** Qualified names that trigger the rule, or a predicate over the name. */
  calls: readonly string[] | ((name: string, method: string) => boolean);
  check?: (match: CallMatch) => boolean | FindingRefinement;
  bandit?: readonly string[];
}

export function callRule(spec: CallRuleSpec): SecurityRule {
  const { calls, check, ...rest } = spec;
  const names = typeof calls === 'function' ? undefined : new Set(calls);
  const accepts = typeof calls === 'function' ? calls : (name: string) => names!.has(name);
  return {
    ...rest,
    query: spec.language === 'python' ? PYTHON_CALL_QUERY : SCRIPT_CALL_QUERY,
    check: ({ captures, context }) => {
      const callee = captures.callee;
      const args = captures.args;
      const call = captures.finding;
      if (!callee || !args || !call) return false;
      const name = context.qualifiedName(callee) ?? callee.text;
      const method = name.slice(name.lastIndexOf('.') + 1);
      if (!accepts(name, method)) return false;
      return check ? check({ name, method, call, callee, args, context }) : true;
    },
  };
}
