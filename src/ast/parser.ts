/**
 * tree-sitter for the task languages, through web-tree-sitter and the grammar packages'
 * `.wasm` files (no native build). Grammars load once per process.
 */
import { createRequire } from 'node:module';
import { Language, type Node, Parser, Query, type Tree } from 'web-tree-sitter';
import { NsgenError, type Language as TaskLanguage } from '../core/index.js';

export type { Node, Tree } from 'web-tree-sitter';
export { Query } from 'web-tree-sitter';

/** Grammars: TypeScript tasks use the TypeScript grammar, JavaScript the JavaScript one. */
const GRAMMAR_FILES: Record<TaskLanguage, string> = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
};

const require = createRequire(import.meta.url);
let initialised: Promise<void> | undefined;
const languages = new Map<TaskLanguage, Promise<Language>>();

function loadLanguage(language: TaskLanguage): Promise<Language> {
  let loaded = languages.get(language);
  if (!loaded) {
    initialised ??= Parser.init();
    loaded = initialised.then(() => Language.load(require.resolve(GRAMMAR_FILES[language])));
    languages.set(language, loaded);
  }
  return loaded;
}

/** The tree-sitter Language object for a task language (for building queries). */
export function grammar(language: TaskLanguage): Promise<Language> {
  if (!(language in GRAMMAR_FILES)) {
    throw new NsgenError('UNSUPPORTED', `no grammar for language "${language}"`);
  }
  return loadLanguage(language);
}

/** Parses source text. The caller owns the tree and should `delete()` it when done. */
export async function parse(code: string, language: TaskLanguage): Promise<Tree> {
  const lang = await grammar(language);
  const parser = new Parser();
  try {
    parser.setLanguage(lang);
    const tree = parser.parse(code);
    if (!tree) throw new NsgenError('INTERNAL', `tree-sitter returned no tree for ${language} source`);
    return tree;
  } finally {
    parser.delete();
  }
}

/** Parses, hands the tree to `use`, and frees it afterwards. */
export async function withTree<T>(code: string, language: TaskLanguage, use: (tree: Tree) => T): Promise<T> {
  const tree = await parse(code, language);
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

const queries = new Map<string, Promise<Query>>();

/** A compiled query, cached by language and source. */
export function query(language: TaskLanguage, source: string): Promise<Query> {
  const key = `${language}\0${source}`;
  let compiled = queries.get(key);
  if (!compiled) {
    compiled = grammar(language).then((lang) => new Query(lang, source));
    queries.set(key, compiled);
  }
  return compiled;
}

/** Depth-first walk over named and anonymous nodes. */
export function* walk(node: Node): Generator<Node> {
  const cursor = node.walk();
  try {
    let descending = true;
    for (;;) {
      if (descending) {
        yield cursor.currentNode;
        if (cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descending = true;
        continue;
      }
      if (!cursor.gotoParent()) return;
      descending = false;
      if (cursor.currentNode.id === node.id) return;
    }
  } finally {
    cursor.delete();
  }
}
