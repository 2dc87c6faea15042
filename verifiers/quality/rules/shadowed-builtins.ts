/**
 * `shadowed-builtin`: a local binding that hides a builtin (`list = [...]`, `def f(str)`,
 * `const Map = ...`). Later code in the scope that means the builtin silently gets the
 * variable. Class members (methods, attributes) do not shadow anything and are not
 * reported; neither are names the task dictates.
 */
import type { Diagnostic, Language } from '../../../src/core/index.js';
import { finding, type RuleContext } from '../rule-context.js';

/** Python builtins a program is likely to call, and so to be hurt by hiding. */
export const PYTHON_BUILTINS: ReadonlySet<string> = words(
  'abs all any ascii bin bool bytearray bytes callable chr classmethod compile complex',
  'delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals',
  'hasattr hash hex id input int isinstance issubclass iter len list locals map max min next',
  'object oct open ord pow print property range repr reversed round set setattr slice sorted',
  'staticmethod str sum super tuple type vars zip',
);

/**
 * JavaScript globals whose hiding breaks code. Deliberately not `name`, `length`,
 * `status` and other words that are globals only in browsers.
 */
export const ECMASCRIPT_GLOBALS: ReadonlySet<string> = words(
  'Array ArrayBuffer BigInt Boolean Date Error Function Infinity Intl JSON Map Math NaN',
  'Number Object Promise Proxy RangeError Reflect RegExp Set String Symbol TypeError WeakMap',
  'WeakSet console eval globalThis isFinite isNaN parseFloat parseInt process require',
  'undefined',
);

/** A set from space-separated words, lines joined. */
function words(...lines: string[]): ReadonlySet<string> {
  return new Set(lines.join(' ').split(' '));
}

export function builtinsOf(language: Language): ReadonlySet<string> {
  return language === 'python' ? PYTHON_BUILTINS : ECMASCRIPT_GLOBALS;
}

export function checkShadowedBuiltins(context: RuleContext): Diagnostic[] {
  const builtins = builtinsOf(context.language);
  return context.names.bindings
    .filter(
      (binding) =>
        binding.scopeKind !== 'class' &&
        builtins.has(binding.name) &&
        !context.dictatedNames.has(binding.name),
    )
    .map((binding) =>
      finding({
        rule: 'shadowed-builtin',
        severity: 'warning',
        message: `${binding.kind.replace('-', ' ')} "${binding.name}" shadows the builtin of the same name`,
        at: binding.node,
      }),
    );
}
