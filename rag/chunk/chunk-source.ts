/**
 * Cuts one source file into retrievable chunks (top-level functions, methods, classes)
 * with tree-sitter, and collects what the code graph needs: the names each chunk calls,
 * references and inherits from, and the modules the file imports.
 */
import { functionSitesOf, type Node, rangeOf, visit, withTree } from '../../src/ast/index.js';
import type { CodeChunk, Language } from '../../src/core/index.js';

/** The names a chunk uses, resolved to graph edges later (across files). */
export interface ChunkSymbols {
  chunkId: string;
  calls: string[];
  references: string[];
  /** Base classes, for class chunks. */
  bases: string[];
  /** The enclosing class's chunk id, for methods. */
  classId?: string;
}

export interface ChunkedFile {
  path: string;
  language: Language;
  chunks: CodeChunk[];
  symbols: ChunkSymbols[];
  /** Imported module specifiers as written (`os.path`, `./util.js`). */
  imports: string[];
}

const CLASS_TYPES = new Set(['class_definition', 'class_declaration', 'abstract_class_declaration']);
const CALL_TYPES = new Set(['call', 'call_expression', 'new_expression']);
const NAME_TYPES = new Set(['identifier', 'type_identifier']);

/** Chunks of one file. `path` is relative to the repository root. */
export function chunkSource(code: string, language: Language, path: string): Promise<ChunkedFile> {
  return withTree(code, language, (tree) => {
    const lines = code.split('\n');
    const lineStarts = [0];
    for (const line of lines) lineStarts.push(lineStarts.at(-1)! + line.length + 1);
    const chunks: CodeChunk[] = [];
    const symbols: ChunkSymbols[] = [];
    const classIds = new Map<string, string>();

    const textOf = (startLine: number, endLine: number) => lines.slice(startLine - 1, endLine).join('\n');
    const push = (
      chunk: Omit<CodeChunk, 'id' | 'path' | 'language'>,
      node: Node,
      extra: Partial<ChunkSymbols>,
    ) => {
      const id = `${path}#${chunk.qualifiedName}@${chunk.startLine}`;
      chunks.push({ id, path, language, ...chunk });
      symbols.push({ chunkId: id, ...namesUsedIn(node), bases: [], ...extra });
      return id;
    };

    visit(tree.rootNode, (node) => {
      if (!CLASS_TYPES.has(node.type)) return true;
      const name = node.childForFieldName('name')?.text;
      const body = node.childForFieldName('body');
      if (!name || !body) return true;
      const definition = node.parent?.type === 'decorated_definition' ? node.parent : node;
      const range = rangeOf(definition);
      const docstring = classDocstring(node, body, language);
      const signature = code.slice(node.startIndex, body.startIndex).trim();
      const id = push(
        {
          kind: 'class',
          name,
          qualifiedName: name,
          signature,
          ...(docstring !== undefined && { docstring }),
          startLine: range.line,
          endLine: range.endLine,
          text: classSummary(signature, docstring, body, code),
        },
        node,
        { bases: basesOf(node, language), calls: [], references: [] },
      );
      classIds.set(`${name}@${range.line}`, id);
      return true;
    });

    for (const site of functionSitesOf(tree, language)) {
      const { info } = site;
      // Nested functions stay inside the chunk of the function that holds them.
      if (info.parentFunction !== undefined || info.name === '') continue;
      const classNode = info.className !== undefined ? enclosingClass(site.node) : undefined;
      const classRange = classNode
        ? rangeOf(classNode.parent?.type === 'decorated_definition' ? classNode.parent : classNode)
        : undefined;
      const classId = classRange ? classIds.get(`${info.className}@${classRange.line}`) : undefined;
      const qualifiedName = info.className !== undefined ? `${info.className}.${info.name}` : info.name;
      const startLine = info.range.line;
      const endLine = info.range.endLine;
      // From the definition's start (decorators, `const name =`) to its body.
      const definitionStart = lineStarts[startLine - 1]! + info.range.column - 1;
      const signature = code.slice(definitionStart, site.body.startIndex).replace(/\s+/g, ' ').trim();
      push(
        {
          kind: info.kind === 'method' || info.className !== undefined ? 'method' : 'function',
          name: info.name,
          qualifiedName,
          signature: signature.length > 0 ? signature : textOf(startLine, startLine).trim(),
          ...(info.docstring !== undefined && { docstring: info.docstring }),
          startLine,
          endLine,
          text: textOf(startLine, endLine),
        },
        site.body,
        classId !== undefined ? { classId } : {},
      );
    }
    return { path, language, chunks, symbols, imports: importsOf(tree.rootNode, language) };
  });
}

function enclosingClass(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (CLASS_TYPES.has(current.type)) return current;
  }
  return undefined;
}

/** Called names (the last part of `a.b.c()`) and other names read in a chunk. */
function namesUsedIn(node: Node): { calls: string[]; references: string[] } {
  const calls = new Set<string>();
  const references = new Set<string>();
  visit(node, (child) => {
    if (CALL_TYPES.has(child.type)) {
      const callee = child.childForFieldName('function') ?? child.childForFieldName('constructor');
      const name = callee ? lastName(callee) : undefined;
      if (name) calls.add(name);
    } else if (NAME_TYPES.has(child.type)) {
      references.add(child.text);
    }
    return true;
  });
  for (const name of calls) references.delete(name);
  return { calls: [...calls], references: [...references] };
}

function lastName(node: Node): string | undefined {
  if (NAME_TYPES.has(node.type)) return node.text;
  const property = node.childForFieldName('attribute') ?? node.childForFieldName('property');
  return property?.text;
}

function basesOf(node: Node, language: Language): string[] {
  const names: string[] = [];
  if (language === 'python') {
    const superclasses = node.childForFieldName('superclasses');
    for (const argument of superclasses?.namedChildren ?? []) {
      const name = argument ? lastName(argument) : undefined;
      if (name) names.push(name);
    }
    return names;
  }
  for (const child of node.namedChildren) {
    if (child?.type !== 'class_heritage') continue;
    visit(child, (inner) => {
      if (NAME_TYPES.has(inner.type)) names.push(inner.text);
      return true;
    });
  }
  return names;
}

function classDocstring(node: Node, body: Node, language: Language): string | undefined {
  if (language === 'python') {
    const first = body.namedChildren.find((child) => child !== null && child.type !== 'comment');
    const string = first?.type === 'expression_statement' ? first.namedChild(0) : undefined;
    if (string?.type !== 'string') return undefined;
    return string.text
      .replace(/^[a-zA-Z]*("""|'''|"|')/, '')
      .replace(/("""|'''|"|')$/, '')
      .trim();
  }
  const holder = node.parent?.type === 'export_statement' ? node.parent : node;
  const previous = holder.previousNamedSibling;
  if (previous?.type !== 'comment' || !previous.text.startsWith('/**')) return undefined;
  return previous.text
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

/** A class chunk holds its header, docstring and member signatures, not every body. */
function classSummary(signature: string, docstring: string | undefined, body: Node, code: string): string {
  const members: string[] = [];
  for (const member of body.namedChildren) {
    if (!member) continue;
    const inner = member.type === 'decorated_definition' ? member.childForFieldName('definition') : member;
    if (!inner) continue;
    const memberBody = inner.childForFieldName('body');
    const text = memberBody ? code.slice(inner.startIndex, memberBody.startIndex) : inner.text;
    const line = text.split('\n')[0]?.trim();
    if (line && inner.type !== 'expression_statement') members.push(`  ${line}`);
  }
  return [signature, ...(docstring ? [`  """${docstring}"""`] : []), ...members].join('\n');
}

function importsOf(root: Node, language: Language): string[] {
  const modules = new Set<string>();
  visit(root, (node) => {
    if (language === 'python') {
      if (node.type === 'import_statement') {
        for (const name of node.childrenForFieldName('name')) {
          const dotted = name?.type === 'aliased_import' ? name.childForFieldName('name') : name;
          if (dotted) modules.add(dotted.text);
        }
      } else if (node.type === 'import_from_statement') {
        const module = node.childForFieldName('module_name');
        if (module) modules.add(module.text);
      }
      return !node.type.startsWith('import');
    }
    if (node.type === 'import_statement' || node.type === 'export_statement') {
      const source = node.childForFieldName('source');
      if (source) modules.add(source.text.slice(1, -1));
    } else if (node.type === 'call_expression' && node.childForFieldName('function')?.text === 'require') {
      const argument = node.childForFieldName('arguments')?.namedChild(0);
      if (argument?.type === 'string') modules.add(argument.text.slice(1, -1));
    }
    return true;
  });
  return [...modules];
}
