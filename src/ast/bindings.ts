/**
 * Names bound at a module's top level: what a test harness appended after the code can
 * call. Statements nested in top-level `if`/`try`/`for`/`with` blocks count (their
 * definitions run when the module runs); function and class bodies do not.
 */
import type { Language } from '../core/index.js';
import { namedChildrenOf } from './nodes.js';
import type { Node, Tree } from './parser.js';

/** Top-level names with the node that binds each first. */
export function moduleBindingsOf(tree: Tree, language: Language): Map<string, Node> {
  const bindings = new Map<string, Node>();
  const bind = (node: Node): void => {
    if (!bindings.has(node.text)) bindings.set(node.text, node);
  };
  if (language === 'python') pythonBindings(tree.rootNode, bind);
  else ecmascriptBindings(tree.rootNode, bind);
  return bindings;
}

const PYTHON_SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);
const PYTHON_PATTERNS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern']);

function pythonBindings(node: Node, bind: (name: Node) => void): void {
  for (const child of namedChildrenOf(node)) {
    switch (child.type) {
      case 'function_definition':
      case 'class_definition': {
        const name = child.childForFieldName('name');
        if (name) bind(name);
        continue;
      }
      case 'assignment':
      case 'for_statement':
        pythonTargets(child.childForFieldName('left'), bind);
        break;
      case 'named_expression':
        pythonTargets(child.childForFieldName('name'), bind);
        break;
      case 'as_pattern_target':
        pythonTargets(child.namedChild(0), bind);
        break;
      case 'import_statement':
        for (const name of child.childrenForFieldName('name')) {
          // `import a.b` binds `a`; `import a.b as c` binds `c`.
          const bound =
            name?.type === 'aliased_import' ? name.childForFieldName('alias') : name?.namedChild(0);
          if (bound) bind(bound);
        }
        continue;
      case 'import_from_statement':
        for (const name of child.childrenForFieldName('name')) {
          const bound =
            name?.type === 'aliased_import' ? name.childForFieldName('alias') : name?.namedChildren.at(-1);
          if (bound) bind(bound);
        }
        continue;
    }
    if (!PYTHON_SCOPES.has(child.type)) pythonBindings(child, bind);
  }
}

function pythonTargets(target: Node | null, bind: (name: Node) => void): void {
  if (!target) return;
  if (target.type === 'identifier') bind(target);
  else if (PYTHON_PATTERNS.has(target.type)) {
    for (const part of namedChildrenOf(target)) pythonTargets(part, bind);
  }
}

const ECMASCRIPT_SCOPES = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'generator_function',
  'arrow_function',
  'class_declaration',
  'class',
  'abstract_class_declaration',
  'method_definition',
]);

function ecmascriptBindings(node: Node, bind: (name: Node) => void): void {
  for (const child of namedChildrenOf(node)) {
    switch (child.type) {
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'enum_declaration':
      case 'module': {
        const name = child.childForFieldName('name');
        if (name) bind(name);
        continue;
      }
      case 'variable_declarator':
        ecmascriptPattern(child.childForFieldName('name'), bind);
        break;
      case 'assignment_expression': {
        // Sloppy-mode JavaScript: `f = function () {}` makes a global.
        const left = child.childForFieldName('left');
        if (left?.type === 'identifier') bind(left);
        break;
      }
      case 'import_clause':
        importClauseBindings(child, bind);
        continue;
    }
    if (!ECMASCRIPT_SCOPES.has(child.type)) ecmascriptBindings(child, bind);
  }
}

/** The local names an `import ... from` clause binds. */
export function importClauseBindings(clause: Node, bind: (name: Node) => void): void {
  for (const part of namedChildrenOf(clause)) {
    if (part.type === 'identifier') bind(part);
    else if (part.type === 'namespace_import') {
      const name = part.namedChild(0);
      if (name) bind(name);
    } else if (part.type === 'named_imports') {
      for (const specifier of namedChildrenOf(part)) {
        const name = specifier.childForFieldName('alias') ?? specifier.childForFieldName('name');
        if (specifier.type === 'import_specifier' && name) bind(name);
      }
    }
  }
}

/** Identifiers a declaration pattern binds (`x`, `{ a, b: c }`, `[d, ...e]`, `f = 1`). */
export function ecmascriptPattern(pattern: Node | null, bind: (name: Node) => void): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      bind(pattern);
      return;
    case 'pair_pattern':
      ecmascriptPattern(pattern.childForFieldName('value'), bind);
      return;
    case 'assignment_pattern':
    case 'object_assignment_pattern':
      ecmascriptPattern(pattern.childForFieldName('left'), bind);
      return;
    case 'object_pattern':
    case 'array_pattern':
    case 'rest_pattern':
      for (const part of namedChildrenOf(pattern)) ecmascriptPattern(part, bind);
      return;
  }
}
