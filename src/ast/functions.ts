/**
 * Function extraction: every named function in a Python, TypeScript or JavaScript source
 * with its parameters, annotations, ranges, docstring and enclosing class.
 *
 * What counts as a function (and so as a unit for the structure metrics):
 * - Python: `def` and `async def` (also methods and nested functions), and lambdas
 *   assigned to a plain name (`square = lambda x: x * x`);
 * - TypeScript/JavaScript: function and generator declarations, arrow functions and
 *   function expressions assigned to a `const`/`let`/`var` name, class methods (also
 *   object-literal methods) and class fields holding an arrow function or function
 *   expression.
 * Anonymous functions (callbacks, immediately used lambdas) are not extracted: they stay
 * part of the function that contains them.
 */
import type { Language } from '../core/index.js';
import { childrenOf, namedChildrenOf, rangeOf, type SourceRange } from './nodes.js';
import { type Node, type Tree, withTree } from './parser.js';

export type FunctionKind = 'function' | 'method' | 'lambda' | 'arrow' | 'function-expression';

export type ParameterKind = 'regular' | 'rest' | 'keywords';

/** One declared parameter, with annotations as written in the source. */
export interface ParameterInfo {
  /** The name, or the pattern's text for a destructuring parameter (`{ a, b }`). */
  name: string;
  /** `rest` for `*args` / `...rest`, `keywords` for Python `**kwargs`. */
  kind: ParameterKind;
  /** The type annotation's text without the `:` (`list[int]`, `number[]`). */
  type?: string;
  /** The default value's text. */
  defaultValue?: string;
  /** True when the caller may leave it out (a default, or TypeScript's `?`). */
  optional: boolean;
}

/** One function found in a source. */
export interface FunctionInfo {
  name: string;
  kind: FunctionKind;
  isAsync: boolean;
  isGenerator: boolean;
  /** Every declared parameter, Python's `self`/`cls` included; TypeScript's `this:` is not a parameter. */
  parameters: ParameterInfo[];
  /** The return annotation's text without `->`/`:`. */
  returnType?: string;
  /** The whole definition: decorators, `const name =`, the signature and the body. */
  range: SourceRange;
  /** The body: a block, or the expression of an expression-bodied arrow/lambda. */
  bodyRange: SourceRange;
  /** Python docstring, or the JSDoc comment right before the definition, without quotes or comment markers. */
  docstring?: string;
  /** The nearest enclosing class. */
  className?: string;
  /** The name of the nearest enclosing extracted function, for nested functions. */
  parentFunction?: string;
}

/** A function together with the tree nodes it came from, for analyses that need the tree. */
export interface FunctionSite {
  info: FunctionInfo;
  /** The function node itself (`function_definition`, `arrow_function`, `lambda`, ...). */
  node: Node;
  /** The parameter list node, when the function has one. */
  parametersNode: Node | undefined;
  body: Node;
}

interface ScanContext {
  className: string | undefined;
  /** True while scanning the direct members of a class body. */
  inClassBody: boolean;
  parentFunction: string | undefined;
}

const TOP: ScanContext = { className: undefined, inClassBody: false, parentFunction: undefined };

/** Every extracted function of a parsed source, in source order, nested ones after their parent. */
export function functionSitesOf(tree: Tree, language: Language): FunctionSite[] {
  const sites: FunctionSite[] = [];
  if (language === 'python') scanPython(tree.rootNode, TOP, sites);
  else scanEcmascript(tree.rootNode, TOP, sites);
  return sites;
}

export function functionsOf(tree: Tree, language: Language): FunctionInfo[] {
  return functionSitesOf(tree, language).map((site) => site.info);
}

/** Parses `code` and returns its functions. */
export function extractFunctions(code: string, language: Language): Promise<FunctionInfo[]> {
  return withTree(code, language, (tree) => functionsOf(tree, language));
}

// ---------------------------------------------------------------------------------------
// Python

function scanPython(node: Node, context: ScanContext, sites: FunctionSite[]): void {
  for (const child of namedChildrenOf(node)) {
    if (child.type === 'function_definition') {
      const site = pythonDef(child, context);
      sites.push(site);
      scanPython(site.body, nestedIn(site.info, context), sites);
    } else if (child.type === 'class_definition') {
      const name = child.childForFieldName('name')?.text ?? '';
      const body = child.childForFieldName('body');
      if (body) scanPython(body, { ...context, className: name, inClassBody: true }, sites);
    } else if (child.type === 'expression_statement' && isNamedLambda(child)) {
      const site = pythonLambda(child, context);
      sites.push(site);
      scanPython(site.body, nestedIn(site.info, context), sites);
    } else {
      // Blocks of if/for/try/with and decorated definitions keep the same context.
      scanPython(
        child,
        { ...context, inClassBody: context.inClassBody && child.type === 'decorated_definition' },
        sites,
      );
    }
  }
}

function nestedIn(info: FunctionInfo, context: ScanContext): ScanContext {
  return { className: context.className, inClassBody: false, parentFunction: info.name };
}

function pythonDef(node: Node, context: ScanContext): FunctionSite {
  const body = node.childForFieldName('body')!;
  const parametersNode = node.childForFieldName('parameters') ?? undefined;
  const definition = node.parent?.type === 'decorated_definition' ? node.parent : node;
  const returnType = node.childForFieldName('return_type')?.text;
  const docstring = pythonDocstring(body);
  const info: FunctionInfo = {
    name: node.childForFieldName('name')?.text ?? '',
    kind: context.inClassBody ? 'method' : 'function',
    isAsync: childrenOf(node).some((child) => child.type === 'async'),
    isGenerator: containsOutsideNestedFunctions(body, PYTHON_FUNCTION_TYPES, 'yield'),
    parameters: parametersNode ? pythonParameters(parametersNode) : [],
    range: rangeOf(definition),
    bodyRange: rangeOf(body),
    ...(returnType !== undefined && { returnType }),
    ...(docstring !== undefined && { docstring }),
    ...enclosing(context),
  };
  return { info, node, parametersNode, body };
}

function isNamedLambda(statement: Node): boolean {
  const assignment = statement.namedChild(0);
  return (
    statement.namedChildCount === 1 &&
    assignment?.type === 'assignment' &&
    assignment.childForFieldName('left')?.type === 'identifier' &&
    assignment.childForFieldName('right')?.type === 'lambda'
  );
}

function pythonLambda(statement: Node, context: ScanContext): FunctionSite {
  const assignment = statement.namedChild(0)!;
  const lambda = assignment.childForFieldName('right')!;
  const body = lambda.childForFieldName('body')!;
  const parametersNode = lambda.childForFieldName('parameters') ?? undefined;
  const info: FunctionInfo = {
    name: assignment.childForFieldName('left')!.text,
    kind: 'lambda',
    isAsync: false,
    isGenerator: false,
    parameters: parametersNode ? pythonParameters(parametersNode) : [],
    range: rangeOf(statement),
    bodyRange: rangeOf(body),
    ...enclosing(context),
  };
  return { info, node: lambda, parametersNode, body };
}

function pythonParameters(list: Node): ParameterInfo[] {
  const parameters: ParameterInfo[] = [];
  for (const parameter of namedChildrenOf(list)) {
    const type = parameter.childForFieldName('type')?.text;
    const value = parameter.childForFieldName('value')?.text;
    switch (parameter.type) {
      case 'identifier':
        parameters.push({ name: parameter.text, kind: 'regular', optional: false });
        break;
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
        parameters.push(pythonSplat(parameter, undefined));
        break;
      case 'typed_parameter': {
        const target = parameter.namedChild(0)!;
        if (target.type === 'identifier')
          parameters.push({ name: target.text, kind: 'regular', optional: false, type: type ?? '' });
        else parameters.push(pythonSplat(target, type));
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter':
        parameters.push({
          name: parameter.childForFieldName('name')?.text ?? parameter.text,
          kind: 'regular',
          optional: true,
          ...(type !== undefined && { type }),
          ...(value !== undefined && { defaultValue: value }),
        });
        break;
      default:
        // `/` and `*` separators mark where positional-only and keyword-only parameters start.
        if (parameter.type !== 'positional_separator' && parameter.type !== 'keyword_separator') {
          parameters.push({ name: parameter.text, kind: 'regular', optional: false });
        }
    }
  }
  return parameters;
}

function pythonSplat(pattern: Node, type: string | undefined): ParameterInfo {
  return {
    name: pattern.namedChild(0)?.text ?? pattern.text,
    kind: pattern.type === 'dictionary_splat_pattern' ? 'keywords' : 'rest',
    optional: true,
    ...(type !== undefined && { type }),
  };
}

/** The docstring statement of a module, class or function body, when there is one. */
export function pythonDocstringNode(body: Node): Node | undefined {
  const first = body.namedChildren.find((child) => child !== null && child.type !== 'comment');
  if (
    first?.type === 'expression_statement' &&
    first.namedChildCount === 1 &&
    first.namedChild(0)?.type === 'string'
  ) {
    return first;
  }
  return undefined;
}

function pythonDocstring(body: Node): string | undefined {
  const statement = pythonDocstringNode(body);
  if (!statement) return undefined;
  const match = /^[a-zA-Z]*("""|'''|"|')([\s\S]*)\1$/.exec(statement.text);
  return match ? cleanDocstring(match[2]!) : undefined;
}

/** Python's `inspect.cleandoc`: drops the common indentation and surrounding blank lines. */
function cleanDocstring(text: string): string {
  const lines = text.replaceAll('\t', '        ').split('\n');
  const indents = lines
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.length - line.trimStart().length);
  const margin = indents.length > 0 ? Math.min(...indents) : 0;
  const cleaned = lines.map((line, index) => (index === 0 ? line.trimStart() : line.slice(margin).trimEnd()));
  return trimBlankLines(cleaned).join('\n');
}

/** Where a `yield` stops belonging to the function being looked at. */
const PYTHON_FUNCTION_TYPES = new Set(['function_definition', 'lambda', 'class_definition']);

// ---------------------------------------------------------------------------------------
// TypeScript and JavaScript

const ECMASCRIPT_FUNCTION_VALUES = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
]);
const ECMASCRIPT_DECLARATIONS = new Set(['function_declaration', 'generator_function_declaration']);

function scanEcmascript(node: Node, context: ScanContext, sites: FunctionSite[]): void {
  for (const child of namedChildrenOf(node)) {
    const site = ecmascriptSite(child, context);
    if (site) {
      sites.push(site);
      scanEcmascript(site.body, nestedIn(site.info, context), sites);
      // A declarator's or field's value may hold more than the body (default parameter values).
      continue;
    }
    if (
      child.type === 'class_declaration' ||
      child.type === 'class' ||
      child.type === 'abstract_class_declaration'
    ) {
      const name = child.childForFieldName('name')?.text ?? classExpressionName(child);
      const body = child.childForFieldName('body');
      if (body) scanEcmascript(body, { ...context, className: name, inClassBody: true }, sites);
      continue;
    }
    scanEcmascript(child, { ...context, inClassBody: false }, sites);
  }
}

/** The function a node defines, or undefined when it defines none we extract. */
function ecmascriptSite(node: Node, context: ScanContext): FunctionSite | undefined {
  if (ECMASCRIPT_DECLARATIONS.has(node.type)) {
    return ecmascriptFunction({
      node,
      name: node.childForFieldName('name')?.text ?? '',
      kind: 'function',
      definition: node,
      context,
    });
  }
  if (node.type === 'method_definition') {
    const kind = 'method';
    const methodContext = context.inClassBody ? context : { ...context, className: undefined };
    return ecmascriptFunction({
      node,
      name: node.childForFieldName('name')?.text ?? '',
      kind,
      definition: node,
      context: methodContext,
    });
  }
  if (node.type === 'variable_declarator') {
    const value = node.childForFieldName('value');
    const name = node.childForFieldName('name');
    if (!value || !ECMASCRIPT_FUNCTION_VALUES.has(value.type) || name?.type !== 'identifier')
      return undefined;
    const declaration = node.parent;
    const definition = declaration && declaration.namedChildren.length === 1 ? declaration : node;
    return ecmascriptFunction({ node: value, name: name.text, kind: valueKind(value), definition, context });
  }
  if (node.type === 'public_field_definition' || node.type === 'field_definition') {
    const value = node.childForFieldName('value');
    const name = node.childForFieldName('name') ?? node.childForFieldName('property');
    if (!value || !ECMASCRIPT_FUNCTION_VALUES.has(value.type) || !name) return undefined;
    return ecmascriptFunction({
      node: value,
      name: name.text,
      kind: valueKind(value),
      definition: node,
      context,
    });
  }
  return undefined;
}

/** `const Point = class { ... }` names the class after its variable. */
function classExpressionName(node: Node): string {
  const declarator = node.parent?.type === 'variable_declarator' ? node.parent : undefined;
  return declarator?.childForFieldName('name')?.text ?? '';
}

function valueKind(value: Node): FunctionKind {
  return value.type === 'arrow_function' ? 'arrow' : 'function-expression';
}

interface EcmascriptFunctionInput {
  node: Node;
  name: string;
  kind: FunctionKind;
  /** The node whose range is the definition and before which a JSDoc comment sits. */
  definition: Node;
  context: ScanContext;
}

function ecmascriptFunction({
  node,
  name,
  kind,
  definition,
  context,
}: EcmascriptFunctionInput): FunctionSite {
  const body = node.childForFieldName('body')!;
  const parametersNode =
    node.childForFieldName('parameters') ?? node.childForFieldName('parameter') ?? undefined;
  const returnType = node.childForFieldName('return_type');
  const docstring = jsDocBefore(
    definition.parent?.type === 'export_statement' ? definition.parent : definition,
  );
  const tokens = childrenOf(node).map((child) => child.type);
  const info: FunctionInfo = {
    name,
    kind,
    isAsync: tokens.includes('async'),
    isGenerator: tokens.includes('*') || node.type.startsWith('generator_function'),
    parameters: parametersNode ? ecmascriptParameters(parametersNode) : [],
    range: rangeOf(definition),
    bodyRange: rangeOf(body),
    ...(returnType && { returnType: stripColon(returnType.text) }),
    ...(docstring !== undefined && { docstring }),
    ...enclosing(context),
  };
  return { info, node, parametersNode, body };
}

function ecmascriptParameters(list: Node): ParameterInfo[] {
  // An arrow function's single unparenthesised parameter is the identifier itself.
  if (list.type === 'identifier') return [{ name: list.text, kind: 'regular', optional: false }];
  const parameters: ParameterInfo[] = [];
  for (const parameter of namedChildrenOf(list)) {
    if (parameter.type === 'comment' || parameter.type === 'decorator') continue;
    const typed = parameter.type === 'required_parameter' || parameter.type === 'optional_parameter';
    const pattern = typed ? parameter.childForFieldName('pattern') : parameter;
    if (!pattern || pattern.type === 'this') continue;
    const type = typed ? parameter.childForFieldName('type')?.text : undefined;
    let value = typed ? parameter.childForFieldName('value')?.text : undefined;
    let target = pattern;
    if (pattern.type === 'assignment_pattern') {
      target = pattern.childForFieldName('left') ?? pattern;
      value = pattern.childForFieldName('right')?.text;
    }
    const rest = target.type === 'rest_pattern';
    parameters.push({
      name: rest ? (target.namedChild(0)?.text ?? target.text) : target.text,
      kind: rest ? 'rest' : 'regular',
      optional: rest || value !== undefined || parameter.type === 'optional_parameter',
      ...(type !== undefined && { type: stripColon(type) }),
      ...(value !== undefined && { defaultValue: value }),
    });
  }
  return parameters;
}

/** The JSDoc (`/** ... *\/`) comment that ends on the line before `node` or on its first line. */
function jsDocBefore(node: Node): string | undefined {
  const previous = node.previousNamedSibling;
  if (previous?.type !== 'comment' || !previous.text.startsWith('/**')) return undefined;
  if (previous.endPosition.row < node.startPosition.row - 1) return undefined;
  const inner = previous.text.replace(/^\/\*\*/, '').replace(/\*\/$/, '');
  const lines = inner.split('\n').map((line) => line.replace(/^\s*\*? ?/, '').trimEnd());
  return trimBlankLines(lines).join('\n');
}

// ---------------------------------------------------------------------------------------
// Shared

function enclosing(context: ScanContext): Pick<FunctionInfo, 'className' | 'parentFunction'> {
  return {
    ...(context.className !== undefined && { className: context.className }),
    ...(context.parentFunction !== undefined && { parentFunction: context.parentFunction }),
  };
}

function stripColon(annotation: string): string {
  return annotation.replace(/^:\s*/, '').trim();
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end);
}

/** True when a node of `type` occurs under `node` without crossing into a nested function or class. */
function containsOutsideNestedFunctions(node: Node, boundaries: ReadonlySet<string>, type: string): boolean {
  for (const child of namedChildrenOf(node)) {
    if (child.type === type) return true;
    if (boundaries.has(child.type)) continue;
    if (containsOutsideNestedFunctions(child, boundaries, type)) return true;
  }
  return false;
}
