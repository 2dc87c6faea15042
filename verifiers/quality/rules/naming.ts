/**
 * `naming-convention`: names that break the language's conventions.
 *
 * - Python (PEP 8): functions and methods snake_case; classes PascalCase; variables and
 *   parameters snake_case or UPPER_CASE; module-level names may also be PascalCase (type
 *   aliases).
 * - TypeScript/JavaScript: functions (and variables holding one) camelCase or PascalCase;
 *   classes, interfaces, type aliases and enums PascalCase; other variables and parameters
 *   camelCase, PascalCase or UPPER_CASE.
 *
 * Leading underscores (and `$` in JavaScript) are allowed everywhere. Imported names are
 * someone else's choice, and so are names the task dictates (its entry point and
 * signature): neither is reported.
 */
import type { Diagnostic } from '../../../src/core/index.js';
import type { Binding } from '../name-table.js';
import { finding, type RuleContext } from '../rule-context.js';

const SNAKE = /^_*[a-z][a-z0-9_]*$/;
const UPPER = /^[_$]*[A-Z][A-Z0-9_]*$/;
const PASCAL = /^[_$]*[A-Z][a-zA-Z0-9]*$/;
const CAMEL = /^[_$]*[a-z][a-zA-Z0-9]*$/;

interface Convention {
  label: string;
  patterns: RegExp[];
}

const PYTHON_FUNCTION: Convention = { label: 'snake_case', patterns: [SNAKE] };
const CLASS: Convention = { label: 'PascalCase', patterns: [PASCAL] };
const PYTHON_LOCAL: Convention = { label: 'snake_case or UPPER_CASE', patterns: [SNAKE, UPPER] };
const PYTHON_MODULE: Convention = {
  label: 'snake_case, UPPER_CASE or PascalCase',
  patterns: [SNAKE, UPPER, PASCAL],
};
const ECMASCRIPT_FUNCTION: Convention = { label: 'camelCase or PascalCase', patterns: [CAMEL, PASCAL] };
const ECMASCRIPT_VARIABLE: Convention = {
  label: 'camelCase, PascalCase or UPPER_CASE',
  patterns: [CAMEL, PASCAL, UPPER],
};

function conventionFor(binding: Binding, python: boolean): Convention | undefined {
  if (binding.kind === 'import') return undefined;
  if (binding.kind === 'class' || binding.kind === 'type') return CLASS;
  if (python) {
    if (binding.kind === 'function') return PYTHON_FUNCTION;
    return binding.scopeKind === 'function' ? PYTHON_LOCAL : PYTHON_MODULE;
  }
  if (binding.kind === 'function' || binding.holdsFunction) return ECMASCRIPT_FUNCTION;
  return ECMASCRIPT_VARIABLE;
}

export function checkNaming(context: RuleContext): Diagnostic[] {
  const python = context.language === 'python';
  const diagnostics: Diagnostic[] = [];
  for (const binding of context.names.bindings) {
    if (/^[_$]+$/.test(binding.name) || context.dictatedNames.has(binding.name)) continue;
    const convention = conventionFor(binding, python);
    if (!convention || convention.patterns.some((pattern) => pattern.test(binding.name))) continue;
    diagnostics.push(
      finding({
        rule: 'naming-convention',
        severity: 'info',
        message: `${binding.kind.replace('-', ' ')} "${binding.name}" should be ${convention.label}`,
        at: binding.node,
      }),
    );
  }
  return diagnostics;
}
