/** Browser and object-model hazards in JavaScript/TypeScript: HTML sinks, prototype pollution, XML entities. */
import type { Node } from '../../../src/ast/index.js';
import { callRule } from '../rule-builders.js';
import {
  enclosingFunction,
  isConstant,
  namedChildren,
  objectProperty,
  positionalArguments,
  stringValue,
} from '../syntax.js';
import type { SecurityRule } from '../types.js';

/** Loops that walk an object's keys: `for (k in o)`, `Object.keys(o).forEach(k => ...)`, `for (const k of Object.keys(o))`. */
function keyLoopVariable(node: Node): string | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'for_in_statement') {
      const left = current.childForFieldName('left');
      const right = current.childForFieldName('right');
      const operator = current.children.find((child) => child?.type === 'in' || child?.type === 'of')?.type;
      if (left && (operator === 'in' || /Object\.(keys|entries)/.test(right?.text ?? ''))) {
        const name =
          left.type === 'identifier'
            ? left.text
            : namedChildren(left).find((child) => child.type === 'identifier')?.text;
        if (name) return name;
      }
    }
    if (current.type === 'arrow_function' || current.type === 'function_expression') {
      const call = current.parent?.parent;
      if (
        call?.type === 'call_expression' &&
        /Object\.(keys|entries)\(.*\)\.(forEach|map|reduce)/s.test(
          call.childForFieldName('function')?.text ?? '',
        )
      ) {
        const parameters = current.childForFieldName('parameters') ?? current.childForFieldName('parameter');
        const first =
          parameters?.type === 'identifier'
            ? parameters
            : parameters
              ? namedChildren(parameters)[0]
              : undefined;
        const name =
          first?.type === 'identifier' ? first.text : first ? namedChildren(first)[0]?.text : undefined;
        if (name) return name;
      }
    }
  }
  return undefined;
}

const HTML_SINKS = new Set(['innerHTML', 'outerHTML', 'write', 'writeln', 'insertAdjacentHTML', '__html']);
const POLLUTION_GUARD =
  /__proto__|constructor|prototype|hasOwnProperty|Object\.hasOwn|Object\.create\(null\)|new Map/;

export const WEB_RULES: SecurityRule[] = [
  {
    id: 'js-xss-sink',
    cwe: 'CWE-79',
    severity: 'medium',
    language: 'script',
    message: 'HTML built from a value is written into the page (cross-site scripting)',
    fix: 'Set textContent instead, or sanitise with DOMPurify before inserting HTML.',
    query: `[
      (assignment_expression left: (member_expression property: (property_identifier) @property) right: (_) @value) @finding
      (call_expression function: (member_expression property: (property_identifier) @method) arguments: (arguments) @args) @finding
      (pair key: (property_identifier) @key value: (_) @value) @finding
    ]`,
    check: ({ captures }) => {
      // Names are checked here: predicates inside an alternation apply to all its branches.
      const sink = (captures.property ?? captures.method ?? captures.key)?.text ?? '';
      if (!HTML_SINKS.has(sink)) return false;
      if (captures.value)
        return isConstant(captures.value)
          ? false
          : { detail: sink === '__html' ? 'dangerouslySetInnerHTML' : sink };
      const args = positionalArguments(captures.args);
      const html = sink === 'insertAdjacentHTML' ? args[1] : args[0];
      const onDocument = /document\.(write|writeln)$/.test(
        captures.finding?.childForFieldName('function')?.text ?? '',
      );
      if (sink !== 'insertAdjacentHTML' && !onDocument) return false;
      return html && !isConstant(html) ? { detail: sink } : false;
    },
  },
  {
    id: 'js-prototype-pollution',
    cwe: 'CWE-1321',
    severity: 'high',
    language: 'script',
    message: 'keys copied from an input object can be "__proto__" and pollute Object.prototype',
    fix: "Skip '__proto__', 'constructor' and 'prototype' keys (or check Object.hasOwn), or merge into Object.create(null) / a Map.",
    query: '(assignment_expression left: (subscript_expression index: (_) @key) @target) @finding',
    check: ({ captures, node }) => {
      const key = captures.key;
      if (key?.type !== 'identifier') return false;
      if (keyLoopVariable(node) !== key.text) return false;
      const scope = enclosingFunction(node) ?? node.tree.rootNode;
      return POLLUTION_GUARD.test(scope.text)
        ? false
        : { detail: `${captures.target?.text ?? 'object'} = ...` };
    },
  },
  {
    id: 'js-proto-access',
    cwe: 'CWE-1321',
    severity: 'medium',
    language: 'script',
    message: '__proto__ is read or written directly, which changes the prototype chain',
    fix: 'Use Object.getPrototypeOf/Object.setPrototypeOf, or Object.create(null) for dictionaries.',
    query: `[
      (member_expression property: (property_identifier) @name (#eq? @name "__proto__")) @finding
      (subscript_expression index: (string) @index) @finding
    ]`,
    check: ({ captures }) => {
      return captures.name !== undefined || stringValue(captures.index) === '__proto__';
    },
  },
  callRule({
    id: 'js-xxe',
    cwe: 'CWE-611',
    severity: 'high',
    language: 'script',
    message: 'the XML parser is told to expand external entities (XXE)',
    fix: 'Remove noent: true; parse untrusted XML with entity expansion disabled.',
    calls: (name) => /^libxmljs2?\.(parseXml|parseXmlString|parseXmlAsync)$/.test(name),
    check: ({ args }) => {
      for (const arg of positionalArguments(args)) {
        if (objectProperty(arg, 'noent')?.text === 'true') return true;
      }
      return false;
    },
  }),
];
