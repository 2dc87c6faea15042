/**
 * What rules know about the file being scanned beyond one match: its language, and which
 * modules its local names stand for, so `sp.Popen` reads as `subprocess.Popen` after
 * `import subprocess as sp`, and `exec` as `child_process.exec` after
 * `const { exec } = require('child_process')`.
 */
import type { Node, Tree } from '../../src/ast/index.js';
import { walk } from '../../src/ast/index.js';
import { namedChildren, stringValue } from './syntax.js';
import type { RuleLanguage } from './types.js';

export interface ScanContext {
  readonly language: RuleLanguage;
  /** Local name → dotted module path it was imported as. */
  readonly imports: ReadonlyMap<string, string>;
  /**
   * The dotted name an expression refers to, with import aliases resolved (`os.path.join`,
   * `child_process.execSync`); undefined for expressions that are not names.
   */
  qualifiedName(node: Node | null | undefined): string | undefined;
}

export function createScanContext(tree: Tree, language: RuleLanguage): ScanContext {
  const imports = language === 'python' ? pythonImports(tree.rootNode) : scriptImports(tree.rootNode);
  const qualifiedName = (node: Node | null | undefined): string | undefined => {
    if (!node) return undefined;
    switch (node.type) {
      case 'identifier':
        return imports.get(node.text) ?? node.text;
      case 'attribute': {
        const object = qualifiedName(node.childForFieldName('object'));
        const attribute = node.childForFieldName('attribute')?.text;
        return object && attribute ? `${object}.${attribute}` : undefined;
      }
      case 'member_expression': {
        const object = qualifiedName(node.childForFieldName('object'));
        const property = node.childForFieldName('property')?.text;
        return object && property ? `${object}.${property}` : undefined;
      }
      case 'parenthesized_expression':
        return qualifiedName(namedChildren(node)[0]);
      case 'call_expression': {
        // require('fs').readFileSync: the call stands for the module.
        const callee = node.childForFieldName('function');
        return callee?.text === 'require' ? requiredModule(node) : undefined;
      }
      default:
        return undefined;
    }
  };
  return { language, imports, qualifiedName };
}

function pythonImports(root: Node): Map<string, string> {
  const imports = new Map<string, string>();
  for (const node of walk(root)) {
    if (node.type === 'import_statement') {
      for (const name of node.childrenForFieldName('name')) {
        if (!name) continue;
        if (name.type === 'aliased_import') {
          const alias = name.childForFieldName('alias')?.text;
          const module = name.childForFieldName('name')?.text;
          if (alias && module) imports.set(alias, module);
        } else {
          // `import os.path` binds `os`.
          const first = name.text.split('.')[0];
          if (first) imports.set(first, first);
        }
      }
    } else if (node.type === 'import_from_statement') {
      const module = node.childForFieldName('module_name');
      if (!module || module.type === 'relative_import') continue;
      for (const name of node.childrenForFieldName('name')) {
        if (!name) continue;
        if (name.type === 'aliased_import') {
          const alias = name.childForFieldName('alias')?.text;
          const imported = name.childForFieldName('name')?.text;
          if (alias && imported) imports.set(alias, `${module.text}.${imported}`);
        } else {
          imports.set(name.text, `${module.text}.${name.text}`);
        }
      }
    }
  }
  return imports;
}

function normaliseModule(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

function requiredModule(call: Node): string | undefined {
  const args = call.childForFieldName('arguments');
  const first = args ? namedChildren(args)[0] : undefined;
  const value = stringValue(first);
  return value === undefined ? undefined : normaliseModule(value);
}

function scriptImports(root: Node): Map<string, string> {
  const imports = new Map<string, string>();
  for (const node of walk(root)) {
    if (node.type === 'import_statement') {
      const source = stringValue(node.childForFieldName('source'));
      const clause = namedChildren(node).find((child) => child.type === 'import_clause');
      if (source === undefined || !clause) continue;
      const module = normaliseModule(source);
      for (const part of namedChildren(clause)) {
        if (part.type === 'identifier') imports.set(part.text, module);
        else if (part.type === 'namespace_import') {
          const local = namedChildren(part)[0];
          if (local) imports.set(local.text, module);
        } else if (part.type === 'named_imports') {
          for (const specifier of namedChildren(part)) {
            const name = specifier.childForFieldName('name')?.text;
            const alias = specifier.childForFieldName('alias')?.text ?? name;
            if (name && alias) imports.set(alias, `${module}.${name}`);
          }
        }
      }
    } else if (node.type === 'variable_declarator') {
      const value = node.childForFieldName('value');
      const name = node.childForFieldName('name');
      if (!value || !name || value.type !== 'call_expression') continue;
      if (value.childForFieldName('function')?.text !== 'require') continue;
      const module = requiredModule(value);
      if (module === undefined) continue;
      if (name.type === 'identifier') imports.set(name.text, module);
      else if (name.type === 'object_pattern') {
        for (const part of namedChildren(name)) {
          if (part.type === 'shorthand_property_identifier_pattern')
            imports.set(part.text, `${module}.${part.text}`);
          else if (part.type === 'pair_pattern') {
            const key = part.childForFieldName('key')?.text;
            const local = part.childForFieldName('value');
            if (key && local?.type === 'identifier') imports.set(local.text, `${module}.${key}`);
          }
        }
      }
    }
  }
  return imports;
}
