/** Running text as code: eval/exec, `new Function`, the `vm` module, and code fetched from the network. */
import type { Node } from '../../../src/ast/index.js';
import { walk } from '../../../src/ast/index.js';
import { valueAndSources } from '../data-flow.js';
import { type CallMatch, callRule } from '../rule-builders.js';
import type { ScanContext } from '../scan-context.js';
import { isStringLiteral, positionalArguments } from '../syntax.js';
import type { SecurityRule } from '../types.js';

const PYTHON_DOWNLOADERS =
  /^(urllib\.request\.urlopen|urllib\.urlopen|urllib2\.urlopen|requests\.(get|post|request)|httpx\.(get|post|request)|urllib\.request\.urlretrieve)$/;
const SCRIPT_DOWNLOADERS =
  /^(fetch|axios(\.get|\.post|\.request)?|https?\.get|https?\.request|got(\.get)?|needle(\.get)?|superagent\.get)$/;

/** True when the code argument (or what it was assigned) contains a call that downloads. */
function runsDownloadedCode(argument: Node | undefined, context: ScanContext, downloaders: RegExp): boolean {
  if (!argument) return false;
  for (const source of valueAndSources(argument)) {
    for (const node of walk(source)) {
      if (node.type !== 'call' && node.type !== 'call_expression') continue;
      const name = context.qualifiedName(node.childForFieldName('function'));
      if (name && downloaders.test(name)) return true;
    }
  }
  return false;
}

function literalIsLessSevere({ args }: CallMatch) {
  const first = positionalArguments(args)[0];
  return isStringLiteral(first) ? { severity: 'medium' as const, detail: 'constant string argument' } : true;
}

export const CODE_EXECUTION_RULES: SecurityRule[] = [
  callRule({
    id: 'py-eval',
    cwe: 'CWE-95',
    severity: 'high',
    language: 'python',
    message: 'eval() runs arbitrary Python expressions',
    fix: 'Parse the value instead: ast.literal_eval for literals, int()/float()/json.loads for data.',
    calls: ['eval', 'builtins.eval'],
    check: literalIsLessSevere,
    bandit: ['B307'],
  }),
  callRule({
    id: 'py-exec',
    cwe: 'CWE-95',
    severity: 'high',
    language: 'python',
    message: 'exec() runs arbitrary Python statements',
    fix: 'Call the intended functions directly, or dispatch through a dict of allowed operations.',
    calls: ['exec', 'builtins.exec'],
    check: literalIsLessSevere,
    bandit: ['B102'],
  }),
  callRule({
    id: 'py-exec-downloaded',
    cwe: 'CWE-494',
    severity: 'critical',
    language: 'python',
    message: 'code downloaded from the network is executed without an integrity check',
    fix: 'Never execute fetched code; ship the code with the program or verify a pinned signature first.',
    calls: ['eval', 'exec', 'compile', 'builtins.eval', 'builtins.exec'],
    check: ({ args, context }) =>
      runsDownloadedCode(positionalArguments(args)[0], context, PYTHON_DOWNLOADERS),
  }),
  callRule({
    id: 'js-eval',
    cwe: 'CWE-95',
    severity: 'high',
    language: 'script',
    message: 'eval-like call runs a string as JavaScript',
    fix: 'Use JSON.parse for data and plain functions for behaviour; never build code from strings.',
    calls: (name) =>
      [
        'eval',
        'Function',
        'globalThis.eval',
        'window.eval',
        'setTimeout',
        'setInterval',
        'setImmediate',
      ].includes(name),
    check: (match) => {
      const first = positionalArguments(match.args)[0];
      if (['setTimeout', 'setInterval', 'setImmediate'].includes(match.name)) {
        // Only the string form of timers evaluates code.
        return first !== undefined &&
          (first.type === 'string' || first.type === 'template_string' || first.type === 'binary_expression')
          ? { detail: `${match.name} with a string` }
          : false;
      }
      return literalIsLessSevere(match);
    },
  }),
  callRule({
    id: 'js-vm-code',
    cwe: 'CWE-95',
    severity: 'high',
    language: 'script',
    message: 'the vm module runs a string as JavaScript and is not a security sandbox',
    fix: 'Do not evaluate untrusted code with vm; use a separate process or an isolate with no host access.',
    calls: (name) =>
      /^vm\.(runInNewContext|runInThisContext|runInContext|Script|compileFunction|SourceTextModule)$/.test(
        name,
      ),
    check: literalIsLessSevere,
  }),
  callRule({
    id: 'js-exec-downloaded',
    cwe: 'CWE-494',
    severity: 'critical',
    language: 'script',
    message: 'code downloaded from the network is executed without an integrity check',
    fix: 'Never execute fetched code; bundle it, or verify a pinned hash/signature before use.',
    calls: (name) => /^(eval|Function|vm\.\w+)$/.test(name),
    check: ({ args, context }) =>
      runsDownloadedCode(positionalArguments(args)[0], context, SCRIPT_DOWNLOADERS),
  }),
];
