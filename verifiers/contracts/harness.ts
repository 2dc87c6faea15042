/**
 * Programs that replay a counterexample: the candidate, then a call of the entry point on
 * the solver's input, then the contract clauses evaluated on the actual output. The last
 * stdout line starting with the marker carries the outcome as JSON.
 */
import type { Language } from '../../src/core/index.js';
import type { ModelScalar } from '../../src/smt/index.js';

export const OUTCOME_MARKER = '__NSGEN_CONTRACT__';

/** What the replay printed. */
export interface ReplayOutcome {
  /** One entry per precondition clause. */
  pre: boolean[];
  /** One entry per postcondition clause; absent when the call raised. */
  post?: boolean[];
  result?: unknown;
  /** `Type: message` when the call raised. */
  raised?: string;
}

export interface HarnessInput {
  language: Language;
  code: string;
  entryPoint: string;
  parameters: string[];
  args: (ModelScalar | ModelScalar[])[];
  /** Clause texts, evaluated with the parameters and `result` in scope. */
  pre: string[];
  post: string[];
  /** Per argument: true when it is a float (Python needs `2.0`, not `2`). */
  reals: boolean[];
}

export function buildHarness(input: HarnessInput): string {
  return input.language === 'python' ? pythonHarness(input) : scriptHarness(input);
}

/** A safe-integer check: JavaScript candidates cannot receive larger integers exactly. */
export function representable(input: HarnessInput): boolean {
  if (input.language === 'python') return true;
  const ok = (value: ModelScalar): boolean =>
    typeof value !== 'bigint' || Number.isSafeInteger(Number(value));
  return input.args.every((arg) => (Array.isArray(arg) ? arg.every(ok) : ok(arg)));
}

function pythonLiteral(value: ModelScalar | ModelScalar[], real: boolean): string {
  if (Array.isArray(value)) return `[${value.map((item) => pythonLiteral(item, real)).join(', ')}]`;
  if (typeof value === 'bigint') return real ? `${value}.0` : value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `float('${value}')`;
    const text = String(value);
    return /[.eE]/.test(text) ? text : `${text}.0`;
  }
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return JSON.stringify(value);
}

function pythonHarness(input: HarnessInput): string {
  const args = `[${input.args.map((arg, index) => pythonLiteral(arg, input.reals[index] ?? false)).join(', ')}]`;
  const bind =
    input.parameters.length > 0
      ? `    (${input.parameters.join(', ')},) = __nsgen_copy.deepcopy(__nsgen_args)\n`
      : '';
  const clauses = (texts: string[]): string =>
    `[${texts.map((text) => `__nsgen_clause(lambda: (${text}))`).join(', ')}]`;
  return `import json as __nsgen_json, copy as __nsgen_copy, sys as __nsgen_sys
try:
    import icontract as __nsgen_icontract  # noqa: F401
except ImportError:
    import types as __nsgen_types
    __nsgen_shim = __nsgen_types.ModuleType('icontract')
    __nsgen_shim.require = lambda *a, **k: (lambda f: f)
    __nsgen_shim.ensure = lambda *a, **k: (lambda f: f)
    __nsgen_sys.modules['icontract'] = __nsgen_shim

${input.code}


def __nsgen_clause(condition):
    try:
        return bool(condition())
    except Exception:
        return False


def __nsgen_replay():
    __nsgen_args = ${args}
${bind}    __nsgen_pre = ${clauses(input.pre)}
    try:
        result = ${input.entryPoint}(*__nsgen_copy.deepcopy(__nsgen_args))
    except BaseException as error:
        print('\\n${OUTCOME_MARKER}' + __nsgen_json.dumps({'pre': __nsgen_pre, 'raised': type(error).__name__ + ': ' + str(error)}))
        return
    __nsgen_post = ${clauses(input.post)}
    print('\\n${OUTCOME_MARKER}' + __nsgen_json.dumps({'pre': __nsgen_pre, 'post': __nsgen_post, 'result': result}, default=repr))


__nsgen_replay()
`;
}

function scriptHarness(input: HarnessInput): string {
  const json = JSON.stringify(
    input.args.map((arg) => (Array.isArray(arg) ? arg.map(jsValue) : jsValue(arg))),
  );
  const bind =
    input.parameters.length > 0
      ? `  const [${input.parameters.join(', ')}] = structuredClone(__nsgenArgs);\n`
      : '';
  const clauses = (texts: string[]): string =>
    `[${texts.map((text) => `__nsgenClause(() => (${text}))`).join(', ')}]`;
  const any = input.language === 'typescript' ? ': any' : '';
  return `${input.code}
;(() => {
  const __nsgenArgs${any} = JSON.parse(${JSON.stringify(json)});
  const __nsgenClause = (condition${input.language === 'typescript' ? ': () => unknown' : ''}) => {
    try {
      return Boolean(condition());
    } catch {
      return false;
    }
  };
${bind}  const __nsgenPre = ${clauses(input.pre)};
  let result${any};
  try {
    result = (${input.entryPoint}${input.language === 'typescript' ? ' as any' : ''})(...structuredClone(__nsgenArgs));
  } catch (error) {
    const raised = error instanceof Error ? error.name + ': ' + error.message : String(error);
    console.log('\\n${OUTCOME_MARKER}' + JSON.stringify({ pre: __nsgenPre, raised }));
    return;
  }
  const __nsgenPost = ${clauses(input.post)};
  console.log('\\n${OUTCOME_MARKER}' + JSON.stringify({ pre: __nsgenPre, post: __nsgenPost, result: result === undefined ? null : result }));
})();
`;
}

function jsValue(value: ModelScalar): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Finds the outcome line in a replay's stdout. */
export function readOutcome(stdout: string): ReplayOutcome | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(OUTCOME_MARKER));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(OUTCOME_MARKER.length)) as ReplayOutcome;
  } catch {
    return undefined;
  }
}
