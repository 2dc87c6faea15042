/**
 * File access on paths joined from a function's inputs with no containment check, so
 * `../` in the input walks out of the intended folder.
 */
import type { Node } from '../../../src/ast/index.js';
import { walk } from '../../../src/ast/index.js';
import { valueAndSources } from '../data-flow.js';
import { type CallMatch, callRule } from '../rule-builders.js';
import type { ScanContext } from '../scan-context.js';
import {
  enclosingFunction,
  identifiersIn,
  isBuiltString,
  keywordArgument,
  parameterNames,
  positionalArguments,
} from '../syntax.js';
import type { FindingRefinement } from '../types.js';

const PY_JOINS = /^(os\.path\.join|posixpath\.join|ntpath\.join|pathlib\.Path|pathlib\.PurePath|Path)$/;
const JS_JOINS = /^path\.(join|resolve|posix\.join)$/;
/** Any of these in the function means the author constrained the path. */
const PY_GUARDS =
  /^(os\.path\.(realpath|abspath|normpath|commonpath|basename)|werkzeug\.utils\.secure_filename|secure_filename|\w+\.(resolve|is_relative_to|relative_to))$/;
const JS_GUARDS = /^(path\.(basename|normalize|relative)|\w+\.startsWith|sanitize\w*)$/;
const FS_MODULES = /^(fs|fs\/promises|fs-extra)\./;
const FS_METHODS =
  /^(readFile|readFileSync|writeFile|writeFileSync|appendFile|appendFileSync|createReadStream|createWriteStream|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|open|openSync|stat|statSync)$/;
const REQUEST_INPUT = /^(request\.|req\.|ctx\.request\.|ctx\.params)/;

function isJoin(node: Node, context: ScanContext, joins: RegExp): boolean {
  if (isBuiltString(node)) return true;
  if (
    (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '/') ||
    node.type === 'call' ||
    node.type === 'call_expression'
  ) {
    if (node.type !== 'binary_operator') {
      const name = context.qualifiedName(node.childForFieldName('function'));
      return name !== undefined && joins.test(name);
    }
    return true;
  }
  return false;
}

function hasGuard(fn: Node | undefined, context: ScanContext, guards: RegExp): boolean {
  if (!fn) return false;
  for (const node of walk(fn)) {
    if (node.type !== 'call' && node.type !== 'call_expression') continue;
    const name = context.qualifiedName(node.childForFieldName('function'));
    if (name && guards.test(name)) return true;
  }
  return false;
}

function checkPath(
  match: CallMatch,
  path: Node | undefined,
  joins: RegExp,
  guards: RegExp,
): boolean | FindingRefinement {
  if (!path) return false;
  const fn = enclosingFunction(match.call);
  const parameters = parameterNames(fn);
  for (const source of valueAndSources(path)) {
    if (!isJoin(source, match.context, joins)) continue;
    const fromRequest = [...walk(source)].some(
      (node) =>
        (node.type === 'attribute' || node.type === 'member_expression') && REQUEST_INPUT.test(node.text),
    );
    const inputs = [...identifiersIn(source)].filter((name) => parameters.has(name));
    if (!fromRequest && inputs.length === 0) continue;
    if (hasGuard(fn, match.context, guards)) return false;
    return fromRequest
      ? { severity: 'high', detail: `${match.name} on a path built from the request` }
      : { detail: `${match.name} on a path joined with parameter ${inputs.join(', ')}` };
  }
  return false;
}

export const PATH_TRAVERSAL_RULES = [
  callRule({
    id: 'py-path-traversal',
    cwe: 'CWE-22',
    severity: 'medium',
    language: 'python',
    message: 'a file path is joined from inputs without checking it stays inside the intended folder',
    fix: 'Resolve the path (os.path.realpath) and check it starts with the base folder, or reduce the input to os.path.basename.',
    calls: (name) =>
      /^(open|io\.open|os\.(open|remove|unlink|rmdir|removedirs|rename|replace|listdir|scandir|makedirs|mkdir)|shutil\.(rmtree|copy|copy2|copyfile|copytree|move)|codecs\.open)$/.test(
        name,
      ),
    check: (match) =>
      checkPath(
        match,
        positionalArguments(match.args)[0] ?? keywordArgument(match.args, 'file'),
        PY_JOINS,
        PY_GUARDS,
      ),
  }),
  callRule({
    id: 'js-path-traversal',
    cwe: 'CWE-22',
    severity: 'medium',
    language: 'script',
    message: 'a file path is joined from inputs without checking it stays inside the intended folder',
    fix: 'path.resolve the result and check it startsWith the base folder (plus path.sep), or use path.basename on the input.',
    calls: (name, method) => (FS_MODULES.test(name) && FS_METHODS.test(method)) || method === 'sendFile',
    check: (match) => checkPath(match, positionalArguments(match.args)[0], JS_JOINS, JS_GUARDS),
  }),
];
