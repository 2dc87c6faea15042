/**
 * Small, language-aware questions about tree-sitter nodes that many rules ask: is this a
 * literal, what does it say, was it built from pieces, what are a call's arguments.
 */
import type { Node } from '../../src/ast/index.js';

export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

/** The value of a keyword argument (`shell=True`) in a Python `argument_list`. */
export function keywordArgument(args: Node | undefined, name: string): Node | undefined {
  if (!args) return undefined;
  for (const child of namedChildren(args)) {
    if (child.type === 'keyword_argument' && child.childForFieldName('name')?.text === name) {
      return child.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** Positional arguments of a call (Python `argument_list` or JavaScript `arguments`). */
export function positionalArguments(args: Node | undefined): Node[] {
  if (!args) return [];
  return namedChildren(args).filter(
    (child) =>
      child.type !== 'keyword_argument' &&
      child.type !== 'comment' &&
      child.type !== 'dictionary_splat' &&
      child.type !== 'list_splat',
  );
}

/** The value of a property in a JavaScript object literal (`{ shell: true }`). */
export function objectProperty(object: Node | undefined, name: string): Node | undefined {
  if (object?.type !== 'object') return undefined;
  for (const child of namedChildren(object)) {
    if (child.type !== 'pair') continue;
    const key = child.childForFieldName('key');
    if (key && unquote(key) === name) return child.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** True for a string written out in full: no interpolation, no concatenation with variables. */
export function isStringLiteral(node: Node | undefined | null): boolean {
  if (!node) return false;
  switch (node.type) {
    case 'string':
      return !namedChildren(node).some((child) => child.type === 'interpolation');
    case 'concatenated_string':
      return namedChildren(node).every(isStringLiteral);
    case 'template_string':
      return !namedChildren(node).some((child) => child.type === 'template_substitution');
    case 'parenthesized_expression':
      return namedChildren(node).every(isStringLiteral);
    case 'binary_operator':
    case 'binary_expression':
      return (
        node.childForFieldName('operator')?.text === '+' &&
        isStringLiteral(node.childForFieldName('left')) &&
        isStringLiteral(node.childForFieldName('right'))
      );
    default:
      return false;
  }
}

/** True for literals that cannot carry attacker input: strings, numbers, booleans, None. */
export function isConstant(node: Node | undefined | null): boolean {
  if (!node) return false;
  if (isStringLiteral(node)) return true;
  return ['integer', 'float', 'number', 'true', 'false', 'none', 'null', 'undefined'].includes(node.type);
}

/** The text of a string literal without quotes or prefixes; undefined when not a literal. */
export function stringValue(node: Node | undefined | null): string | undefined {
  if (!node || !isStringLiteral(node)) return undefined;
  if (
    node.type === 'concatenated_string' ||
    node.type === 'binary_operator' ||
    node.type === 'binary_expression'
  ) {
    return namedChildren(node)
      .map((child) => stringValue(child) ?? '')
      .join('');
  }
  if (node.type === 'parenthesized_expression') return stringValue(namedChildren(node)[0]);
  return unquote(node);
}

function unquote(node: Node): string {
  const pieces = namedChildren(node).filter(
    (child) =>
      child.type === 'string_content' || child.type === 'string_fragment' || child.type === 'escape_sequence',
  );
  if (pieces.length > 0 || node.type === 'string' || node.type === 'template_string') {
    return pieces.map((piece) => piece.text).join('');
  }
  return node.text;
}

/**
 * True when a string is assembled from non-literal parts: an f-string or template with
 * substitutions, `%` or `.format(...)` formatting, or `+` concatenation with a variable.
 */
export function isBuiltString(node: Node | undefined | null): boolean {
  if (!node) return false;
  switch (node.type) {
    case 'string':
      return namedChildren(node).some((child) => child.type === 'interpolation');
    case 'template_string':
      return namedChildren(node).some((child) => child.type === 'template_substitution');
    case 'concatenated_string':
      return namedChildren(node).some(isBuiltString);
    case 'parenthesized_expression':
      return namedChildren(node).some(isBuiltString);
    case 'binary_operator':
    case 'binary_expression': {
      const operator = node.childForFieldName('operator')?.text;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (operator === '%') return isStringLike(left) && !isConstant(right);
      if (operator === '+') {
        if (isStringLiteral(node)) return false;
        return isStringLike(left) || isStringLike(right) || isBuiltString(left) || isBuiltString(right);
      }
      return false;
    }
    case 'call': {
      const callee = node.childForFieldName('function');
      if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'format')
        return false;
      return isStringLike(callee.childForFieldName('object'));
    }
    case 'call_expression': {
      // 'a'.concat(b) and [..].join are rarer; `.concat` on a literal is the common one.
      const callee = node.childForFieldName('function');
      if (callee?.type !== 'member_expression' || callee.childForFieldName('property')?.text !== 'concat')
        return false;
      return isStringLike(callee.childForFieldName('object'));
    }
    default:
      return false;
  }
}

function isStringLike(node: Node | null | undefined): boolean {
  if (!node) return false;
  if (node.type === 'string' || node.type === 'concatenated_string' || node.type === 'template_string')
    return true;
  if (node.type === 'parenthesized_expression') return namedChildren(node).some(isStringLike);
  return isBuiltString(node);
}

/** The text a string-ish expression is built from, literals only (to look for SQL keywords). */
export function literalText(node: Node): string {
  const parts: string[] = [];
  const visit = (current: Node): void => {
    if (current.type === 'string_content' || current.type === 'string_fragment') {
      parts.push(current.text);
      return;
    }
    for (const child of namedChildren(current)) visit(child);
  };
  visit(node);
  return parts.join(' ');
}

const FUNCTION_TYPES = new Set([
  'function_definition',
  'lambda',
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
]);

/** The innermost function around a node, if any. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (FUNCTION_TYPES.has(current.type)) return current;
  }
  return undefined;
}

/** Names a function takes as parameters (Python and JavaScript), destructured ones included. */
export function parameterNames(fn: Node | undefined): Set<string> {
  const names = new Set<string>();
  if (!fn) return names;
  const parameters = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!parameters) return names;
  const collect = (node: Node): void => {
    if (node.type === 'identifier' || node.type === 'shorthand_property_identifier_pattern') {
      names.add(node.text);
      return;
    }
    if (node.type.startsWith('type')) return;
    for (const child of namedChildren(node)) {
      // Default values are expressions, not names the caller controls.
      if (child === node.childForFieldName('value') && node.type !== 'pair_pattern') continue;
      collect(child);
    }
  };
  collect(parameters);
  names.delete('self');
  names.delete('cls');
  return names;
}

/** Identifiers used anywhere inside a node. */
export function identifiersIn(node: Node): Set<string> {
  const names = new Set<string>();
  const visit = (current: Node): void => {
    if (current.type === 'identifier') names.add(current.text);
    for (const child of namedChildren(current)) visit(child);
  };
  visit(node);
  return names;
}

/** Expressions a value passes through on its way into a variable (`x = str(f(v)).upper()`). */
const VALUE_WRAPPERS = new Set([
  'parenthesized_expression',
  'await_expression',
  'call',
  'call_expression',
  'argument_list',
  'arguments',
  'attribute',
  'member_expression',
  'binary_operator',
  'binary_expression',
  'generator_expression',
  'list_comprehension',
  'interpolation',
  'template_substitution',
  'template_string',
  'string',
]);

/** The name an expression is assigned to, for `x = <node>` / `const x = <node>` / `{x: <node>}`. */
export function assignedName(node: Node): string | undefined {
  let current: Node = node;
  // Climb through wrappers that do not change what the value is.
  while (current.parent && VALUE_WRAPPERS.has(current.parent.type)) {
    current = current.parent;
  }
  const parent = current.parent;
  if (!parent) return undefined;
  const target =
    parent.type === 'assignment' ||
    parent.type === 'assignment_expression' ||
    parent.type === 'augmented_assignment'
      ? parent.childForFieldName('left')
      : parent.type === 'variable_declarator'
        ? parent.childForFieldName('name')
        : parent.type === 'keyword_argument'
          ? parent.childForFieldName('name')
          : parent.type === 'pair'
            ? parent.childForFieldName('key')
            : null;
  if (!target) return undefined;
  const last =
    target.type === 'attribute'
      ? target.childForFieldName('attribute')
      : target.type === 'member_expression'
        ? target.childForFieldName('property')
        : target;
  return (stringValue(last) ?? last?.text)?.trim();
}
