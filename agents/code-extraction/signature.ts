/**
 * A task's signature, written in the task's language: the types of task files are
 * language-neutral (`int`, `list[str]`, `dict[str, int]`); TypeScript gets `number`,
 * `string[]`, `Record<string, number>`.
 */
import type { Language, Signature, Task } from '../../src/core/index.js';

interface TypeNode {
  name: string;
  args: TypeNode[];
}

/** Parses `name[arg, arg]`; anything unreadable stays a bare name. */
function parseType(text: string): TypeNode {
  const source = text.trim();
  const open = source.indexOf('[');
  if (open === -1 || !source.endsWith(']')) return { name: source, args: [] };
  const args: TypeNode[] = [];
  let depth = 0;
  let start = open + 1;
  for (let index = open + 1; index < source.length - 1; index++) {
    const char = source[index];
    if (char === '[') depth++;
    else if (char === ']') depth--;
    else if (char === ',' && depth === 0) {
      args.push(parseType(source.slice(start, index)));
      start = index + 1;
    }
  }
  args.push(parseType(source.slice(start, source.length - 1)));
  return { name: source.slice(0, open).trim(), args };
}

const SCRIPT_SCALARS: Record<string, string> = {
  int: 'number',
  float: 'number',
  number: 'number',
  bool: 'boolean',
  boolean: 'boolean',
  str: 'string',
  string: 'string',
  None: 'null',
  null: 'null',
  any: 'unknown',
  Any: 'unknown',
  object: 'unknown',
};

function scriptType(node: TypeNode): string {
  const name = node.name.replace(/^typing\./, '');
  const args = node.args.map(scriptType);
  const lower = name.toLowerCase();
  if (node.args.length === 0) return SCRIPT_SCALARS[name] ?? name;
  if (lower === 'list' || lower === 'sequence' || lower === 'iterable') return arrayOf(args[0] ?? 'unknown');
  if (lower === 'set' || lower === 'frozenset') return `Set<${args[0] ?? 'unknown'}>`;
  if (lower === 'dict' || lower === 'mapping')
    return `Record<${args[0] ?? 'string'}, ${args[1] ?? 'unknown'}>`;
  if (lower === 'tuple') {
    if (node.args.length === 2 && node.args[1]?.name === '...') return arrayOf(args[0] ?? 'unknown');
    return `[${args.join(', ')}]`;
  }
  if (lower === 'optional') return `${args[0] ?? 'unknown'} | null`;
  if (lower === 'union') return args.join(' | ');
  return `${name}<${args.join(', ')}>`;
}

function arrayOf(element: string): string {
  return /^[\w$.]+$/.test(element) ? `${element}[]` : `Array<${element}>`;
}

/** A language-neutral type in the task's language. */
export function typeIn(type: string, language: Language): string {
  return language === 'python' ? type : scriptType(parseType(type));
}

/** The signature as one line, for prompts: `def clamp(x: int, lo: int, hi: int) -> int`. */
export function signatureLine(name: string, signature: Signature, language: Language): string {
  if (language === 'python') {
    const params = signature.params.map((param) => `${param.name}: ${param.type}`).join(', ');
    return `def ${name}(${params}) -> ${signature.returns}`;
  }
  if (language === 'typescript') {
    const params = signature.params
      .map((param) => `${param.name}: ${typeIn(param.type, language)}`)
      .join(', ');
    return `function ${name}(${params}): ${typeIn(signature.returns, language)}`;
  }
  const docs = signature.params.map((param) => ` * @param {${typeIn(param.type, language)}} ${param.name}`);
  const params = signature.params.map((param) => param.name).join(', ');
  return [
    '/**',
    ...docs,
    ` * @returns {${typeIn(signature.returns, language)}}`,
    ' */',
    `function ${name}(${params})`,
  ].join('\n');
}

/**
 * The start of the function a body goes into, ending with a newline: the def line (and a
 * docstring holding the request, when given) or the function line with its open brace.
 */
export function functionHeader(task: Task, options: { docstring?: string } = {}): string | undefined {
  if (!task.signature) return undefined;
  const line = signatureLine(task.entryPoint, task.signature, task.language);
  const doc = options.docstring?.trim();
  if (task.language === 'python') {
    const docstring = doc
      ? `    """${doc.replace(/"""/g, '\\"\\"\\"').replace(/\n/g, '\n    ')}\n    """\n`
      : '';
    return `${line}:\n${docstring}`;
  }
  const comment = doc ? `/**\n * ${doc.replace(/\*\//g, '*\\/').replace(/\n/g, '\n * ')}\n */\n` : '';
  return `${comment}${line} {\n`;
}
