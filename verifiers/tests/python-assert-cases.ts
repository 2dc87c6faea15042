/**
 * Per-case results for MBPP-style Python tests (setup statements, then top-level asserts)
 * without changing what the tests mean. Each `assert` is rewritten into the statements
 * Python itself runs for it (`if not (test): raise AssertionError(message)`), plus a marker
 * written straight to file descriptor 2 after the check. Evaluation order, the first
 * failing assert stopping the run, the exception and the exit status are all unchanged.
 *
 * For `assert f(args) == expected`, where `f` is the task's entry point and the arguments
 * are plain positional ones, the call is split as Python evaluates it (function, then the
 * arguments in order, then the call), so a failure can report input, expected and actual.
 *
 * Markers only add detail: pass or fail is decided by the exit status alone. A candidate
 * could print forged markers, so the verifier believes only markers carrying this run's
 * nonce, counts passes only up to the first case without one, and never reports all cases
 * passed for a run that failed.
 */
import type { Node } from '../../src/ast/index.js';
import { parse } from '../../src/ast/index.js';

/** One top-level assert of the tests. */
export interface AssertCase {
  index: number;
  /** The assert statement as written. */
  text: string;
  /** 1-based line of the statement within the tests. */
  line: number;
  /** True when a failure reports input, expected and actual values. */
  reportsValues: boolean;
}

export interface InstrumentedTests {
  /** The tests with every top-level assert rewritten; setup statements are untouched. */
  code: string;
  cases: AssertCase[];
}

/** The prefix of every marker line: a record separator, the name, and the run's nonce. */
export function markerPrefix(nonce: string): string {
  return `\u001enscase:${nonce}:`;
}

/**
 * Rewrites the tests when they are setup statements followed only by top-level asserts;
 * returns undefined for any other shape (HumanEval's `check(candidate)`, syntax errors),
 * which then run exactly as given with a single pass/fail result.
 */
export async function instrumentPythonAsserts(
  tests: string,
  options: { entryPoint: string; nonce: string },
): Promise<InstrumentedTests | undefined> {
  const tree = await parse(tests, 'python');
  try {
    const root = tree.rootNode;
    if (root.hasError) return undefined;
    const statements = root.namedChildren.filter(
      (node): node is Node => node !== null && node.type !== 'comment',
    );
    const first = statements.findIndex((node) => node.type === 'assert_statement');
    if (first < 0) return undefined;
    const asserts = statements.slice(first);
    if (asserts.some((node) => node.type !== 'assert_statement')) return undefined;

    const cases: AssertCase[] = [];
    let code = '';
    let cursor = 0;
    for (const [index, statement] of asserts.entries()) {
      const rewrite = rewriteAssert(statement, index, options);
      code += tests.slice(cursor, statement.startIndex) + rewrite.code;
      cursor = statement.endIndex;
      cases.push({
        index,
        text: statement.text,
        line: statement.startPosition.row + 1,
        reportsValues: rewrite.reportsValues,
      });
    }
    code += tests.slice(cursor);
    return { code: `${harness(options.nonce)}\n${code}`, cases };
  } finally {
    tree.delete();
  }
}

function rewriteAssert(
  statement: Node,
  index: number,
  options: { entryPoint: string },
): { code: string; reportsValues: boolean } {
  const [condition, message] = statement.namedChildren.filter(
    (node): node is Node => node !== null && node.type !== 'comment',
  );
  if (!condition)
    throw new Error(`assert without a condition at tests line ${statement.startPosition.row + 1}`);
  const raise = message ? `raise AssertionError(${message.text})` : 'raise AssertionError';
  const call = entryPointCall(condition, options.entryPoint);
  if (!call) {
    return {
      code: [
        `if not (${condition.text}):`,
        `    __nsgen_mark(${index}, 'fail')`,
        `    ${raise}`,
        `__nsgen_mark(${index}, 'pass')`,
      ].join('\n'),
      reportsValues: false,
    };
  }
  const args = call.args.map((arg) => `(${arg.text}),`).join(' ');
  return {
    code: [
      `__nsgen_function = ${call.function.text}`,
      `__nsgen_arguments = [${args}]`,
      '__nsgen_input = __nsgen_value(__nsgen_arguments)',
      '__nsgen_actual = __nsgen_function(*__nsgen_arguments)',
      `__nsgen_expected = (${call.expected.text})`,
      'if not (__nsgen_actual == __nsgen_expected):',
      `    __nsgen_mark(${index}, 'fail', __nsgen_input, __nsgen_actual, __nsgen_expected)`,
      `    ${raise}`,
      `__nsgen_mark(${index}, 'pass')`,
    ].join('\n'),
    reportsValues: true,
  };
}

/** `f(a, b) == expected` with `f` the entry point and only plain positional arguments. */
function entryPointCall(
  condition: Node,
  entryPoint: string,
): { function: Node; args: Node[]; expected: Node } | undefined {
  if (condition.type !== 'comparison_operator' || condition.childCount !== 3) return undefined;
  const [left, operator, right] = [condition.child(0), condition.child(1), condition.child(2)];
  if (!left || !right || operator?.type !== '==' || left.type !== 'call') return undefined;
  const fn = left.childForFieldName('function');
  const argumentList = left.childForFieldName('arguments');
  if (fn?.type !== 'identifier' || fn.text !== entryPoint || argumentList?.type !== 'argument_list') {
    return undefined;
  }
  const args = argumentList.namedChildren.filter(
    (node): node is Node => node !== null && node.type !== 'comment',
  );
  const plain = args.every(
    (node) =>
      !['keyword_argument', 'list_splat', 'dictionary_splat', 'parenthesized_list_splat'].includes(node.type),
  );
  return plain ? { function: fn, args, expected: right } : undefined;
}

/**
 * Helpers defined after the candidate's code, so a candidate cannot pre-define them. They
 * never call the program's code: values are copied for builtin types only, by exact type,
 * and anything else is named by its type, so reporting cannot run a hostile __repr__.
 */
function harness(nonce: string): string {
  const prefix = JSON.stringify(markerPrefix(nonce));
  return `import os as __nsgen_os, json as __nsgen_json
def __nsgen_value(value, depth=0):
    kind = type(value)
    if value is None or kind is bool or kind is str and len(value) <= 2000:
        return value
    if kind is str:
        return value[:2000] + '...'
    if kind is int:
        return value if -2 ** 53 <= value <= 2 ** 53 else {'int': 'too large to copy'}
    if kind is float:
        return value if value == value and abs(value) != float('inf') else {'float': float.__repr__(value)}
    if depth >= 4:
        return '...'
    if kind in (list, tuple, set, frozenset):
        items = []
        for item in value:
            if len(items) >= 50:
                items.append('...')
                break
            items.append(__nsgen_value(item, depth + 1))
        return items if kind is list else {kind.__name__: items}
    if kind is dict:
        return {'dict': [[__nsgen_value(k, depth + 1), __nsgen_value(v, depth + 1)] for k, v in list(dict.items(value))[:50]]}
    return {'type': kind.__name__}
def __nsgen_mark(case, outcome, *values):
    try:
        record = {'case': case, 'outcome': outcome}
        if values:
            record['input'], record['actual'], record['expected'] = values[0], __nsgen_value(values[1]), __nsgen_value(values[2])
        __nsgen_os.write(2, (${prefix} + __nsgen_json.dumps(record) + '\\n').encode('utf-8', 'replace'))
    except Exception:
        pass
`;
}
