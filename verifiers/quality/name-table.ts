/**
 * Every name a candidate binds (with what binds it and in which scope) and every place a
 * name is read. One top-down pass per language; the rules for unused names, shadowed
 * builtins and naming conventions all read this table.
 *
 * Scopes are function nodes, class bodies and the module. Resolution is by name within a
 * scope's text range: a read anywhere inside a function (nested functions included, as
 * closures read their parents' variables) uses every binding of that name in the
 * function. That over-approximates use when an inner scope rebinds the same name, so the
 * unused-name rules can miss a finding but do not invent one.
 */
import {
  ecmascriptPattern,
  importClauseBindings,
  type Node,
  namedChildrenOf,
  type Tree,
} from '../../src/ast/index.js';
import type { Language } from '../../src/core/index.js';

export type BindingKind =
  | 'variable'
  | 'parameter'
  | 'function'
  | 'class'
  | 'type'
  | 'import'
  | 'loop-variable'
  | 'exception';

export type ScopeKind = 'module' | 'function' | 'class';

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The identifier that binds the name. */
  node: Node;
  scope: Node;
  scopeKind: ScopeKind;
  /** For variables: true when the bound value is a function (`const f = () => ...`). */
  holdsFunction: boolean;
}

export interface NameTable {
  bindings: Binding[];
  /** Start offsets of every read, by name. */
  reads: Map<string, number[]>;
}

/** True when `name` is read anywhere inside `scope`. */
export function isReadWithin(table: NameTable, name: string, scope: Node): boolean {
  const offsets = table.reads.get(name);
  return offsets?.some((offset) => offset >= scope.startIndex && offset < scope.endIndex) ?? false;
}

export function nameTableOf(tree: Tree, language: Language): NameTable {
  const table: NameTable = { bindings: [], reads: new Map() };
  const collector = new Collector(table);
  if (language === 'python') collector.python(tree.rootNode, { node: tree.rootNode, kind: 'module' });
  else collector.ecmascript(tree.rootNode, { node: tree.rootNode, kind: 'module' });
  return table;
}

interface Scope {
  node: Node;
  kind: ScopeKind;
}

const PYTHON_TARGET_PATTERNS = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'list_splat_pattern',
  'parenthesized_expression',
]);

const ECMASCRIPT_FUNCTION_VALUES = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
]);

class Collector {
  constructor(private readonly table: NameTable) {}

  private read(node: Node): void {
    const offsets = this.table.reads.get(node.text);
    if (offsets) offsets.push(node.startIndex);
    else this.table.reads.set(node.text, [node.startIndex]);
  }

  private bind(node: Node, kind: BindingKind, scope: Scope, holdsFunction = false): void {
    this.table.bindings.push({
      name: node.text,
      kind,
      node,
      scope: scope.node,
      scopeKind: scope.kind,
      holdsFunction,
    });
  }

  // -------------------------------------------------------------------------------------
  // Python

  python(node: Node, scope: Scope): void {
    const field = (name: string) => node.childForFieldName(name);
    switch (node.type) {
      case 'identifier':
        this.read(node);
        return;
      case 'function_definition': {
        const own: Scope = { node, kind: 'function' };
        const name = field('name');
        if (name) this.bind(name, 'function', scope);
        const parameters = field('parameters');
        if (parameters) this.pythonParameters(parameters, own);
        this.pythonAll([field('return_type'), field('body')], own);
        return;
      }
      case 'lambda': {
        const own: Scope = { node, kind: 'function' };
        const parameters = field('parameters');
        if (parameters) this.pythonParameters(parameters, own);
        this.pythonAll([field('body')], own);
        return;
      }
      case 'class_definition': {
        const name = field('name');
        if (name) this.bind(name, 'class', scope);
        this.pythonAll([field('superclasses'), field('type_parameters')], scope);
        this.pythonAll([field('body')], { node, kind: 'class' });
        return;
      }
      case 'assignment':
        this.pythonTargets(field('left'), 'variable', scope);
        this.pythonAll([field('type'), field('right')], scope);
        return;
      case 'for_statement':
      case 'for_in_clause':
        this.pythonTargets(field('left'), 'loop-variable', scope);
        for (const child of namedChildrenOf(node)) {
          if (child.id !== field('left')?.id) this.python(child, scope);
        }
        return;
      case 'as_pattern_target': {
        const kind = node.parent?.parent?.type === 'except_clause' ? 'exception' : 'variable';
        for (const child of namedChildrenOf(node)) this.pythonTargets(child, kind, scope);
        return;
      }
      case 'named_expression':
        this.pythonTargets(field('name'), 'variable', scope);
        this.pythonAll([field('value')], scope);
        return;
      case 'import_statement':
      case 'import_from_statement':
        this.pythonImport(node, scope);
        return;
      case 'attribute':
        this.pythonAll([field('object')], scope);
        return;
      case 'keyword_argument':
        this.pythonAll([field('value')], scope);
        return;
    }
    for (const child of namedChildrenOf(node)) this.python(child, scope);
  }

  private pythonAll(nodes: Array<Node | null>, scope: Scope): void {
    for (const node of nodes) if (node) this.python(node, scope);
  }

  private pythonTargets(target: Node | null, kind: BindingKind, scope: Scope): void {
    if (!target) return;
    if (target.type === 'identifier') this.bind(target, kind, scope);
    else if (PYTHON_TARGET_PATTERNS.has(target.type)) {
      for (const part of namedChildrenOf(target)) this.pythonTargets(part, kind, scope);
    } else {
      // `a[i] = ...` and `a.b = ...` read `a` (and `i`) rather than bind anything.
      this.python(target, scope);
    }
  }

  private pythonParameters(list: Node, scope: Scope): void {
    for (const parameter of namedChildrenOf(list)) {
      const name =
        parameter.type === 'identifier'
          ? parameter
          : (parameter.childForFieldName('name') ?? firstIdentifier(parameter.namedChild(0) ?? parameter));
      if (name?.type === 'identifier') this.bind(name, 'parameter', scope);
      // Annotations and defaults are reads.
      this.pythonAll([parameter.childForFieldName('type'), parameter.childForFieldName('value')], scope);
    }
  }

  private pythonImport(node: Node, scope: Scope): void {
    const module = node.childForFieldName('module_name');
    if (module?.text === '__future__') return;
    for (const name of node.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const alias = name.childForFieldName('alias');
        if (alias) this.bind(alias, 'import', scope);
      } else {
        // `import a.b` binds `a`; `from m import a` binds `a`.
        const bound = node.type === 'import_statement' ? name.namedChild(0) : name.namedChildren.at(-1);
        if (bound) this.bind(bound, 'import', scope);
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // TypeScript and JavaScript

  ecmascript(node: Node, scope: Scope): void {
    const field = (name: string) => node.childForFieldName(name);
    switch (node.type) {
      case 'identifier':
      case 'type_identifier':
      case 'shorthand_property_identifier':
        this.read(node);
        return;
      case 'function_declaration':
      case 'generator_function_declaration': {
        const name = field('name');
        if (name) this.bind(name, 'function', scope);
        this.ecmascriptFunction(node);
        return;
      }
      case 'arrow_function':
      case 'function_expression':
      case 'function':
      case 'generator_function':
      case 'method_definition':
        this.ecmascriptFunction(node);
        return;
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'class': {
        const name = field('name');
        if (name && node.type !== 'class') this.bind(name, 'class', scope);
        for (const child of namedChildrenOf(node)) {
          if (child.id === name?.id) continue;
          this.ecmascript(child, child.type === 'class_body' ? { node, kind: 'class' } : scope);
        }
        return;
      }
      case 'interface_declaration':
      case 'type_alias_declaration':
      case 'enum_declaration': {
        const name = field('name');
        if (name) this.bind(name, node.type === 'enum_declaration' ? 'class' : 'type', scope);
        for (const child of namedChildrenOf(node)) if (child.id !== name?.id) this.ecmascript(child, scope);
        return;
      }
      case 'variable_declarator': {
        const value = field('value');
        const isRequire =
          scope.kind === 'module' &&
          value?.type === 'call_expression' &&
          value.childForFieldName('function')?.text === 'require';
        const kind: BindingKind = isRequire ? 'import' : 'variable';
        const holdsFunction = value !== null && ECMASCRIPT_FUNCTION_VALUES.has(value.type);
        ecmascriptPattern(field('name'), (name) => this.bind(name, kind, scope, holdsFunction));
        this.ecmascriptDefaults(field('name'), scope);
        this.ecmascriptAll([field('type'), value], scope);
        return;
      }
      case 'import_statement':
        for (const child of namedChildrenOf(node)) {
          if (child.type === 'import_clause')
            importClauseBindings(child, (name) => this.bind(name, 'import', scope));
        }
        return;
      case 'catch_clause':
        ecmascriptPattern(field('parameter'), (name) => this.bind(name, 'exception', scope));
        this.ecmascriptAll([field('type'), field('body')], scope);
        return;
      case 'for_in_statement': {
        const left = field('left');
        if (field('kind')) ecmascriptPattern(left, (name) => this.bind(name, 'loop-variable', scope));
        else this.ecmascriptAll([left], scope);
        this.ecmascriptAll([field('right'), field('body')], scope);
        return;
      }
      case 'assignment_expression': {
        // Assigning to a plain name writes it without reading it.
        const left = field('left');
        if (left?.type !== 'identifier') this.ecmascriptAll([left], scope);
        this.ecmascriptAll([field('right')], scope);
        return;
      }
      case 'statement_identifier':
      case 'property_identifier':
        return;
    }
    for (const child of namedChildrenOf(node)) this.ecmascript(child, scope);
  }

  private ecmascriptAll(nodes: Array<Node | null>, scope: Scope): void {
    for (const node of nodes) if (node) this.ecmascript(node, scope);
  }

  private ecmascriptFunction(node: Node): void {
    const own: Scope = { node, kind: 'function' };
    const name = node.childForFieldName('name');
    // A named function expression's name is visible only inside it.
    if (name && node.type !== 'function_declaration' && node.type !== 'generator_function_declaration') {
      if (name.type === 'identifier') this.bind(name, 'function', own);
    }
    const single = node.childForFieldName('parameter');
    if (single) this.bind(single, 'parameter', own);
    const parameters = node.childForFieldName('parameters');
    for (const parameter of parameters ? namedChildrenOf(parameters) : []) {
      const typed = parameter.type === 'required_parameter' || parameter.type === 'optional_parameter';
      const pattern = typed ? parameter.childForFieldName('pattern') : parameter;
      if (pattern?.type !== 'this') ecmascriptPattern(pattern, (bound) => this.bind(bound, 'parameter', own));
      this.ecmascriptDefaults(pattern, own);
      if (typed)
        this.ecmascriptAll([parameter.childForFieldName('type'), parameter.childForFieldName('value')], own);
    }
    this.ecmascriptAll(
      [
        node.childForFieldName('type_parameters'),
        node.childForFieldName('return_type'),
        node.childForFieldName('body'),
      ],
      own,
    );
  }

  /** Default values inside a destructuring pattern (`{ a = b }`, `[c = d]`, `e = f`) are reads. */
  private ecmascriptDefaults(pattern: Node | null, scope: Scope): void {
    if (!pattern) return;
    for (const part of namedChildrenOf(pattern)) {
      if (part.type === 'assignment_pattern' || part.type === 'object_assignment_pattern') {
        this.ecmascriptAll([part.childForFieldName('right')], scope);
      } else if (part.type === 'pair_pattern') {
        this.ecmascriptDefaults(part, scope);
        const key = part.childForFieldName('key');
        if (key?.type === 'computed_property_name') this.ecmascript(key, scope);
      } else {
        this.ecmascriptDefaults(part, scope);
      }
    }
    if (pattern.type === 'assignment_pattern')
      this.ecmascriptAll([pattern.childForFieldName('right')], scope);
  }
}

function firstIdentifier(node: Node): Node | undefined {
  if (node.type === 'identifier') return node;
  for (const child of namedChildrenOf(node)) {
    const found = firstIdentifier(child);
    if (found) return found;
  }
  return undefined;
}
