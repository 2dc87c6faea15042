/**
 * Where contracts come from: the task (`contract.pre` / `contract.post`, expressions in
 * the task's language naming the return value `result`) and the code itself: Python
 * `assert`s at the top of the function, icontract-style `@require` / `@ensure` lambdas and
 * PEP 316 `pre:` / `post:` docstring lines; TypeScript JSDoc `@pre` / `@post` tags.
 */

import { type Node, parse, type Tree } from '../../src/ast/parser.js';
import { type Language, NsgenError, type Task } from '../../src/core/index.js';
import type { ContractClause } from '../../src/smt/index.js';

/** The clauses of one function, with the source text each clause has in the harness. */
export interface ExtractedContract {
  pre: ContractClause[];
  post: ContractClause[];
}

/** A contract the task or code states but that cannot be used (does not parse, ...). */
export class InvalidContract extends NsgenError {
  constructor(message: string, where: string) {
    super('INVALID_TASK', message, { where });
  }
}

/** Parses one contract expression; the caller deletes the returned trees. */
export async function parseContractExpression(
  text: string,
  language: Language,
  where: string,
  trees: Tree[],
): Promise<Node> {
  const python = language === 'python';
  const tree = await parse(python ? text : `(${text}\n);`, language);
  trees.push(tree);
  const root = tree.rootNode;
  const statements = root.namedChildren.filter((child) => child?.type !== 'comment');
  const statement = statements[0];
  if (root.hasError || statements.length !== 1 || statement?.type !== 'expression_statement') {
    throw new InvalidContract(`"${text}" is not a single ${language} expression (it does not parse)`, where);
  }
  const expression = statement.namedChildren[0];
  if (!expression || (python && statement.namedChildren.length !== 1)) {
    throw new InvalidContract(`"${text}" is not a single ${language} expression`, where);
  }
  if (python) return expression;
  const inner = expression.type === 'parenthesized_expression' ? expression.namedChildren[0] : undefined;
  if (!inner) throw new InvalidContract(`"${text}" is not a single ${language} expression`, where);
  return inner;
}

/** Clauses stated by the task file. */
export async function taskContract(task: Task, trees: Tree[]): Promise<ExtractedContract> {
  const out: ExtractedContract = { pre: [], post: [] };
  for (const kind of ['pre', 'post'] as const) {
    const text = task.contract?.[kind];
    if (text === undefined || text.trim() === '') continue;
    const node = await parseContractExpression(
      text.trim(),
      task.language,
      `task ${task.id}: contract.${kind}`,
      trees,
    );
    out[kind].push({ text: text.trim(), node, origin: 'task' });
  }
  return out;
}

/** The function definition node of `name` at the top level of a parsed program. */
export function findFunction(root: Node, name: string, language: Language): Node | undefined {
  for (const child of root.namedChildren) {
    if (!child) continue;
    if (language === 'python') {
      const definition =
        child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
      if (definition?.type === 'function_definition' && definition.childForFieldName('name')?.text === name) {
        return definition;
      }
      continue;
    }
    const declaration = child.type === 'export_statement' ? child.childForFieldName('declaration') : child;
    if (
      declaration?.type === 'function_declaration' &&
      declaration.childForFieldName('name')?.text === name
    ) {
      return declaration;
    }
    if (declaration?.type === 'lexical_declaration' || declaration?.type === 'variable_declaration') {
      for (const declarator of declaration.namedChildren) {
        const value = declarator?.childForFieldName('value');
        if (
          declarator?.childForFieldName('name')?.text === name &&
          (value?.type === 'arrow_function' || value?.type === 'function_expression')
        )
          return value;
      }
    }
  }
  return undefined;
}

/** Clauses stated in the code of the entry function. */
export async function codeContract(
  definition: Node,
  language: Language,
  trees: Tree[],
): Promise<ExtractedContract> {
  return language === 'python'
    ? pythonContract(definition, trees)
    : jsDocContract(definition, language, trees);
}

async function pythonContract(definition: Node, trees: Tree[]): Promise<ExtractedContract> {
  const out: ExtractedContract = { pre: [], post: [] };
  const name = definition.childForFieldName('name')?.text ?? '?';
  const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : undefined;
  for (const decorator of decorated?.namedChildren ?? []) {
    if (decorator?.type !== 'decorator') continue;
    const call = decorator.namedChildren[0];
    if (call?.type !== 'call') continue;
    const callee = call.childForFieldName('function')?.text ?? '';
    const kind = /(^|\.)require$/.test(callee) ? 'pre' : /(^|\.)ensure$/.test(callee) ? 'post' : undefined;
    if (!kind) continue;
    const lambda = call
      .childForFieldName('arguments')
      ?.namedChildren.find((argument) => argument?.type === 'lambda');
    const body = lambda?.childForFieldName('body');
    if (!lambda || !body) {
      throw new InvalidContract(
        `@${callee.split('.').at(-1)} needs a lambda condition`,
        `${name}: ${decorator.text}`,
      );
    }
    out[kind].push({ text: body.text, node: lambda, origin: `@${callee.split('.').at(-1)}` });
  }
  const body = definition.childForFieldName('body');
  const statements = (body?.namedChildren ?? []).filter(
    (child): child is Node => child !== null && child.type !== 'comment',
  );
  let index = 0;
  const docstring =
    statements[0]?.type === 'expression_statement' ? statements[0].namedChildren[0] : undefined;
  if (docstring?.type === 'string') {
    index = 1;
    // PEP 316 (CrossHair): `pre: expr` and `post: expr` lines, `__return__` for the result.
    for (const line of docstring.text.split('\n')) {
      const match = /^\s*(pre|post):\s*(.+?)\s*$/.exec(
        line.replace(/^\s*("""|''')/, '').replace(/("""|''')\s*$/, ''),
      );
      if (!match) continue;
      const text = match[2]!.replace(/\b__return__\b/g, 'result');
      const kind = match[1] as 'pre' | 'post';
      const node = await parseContractExpression(text, 'python', `${name}: docstring ${kind}:`, trees);
      out[kind].push({ text, node, origin: `docstring ${kind}:` });
    }
  }
  for (; index < statements.length; index++) {
    const statement = statements[index]!;
    if (statement.type !== 'assert_statement') break;
    const condition = statement.namedChildren[0];
    if (condition) out.pre.push({ text: condition.text, node: condition, origin: 'assert' });
  }
  return out;
}

async function jsDocContract(
  definition: Node,
  language: Language,
  trees: Tree[],
): Promise<ExtractedContract> {
  const out: ExtractedContract = { pre: [], post: [] };
  let statement: Node = definition;
  while (statement.parent && statement.parent.type !== 'program') statement = statement.parent;
  const comment = statement.previousNamedSibling;
  if (comment?.type !== 'comment' || !comment.text.startsWith('/**')) return out;
  if (comment.endPosition.row < statement.startPosition.row - 1) return out;
  for (const rawLine of comment.text.split('\n')) {
    const line = rawLine
      .replace(/^\s*\/\*\*/, '')
      .replace(/\*\/\s*$/, '')
      .replace(/^\s*\*/, '');
    const match = /@(pre|post)\s+(.+?)\s*$/.exec(line);
    if (!match) continue;
    const kind = match[1] as 'pre' | 'post';
    const text = match[2]!;
    const node = await parseContractExpression(
      text,
      language,
      `JSDoc @${kind} (line ${comment.startPosition.row + 1})`,
      trees,
    );
    out[kind].push({ text, node, origin: `@${kind}` });
  }
  return out;
}
