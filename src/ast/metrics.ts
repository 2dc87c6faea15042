/**
 * Structure metrics per function and per file.
 *
 * - Cyclomatic complexity (McCabe): 1 + decision points. Decision points are `if`/`elif`,
 *   loops (`for`, `while`, `do`), `except`/`catch` clauses, `case` clauses (not `default`
 *   and not Python's bare `case _:`), boolean operators (`and`, `or`, `&&`, `||`, `??` and
 *   their assignment forms `&&=`, `||=`, `??=`), conditional expressions (`a if c else b`,
 *   `c ? a : b`) and comprehension `if`s.
 * - Nesting depth: how deep control-flow blocks (`if`, loops, `try`, `with`, `switch`,
 *   `match`) nest; 0 for straight-line code. `else if` continues its chain rather than
 *   nesting.
 * - Length: non-blank lines holding something other than comments; a Python docstring is
 *   documentation, not code, and does not count.
 * - Parameter count: declared parameters, without a method's leading `self`/`cls`.
 *
 * A function's figures cover its own code: the decision points and blocks of nested
 * extracted functions count for those functions, not for the one around them (anonymous
 * callbacks and lambdas are not extracted and count for their enclosing function).
 * The file's complexity is 1 + every decision point in the file.
 */
import type { Language } from '../core/index.js';
import { type FunctionSite, functionSitesOf, pythonDocstringNode } from './functions.js';
import { childrenOf, visit } from './nodes.js';
import { type Node, type Tree, withTree } from './parser.js';

export interface FunctionMetrics {
  name: string;
  className?: string;
  /** First line of the definition (1-based). */
  line: number;
  cyclomaticComplexity: number;
  maxNestingDepth: number;
  /** Non-blank, non-comment lines of the definition, docstring excluded. */
  lengthLines: number;
  parameterCount: number;
}

export interface FileMetrics {
  /** 1 + every decision point in the file. */
  cyclomaticComplexity: number;
  /** The deepest nesting anywhere in the file (module-level code or any function). */
  maxNestingDepth: number;
  /** Non-blank, non-comment lines, docstrings excluded. */
  lengthLines: number;
  functionCount: number;
  /** The highest function complexity; 0 when the file has no function. */
  maxFunctionComplexity: number;
  /** Mean function complexity; 0 when the file has no function. */
  meanFunctionComplexity: number;
  /** The most parameters any function declares; 0 when the file has no function. */
  maxParameterCount: number;
}

export interface StructureMetrics {
  language: Language;
  file: FileMetrics;
  functions: FunctionMetrics[];
}

/** Metrics of a parsed source (the caller keeps the tree). */
export function structureMetricsOf(tree: Tree, language: Language): StructureMetrics {
  return metricsOf(tree, language, functionSitesOf(tree, language));
}

/**
 * Metrics from already extracted sites of the same tree (saves a second extraction when
 * the caller needs the sites too).
 */
export function metricsOf(tree: Tree, language: Language, sites: FunctionSite[]): StructureMetrics {
  const rules = language === 'python' ? PYTHON : ECMASCRIPT;
  const boundaries = new Set(sites.map((site) => site.node.id));
  const skippedLines = docstringNodes(tree, language, sites);

  const functions = sites.map((site): FunctionMetrics => {
    const own = measure(site.node, rules, boundaries);
    const ignoresFirst =
      site.info.kind === 'method' && /^(self|cls)$/.test(site.info.parameters[0]?.name ?? '');
    return {
      name: site.info.name,
      ...(site.info.className !== undefined && { className: site.info.className }),
      line: site.info.range.line,
      cyclomaticComplexity: 1 + own.decisions,
      maxNestingDepth: own.maxDepth,
      lengthLines: codeLines(site.node, rules, skippedLines).size,
      parameterCount: site.info.parameters.length - (ignoresFirst ? 1 : 0),
    };
  });

  const moduleLevel = measure(tree.rootNode, rules, boundaries);
  const complexities = functions.map((f) => f.cyclomaticComplexity);
  const totalDecisions = moduleLevel.decisions + complexities.reduce((sum, value) => sum + value - 1, 0);
  return {
    language,
    functions,
    file: {
      cyclomaticComplexity: 1 + totalDecisions,
      maxNestingDepth: Math.max(moduleLevel.maxDepth, ...functions.map((f) => f.maxNestingDepth)),
      lengthLines: codeLines(tree.rootNode, rules, skippedLines).size,
      functionCount: functions.length,
      maxFunctionComplexity: Math.max(0, ...complexities),
      meanFunctionComplexity:
        complexities.length === 0
          ? 0
          : complexities.reduce((sum, value) => sum + value, 0) / complexities.length,
      maxParameterCount: Math.max(0, ...functions.map((f) => f.parameterCount)),
    },
  };
}

/** Parses `code` and measures it. */
export function structureMetrics(code: string, language: Language): Promise<StructureMetrics> {
  return withTree(code, language, (tree) => structureMetricsOf(tree, language));
}

interface LanguageRules {
  isDecision(node: Node): boolean;
  /** True for a block that nests one level deeper than its parent. */
  isNesting(node: Node): boolean;
  comments: ReadonlySet<string>;
}

const PYTHON_DECISIONS = new Set([
  'if_statement',
  'elif_clause',
  'for_statement',
  'while_statement',
  'except_clause',
  'except_group_clause',
  'conditional_expression',
  'boolean_operator',
  'if_clause',
]);
const PYTHON_NESTING = new Set([
  'if_statement',
  'for_statement',
  'while_statement',
  'try_statement',
  'with_statement',
  'match_statement',
]);

const PYTHON: LanguageRules = {
  isDecision: (node) =>
    PYTHON_DECISIONS.has(node.type) || (node.type === 'case_clause' && !isPythonWildcardCase(node)),
  isNesting: (node) => PYTHON_NESTING.has(node.type),
  comments: new Set(['comment']),
};

/** `case _:` without a guard is the match's default branch, not a decision. */
function isPythonWildcardCase(node: Node): boolean {
  const children = childrenOf(node);
  const patterns = children.filter((child) => child.type === 'case_pattern');
  const guarded =
    children.some((child) => child.type === 'if_clause') || node.childForFieldName('guard') !== null;
  return !guarded && patterns.length === 1 && patterns[0]!.text === '_';
}

const ECMASCRIPT_DECISIONS = new Set([
  'if_statement',
  'for_statement',
  'for_in_statement',
  'while_statement',
  'do_statement',
  'catch_clause',
  'switch_case',
  'ternary_expression',
]);
const SHORT_CIRCUIT = new Set(['&&', '||', '??', '&&=', '||=', '??=']);
const ECMASCRIPT_NESTING = new Set([
  'if_statement',
  'for_statement',
  'for_in_statement',
  'while_statement',
  'do_statement',
  'try_statement',
  'switch_statement',
  'with_statement',
]);

const ECMASCRIPT: LanguageRules = {
  isDecision: (node) => {
    if (ECMASCRIPT_DECISIONS.has(node.type)) return true;
    if (node.type === 'binary_expression' || node.type === 'augmented_assignment_expression') {
      return SHORT_CIRCUIT.has(node.childForFieldName('operator')?.type ?? '');
    }
    return false;
  },
  isNesting: (node) =>
    ECMASCRIPT_NESTING.has(node.type) &&
    !(node.type === 'if_statement' && node.parent?.type === 'else_clause'),
  comments: new Set(['comment', 'html_comment']),
};

interface OwnFigures {
  decisions: number;
  maxDepth: number;
}

/** Decision points and nesting of `root`'s own code, stopping at nested extracted functions. */
function measure(root: Node, rules: LanguageRules, boundaries: ReadonlySet<number>): OwnFigures {
  const figures: OwnFigures = { decisions: 0, maxDepth: 0 };
  const walk = (node: Node, depth: number): void => {
    if (node.id !== root.id && boundaries.has(node.id)) return;
    if (rules.isDecision(node)) figures.decisions++;
    const inner = rules.isNesting(node) ? depth + 1 : depth;
    figures.maxDepth = Math.max(figures.maxDepth, inner);
    for (const child of childrenOf(node)) walk(child, inner);
  };
  walk(root, 0);
  return figures;
}

/** The 0-based rows under `root` that hold a token other than a comment or a skipped node. */
function codeLines(root: Node, rules: LanguageRules, skipped: ReadonlySet<number>): Set<number> {
  const rows = new Set<number>();
  visit(root, (node) => {
    if (rules.comments.has(node.type) || skipped.has(node.id)) return false;
    if (node.childCount === 0 && node.endIndex > node.startIndex) {
      for (let row = node.startPosition.row; row <= node.endPosition.row; row++) rows.add(row);
    }
    return true;
  });
  return rows;
}

/** Ids of Python docstring statements (module, classes, functions); none in TypeScript/JavaScript. */
function docstringNodes(tree: Tree, language: Language, sites: FunctionSite[]): Set<number> {
  const ids = new Set<number>();
  if (language !== 'python') return ids;
  const bodies = [tree.rootNode, ...sites.map((site) => site.body)];
  visit(tree.rootNode, (node) => {
    if (node.type === 'class_definition') {
      const body = node.childForFieldName('body');
      if (body) bodies.push(body);
    }
    return true;
  });
  for (const body of bodies) {
    const docstring = pythonDocstringNode(body);
    if (docstring) ids.add(docstring.id);
  }
  return ids;
}
