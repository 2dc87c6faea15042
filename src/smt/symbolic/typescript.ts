/**
 * Symbolic execution of a TypeScript subset, from tree-sitter-typescript nodes. Numbers
 * are integers where the signature says `int` (and integer literals), reals otherwise;
 * `%` truncates like JavaScript; an out-of-range index (which JavaScript answers with
 * `undefined`) is a safety violation. Anything else raises {@link UnsupportedConstruct}.
 */
import type { Node } from 'web-tree-sitter';
import {
  and,
  app,
  FALSE,
  implies,
  intLiteral,
  not,
  or,
  realLiteral,
  stringLiteral,
  type Term,
  TRUE,
} from '../terms.js';
import type { LanguageExecutor } from './executor.js';
import { type Frame, isNumeric, type Machine } from './machine.js';
import {
  excerpt,
  type ListValue,
  NONE,
  type ScalarValue,
  scalar,
  UnsupportedConstruct,
  type Value,
} from './values.js';

const at = (node: Node): string => `line ${node.startPosition.row + 1}`;

/** Wrappers that change types, not values. */
const TRANSPARENT = new Set([
  'parenthesized_expression',
  'non_null_expression',
  'as_expression',
  'satisfies_expression',
  'type_assertion',
]);

/** A block's `let`/`const` bindings: on exit each name gets back what it held outside. */
interface BlockScope {
  frame: Frame;
  saved: Map<string, { value: Value | undefined; definedWhen: Term | undefined }>;
}

export class TypeScriptExecutor implements LanguageExecutor {
  readonly functions = new Map<string, Node>();
  readonly #machine: Machine;
  readonly #scopes: BlockScope[] = [];
  /** Per callback frame: outer names it sees but may not assign (the assignment would be lost). */
  readonly #captured = new WeakMap<Frame, Set<string>>();

  readonly #program: Node;

  constructor(options: { machine: Machine; program: Node }) {
    this.#machine = options.machine;
    this.#program = options.program;
    for (const child of options.program.namedChildren) {
      const declaration = child?.type === 'export_statement' ? child.childForFieldName('declaration') : child;
      if (!declaration) continue;
      if (declaration.type === 'function_declaration') {
        const name = declaration.childForFieldName('name')?.text;
        if (name) this.functions.set(name, declaration);
      } else if (declaration.type === 'lexical_declaration' || declaration.type === 'variable_declaration') {
        for (const declarator of declaration.namedChildren) {
          const value = declarator?.childForFieldName('value');
          const name = declarator?.childForFieldName('name');
          if (
            name?.type === 'identifier' &&
            (value?.type === 'arrow_function' || value?.type === 'function_expression')
          ) {
            this.functions.set(name.text, value);
          }
        }
      }
    }
  }

  initialiseModule(): void {
    const m = this.#machine;
    m.pushFrame('<module>', new Map());
    try {
      for (const child of this.#program.namedChildren) {
        const declaration =
          child?.type === 'export_statement' ? child.childForFieldName('declaration') : child;
        if (
          declaration?.type !== 'lexical_declaration' ||
          declaration.childForFieldName('kind')?.text !== 'const'
        )
          continue;
        for (const declarator of declaration.namedChildren) {
          const name = declarator?.childForFieldName('name');
          const value = declarator?.childForFieldName('value');
          if (name?.type !== 'identifier' || !value || this.functions.has(name.text)) continue;
          try {
            m.globals.set(name.text, this.evaluate(value));
          } catch (error) {
            if (!(error instanceof UnsupportedConstruct)) throw error;
            m.globals.delete(name.text);
          }
        }
      }
    } finally {
      m.popFrame();
    }
  }

  parameters(definition: Node): { name: string; type: string | undefined }[] {
    const single = definition.childForFieldName('parameter');
    if (single) return [{ name: single.text, type: undefined }];
    const list = definition.childForFieldName('parameters');
    return (list?.namedChildren ?? [])
      .filter((parameter): parameter is Node => parameter !== null && parameter.type !== 'comment')
      .map((parameter) => {
        if (parameter.type !== 'required_parameter' && parameter.type !== 'optional_parameter') {
          throw new UnsupportedConstruct('parameter', parameter, excerpt(parameter));
        }
        const pattern = parameter.childForFieldName('pattern');
        if (pattern?.type !== 'identifier')
          throw new UnsupportedConstruct('parameter pattern', parameter, excerpt(parameter));
        const type = parameter.childForFieldName('type')?.text.replace(/^:\s*/, '');
        return { name: pattern.text, type };
      });
  }

  invoke(name: string, args: Value[], node: Node, options: { entry?: boolean } = {}): Value {
    const m = this.#machine;
    const definition = this.functions.get(name);
    if (!definition) throw new UnsupportedConstruct('call', node, `no function "${name}"`);
    if (m.frames.some((frame) => frame.name === name))
      throw new UnsupportedConstruct('recursion', node, name);
    return this.#run(name, definition, args, node, { closure: undefined, entry: options.entry ?? false });
  }

  /** Runs a function or arrow function body in a new frame (closures see `closure`). */
  #run(
    name: string,
    definition: Node,
    args: Value[],
    node: Node,
    options: { closure: Map<string, Value> | undefined; entry: boolean },
  ): Value {
    const m = this.#machine;
    const parameters = this.parameters(definition);
    const env = new Map(options.closure ?? []);
    const list = definition.childForFieldName('parameters');
    const parameterNodes = (list?.namedChildren ?? []).filter((child): child is Node => child !== null);
    parameters.forEach((parameter, position) => {
      const given = args[position];
      if (given) env.set(parameter.name, given);
      else {
        const fallback = parameterNodes[position]?.childForFieldName('value');
        if (!fallback)
          throw new UnsupportedConstruct('call', node, `missing argument "${parameter.name}" of ${name}`);
        env.set(parameter.name, this.evaluate(fallback));
      }
    });
    const callerActive = m.frames.length > 0 ? m.active() : TRUE;
    return m.withPath(callerActive, () => {
      const frame = m.pushFrame(
        name,
        env,
        options.entry ? [] : parameters.map((parameter) => parameter.name),
      );
      if (options.closure) {
        const captured = new Set(options.closure.keys());
        for (const parameter of parameters) captured.delete(parameter.name);
        this.#captured.set(frame, captured);
      }
      try {
        const body = definition.childForFieldName('body')!;
        if (body.type !== 'statement_block') return this.evaluate(body);
        this.#block(body);
        m.require(FALSE, `${name} falls off its end without returning (${at(definition)})`);
        return frame.result ?? NONE;
      } finally {
        m.popFrame();
      }
    });
  }

  // -------------------------------------------------------------------------------------
  // Statements

  #block(block: Node): void {
    for (const statement of block.namedChildren) if (statement) this.#statement(statement);
  }

  #statement(node: Node): void {
    const m = this.#machine;
    switch (node.type) {
      case 'comment':
      case 'empty_statement':
        return;
      case 'statement_block':
        this.#scoped(() => this.#block(node));
        return;
      case 'lexical_declaration':
      case 'variable_declaration':
        for (const declarator of node.namedChildren) {
          if (declarator?.type !== 'variable_declarator') continue;
          const name = declarator.childForFieldName('name')!;
          const value = declarator.childForFieldName('value');
          if (node.type === 'lexical_declaration') this.#declare(name);
          if (name.type !== 'identifier') {
            if (name.type === 'array_pattern' && value) {
              this.#assignTo(name, this.evaluate(value));
              continue;
            }
            throw new UnsupportedConstruct('destructuring', name, excerpt(name));
          }
          if (value) this.#assignTo(name, this.evaluate(value));
        }
        return;
      case 'expression_statement':
        this.#effect(node.namedChildren[0]!);
        return;
      case 'return_statement': {
        const value = node.namedChildren[0];
        m.doReturn(value ? this.evaluate(value) : NONE);
        return;
      }
      case 'if_statement': {
        const condition = this.truthy(this.evaluate(node.childForFieldName('condition')!), node);
        m.withPath(condition, () => this.#statement(node.childForFieldName('consequence')!));
        const alternative = node.childForFieldName('alternative');
        if (alternative) m.withPath(not(condition), () => this.#statement(alternative.namedChildren[0]!));
        return;
      }
      case 'while_statement': {
        const condition = node.childForFieldName('condition')!;
        m.whileLoop(
          () => this.truthy(this.evaluate(condition), condition),
          () => this.#statement(node.childForFieldName('body')!),
        );
        return;
      }
      case 'for_statement':
        this.#scoped(() => this.#forStatement(node));
        return;
      case 'for_in_statement':
        this.#scoped(() => this.#forOf(node));
        return;
      case 'break_statement':
        if (node.namedChildren.length > 0) throw new UnsupportedConstruct('labelled break', node);
        m.doBreak(node);
        return;
      case 'continue_statement':
        if (node.namedChildren.length > 0) throw new UnsupportedConstruct('labelled continue', node);
        m.doContinue(node);
        return;
      case 'throw_statement':
        m.require(FALSE, `throw (${at(node)})`);
        return;
      default:
        throw new UnsupportedConstruct(`statement ${node.type}`, node);
    }
  }

  #forStatement(node: Node): void {
    const m = this.#machine;
    const initializer = node.childForFieldName('initializer');
    if (initializer && initializer.type !== ';') {
      if (initializer.type === 'lexical_declaration' || initializer.type === 'variable_declaration') {
        this.#statement(initializer);
      } else
        this.#effect(
          initializer.type === 'expression_statement' ? initializer.namedChildren[0]! : initializer,
        );
    }
    const condition = node.childForFieldName('condition');
    const test = condition?.type === 'expression_statement' ? condition.namedChildren[0] : condition;
    const increment = node.childForFieldName('increment');
    m.whileLoop(
      () => (test && test.type !== ';' ? this.truthy(this.evaluate(test), test) : TRUE),
      () => this.#statement(node.childForFieldName('body')!),
      increment ? () => this.#effect(increment) : undefined,
    );
  }

  #forOf(node: Node): void {
    const m = this.#machine;
    const operator = node.childForFieldName('operator')?.text;
    if (operator !== 'of') throw new UnsupportedConstruct('for...in', node);
    const left = node.childForFieldName('left')!;
    if (node.childForFieldName('kind')) this.#declare(left);
    const iterable = this.evaluate(node.childForFieldName('right')!);
    m.loop(
      m.iterate(iterable, node),
      (element) => this.#assignTo(left, element),
      () => this.#statement(node.childForFieldName('body')!),
    );
  }

  /** Runs a block whose `let`/`const` names disappear (and uncover outer ones) at its end. */
  #scoped(run: () => void): void {
    const m = this.#machine;
    const scope: BlockScope = { frame: m.frame, saved: new Map() };
    this.#scopes.push(scope);
    try {
      run();
    } finally {
      this.#scopes.pop();
      for (const [name, outer] of scope.saved) {
        if (outer.value === undefined) scope.frame.env.delete(name);
        else scope.frame.env.set(name, outer.value);
        if (outer.definedWhen === undefined) scope.frame.definedWhen.delete(name);
        else scope.frame.definedWhen.set(name, outer.definedWhen);
      }
    }
  }

  /** A `let`/`const` declaration: block-scoped, and shadowing inside a callback. */
  #declare(target: Node): void {
    const m = this.#machine;
    const names =
      target.type === 'identifier'
        ? [target.text]
        : target.descendantsOfType('identifier').map((n) => n!.text);
    const scope = this.#scopes.at(-1);
    for (const name of names) {
      this.#captured.get(m.frame)?.delete(name);
      if (scope?.frame === m.frame && !scope.saved.has(name)) {
        scope.saved.set(name, { value: m.frame.env.get(name), definedWhen: m.frame.definedWhen.get(name) });
        // A fresh binding: the outer one's value must not leak in through a guarded merge.
        m.frame.env.delete(name);
        m.frame.definedWhen.delete(name);
      }
    }
  }

  /** An expression evaluated for its effect (assignment, update, call). */
  #effect(node: Node): void {
    const m = this.#machine;
    const inner = unwrap(node);
    switch (inner.type) {
      case 'assignment_expression':
        this.#assignTo(inner.childForFieldName('left')!, this.evaluate(inner.childForFieldName('right')!));
        return;
      case 'augmented_assignment_expression': {
        const left = inner.childForFieldName('left')!;
        const operator = inner.childForFieldName('operator')!.text.slice(0, -1);
        const value = this.#binary(
          operator,
          this.evaluate(left),
          this.evaluate(inner.childForFieldName('right')!),
          inner,
        );
        this.#assignTo(left, value);
        return;
      }
      case 'update_expression': {
        const target = inner.childForFieldName('argument')!;
        const operator = inner.childForFieldName('operator')!.text;
        this.#assignTo(
          target,
          m.arith(operator === '++' ? '+' : '-', this.evaluate(target), scalar('int', '1'), inner),
        );
        return;
      }
      case 'sequence_expression':
        for (const child of inner.namedChildren) if (child) this.#effect(child);
        return;
      case 'call_expression':
        this.evaluate(inner);
        return;
      default:
        throw new UnsupportedConstruct(`expression statement ${inner.type}`, inner);
    }
  }

  #assignTo(target: Node, value: Value): void {
    const m = this.#machine;
    const inner = unwrap(target);
    if (inner.type === 'identifier') {
      if (this.#captured.get(m.frame)?.has(inner.text)) {
        throw new UnsupportedConstruct('assignment to an outer variable from a callback', inner, inner.text);
      }
      if (value.kind === 'list' && m.frame.env.get(inner.text) !== value) {
        const source = [...m.frame.env].find(([, held]) => held === value);
        if (source) {
          m.frame.shared.add(source[0]);
          m.frame.shared.add(inner.text);
        }
      }
      m.assign(inner.text, value);
      return;
    }
    if (inner.type === 'array_pattern') {
      const targets = inner.namedChildren.filter((child): child is Node => child !== null);
      if (value.kind !== 'tuple' || value.items.length < targets.length) {
        throw new UnsupportedConstruct('destructuring', inner, `of a ${value.kind}`);
      }
      targets.forEach((child, index) => {
        this.#assignTo(child, (value as { items: Value[] }).items[index]!);
      });
      return;
    }
    if (inner.type === 'subscript_expression') {
      const holder = unwrap(inner.childForFieldName('object')!);
      if (holder.type !== 'identifier')
        throw new UnsupportedConstruct('assignment target', inner, excerpt(inner));
      const list = m.mutableList(holder, 'array');
      const index = this.evaluate(inner.childForFieldName('index')!);
      if (index.kind !== 'int')
        throw new UnsupportedConstruct('index assignment', inner, `index ${index.kind}`);
      const position = m.normaliseIndex(
        index.term,
        list.len,
        false,
        `index out of range: ${excerpt(inner)} (${at(inner)})`,
      );
      m.assign(holder.text, m.store(list, position, value, inner));
      return;
    }
    throw new UnsupportedConstruct('assignment target', inner, excerpt(inner));
  }

  // -------------------------------------------------------------------------------------
  // Expressions

  evaluate(node: Node): Value {
    const m = this.#machine;
    if (TRANSPARENT.has(node.type)) return this.evaluate(node.namedChildren[0]!);
    switch (node.type) {
      case 'identifier':
        if (node.text === 'undefined') return NONE;
        return m.lookup(node.text, node);
      case 'number': {
        const text = node.text.replace(/_/g, '');
        if (/^\d+$/.test(text)) return scalar('int', intLiteral(BigInt(text)));
        const value = Number(text);
        if (!Number.isFinite(value)) throw new UnsupportedConstruct('number literal', node, text);
        return Number.isInteger(value) && !/[.eE]/.test(text)
          ? scalar('int', intLiteral(value))
          : scalar('real', realLiteral(value));
      }
      case 'true':
        return scalar('bool', TRUE);
      case 'false':
        return scalar('bool', FALSE);
      case 'null':
      case 'undefined':
        return NONE;
      case 'string':
        return scalar('str', stringLiteral(typescriptString(node)));
      case 'template_string': {
        if (node.namedChildren.some((child) => child?.type === 'template_substitution')) {
          throw new UnsupportedConstruct('template literal with substitutions', node);
        }
        return scalar('str', stringLiteral(node.text.slice(1, -1)));
      }
      case 'array':
        return this.#array(node);
      case 'unary_expression': {
        const operator = node.childForFieldName('operator')!.text;
        const value = this.evaluate(node.childForFieldName('argument')!);
        if (operator === '!') return scalar('bool', not(this.truthy(value, node)));
        if (operator === '-') return m.negate(value, node);
        if (operator === '+' && isNumeric(value)) return value;
        throw new UnsupportedConstruct(`unary ${operator}`, node);
      }
      case 'binary_expression':
        return this.#binaryExpression(node);
      case 'ternary_expression': {
        const test = this.truthy(this.evaluate(node.childForFieldName('condition')!), node);
        const a = m.withPath(test, () => this.evaluate(node.childForFieldName('consequence')!));
        const b = m.withPath(not(test), () => this.evaluate(node.childForFieldName('alternative')!));
        return m.merge(test, a, b);
      }
      case 'subscript_expression': {
        const container = this.evaluate(node.childForFieldName('object')!);
        return m.index(container, this.evaluate(node.childForFieldName('index')!), node, {
          negativeFromEnd: false,
          violates: `index out of range (undefined): ${excerpt(node)} (${at(node)})`,
        });
      }
      case 'member_expression': {
        const property = node.childForFieldName('property')!.text;
        const object = this.evaluate(node.childForFieldName('object')!);
        if (property === 'length') return scalar('int', m.length(object, node));
        throw new UnsupportedConstruct(`property .${property}`, node);
      }
      case 'call_expression':
        return this.#call(node);
      default:
        throw new UnsupportedConstruct(`expression ${node.type}`, node, excerpt(node));
    }
  }

  truthy(value: Value, node: Node): Term {
    switch (value.kind) {
      case 'bool':
        return value.term;
      case 'int':
        return not(app('=', value.term, '0'));
      case 'real':
        return not(app('=', value.term, '0.0'));
      case 'str':
        return app('>', app('str.len', value.term), '0');
      case 'list':
      case 'tuple':
        return TRUE; // arrays are objects: always truthy
      case 'none':
        return FALSE;
      case 'range':
        throw new UnsupportedConstruct('truthiness', node, 'of a range');
    }
  }

  #array(node: Node): Value {
    const m = this.#machine;
    let list = m.emptyList(undefined);
    let literal = true;
    for (const element of node.namedChildren) {
      if (!element) continue;
      if (element.type === 'spread_element') {
        const spread = this.evaluate(element.namedChildren[0]!);
        if (spread.kind !== 'list') throw new UnsupportedConstruct('spread', element, `of a ${spread.kind}`);
        list = m.concatLists(list, spread, element);
        literal = false;
      } else list = m.append(list, this.evaluate(element), element);
    }
    return literal ? { ...list, len: `${list.items.length}` } : list;
  }

  #binaryExpression(node: Node): Value {
    const m = this.#machine;
    const operator = node.childForFieldName('operator')!.text;
    const leftNode = node.childForFieldName('left')!;
    const rightNode = node.childForFieldName('right')!;
    if (operator === '&&' || operator === '||' || operator === '??') {
      const left = this.evaluate(leftNode);
      const test = operator === '??' ? (left.kind === 'none' ? FALSE : TRUE) : this.truthy(left, node);
      const right = m.withPath(operator === '&&' ? test : not(test), () => this.evaluate(rightNode));
      if (left.kind === 'bool' && right.kind === 'bool' && operator !== '??') {
        return scalar('bool', operator === '&&' ? and(left.term, right.term) : or(left.term, right.term));
      }
      return operator === '&&' ? m.merge(test, right, left) : m.merge(test, left, right);
    }
    const left = this.evaluate(leftNode);
    const right = this.evaluate(rightNode);
    switch (operator) {
      case '===':
      case '==':
        return scalar('bool', m.equals(left, right, node));
      case '!==':
      case '!=':
        return scalar('bool', not(m.equals(left, right, node)));
      case '<':
      case '<=':
      case '>':
      case '>=':
        return scalar('bool', m.compare(operator, left, right, node));
      default:
        return this.#binary(operator, left, right, node);
    }
  }

  #binary(operator: string, left: Value, right: Value, node: Node): Value {
    const m = this.#machine;
    switch (operator) {
      case '+':
        if ((left.kind === 'str') !== (right.kind === 'str')) {
          throw new UnsupportedConstruct(
            'string concatenation',
            node,
            `with a ${left.kind === 'str' ? right.kind : left.kind}`,
          );
        }
        if (left.kind === 'list' || right.kind === 'list')
          throw new UnsupportedConstruct('operator +', node, 'on arrays');
        return m.arith('+', left, right, node);
      case '-':
      case '*':
        return m.arith(operator, left, right, node);
      case '/':
        return m.trueDivide(left, right, node, `division by zero: ${excerpt(node)} (${at(node)})`);
      case '%': {
        if (left.kind !== 'int' || right.kind !== 'int') {
          throw new UnsupportedConstruct('operator %', node, `on ${left.kind} and ${right.kind}`);
        }
        m.require(not(app('=', right.term, '0')), `remainder by zero is NaN: ${excerpt(node)} (${at(node)})`);
        return scalar('int', m.intDivMod(left.term, right.term, 'truncate').remainder);
      }
      case '**': {
        const exponent = right.kind === 'int' && /^\d+$/.test(right.term) ? Number(right.term) : undefined;
        if (exponent === undefined || exponent > 8 || !isNumeric(left)) {
          throw new UnsupportedConstruct('operator **', node, 'only a literal exponent 0..8');
        }
        let product: Value = scalar(left.kind, left.kind === 'int' ? '1' : '1.0');
        for (let index = 0; index < exponent; index++) product = m.arith('*', product, left, node);
        return product;
      }
      default:
        throw new UnsupportedConstruct(`operator ${operator}`, node);
    }
  }

  #call(node: Node): Value {
    const m = this.#machine;
    const callee = unwrap(node.childForFieldName('function')!);
    const argumentNodes = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (child): child is Node => child !== null && child.type !== 'comment',
    );
    if (callee.type === 'identifier') {
      if (this.functions.has(callee.text) && !m.frame.env.has(callee.text)) {
        return this.invoke(
          callee.text,
          argumentNodes.map((argument) => this.evaluate(argument)),
          node,
        );
      }
      throw new UnsupportedConstruct(`call of ${callee.text}`, node);
    }
    if (callee.type !== 'member_expression') throw new UnsupportedConstruct('call', node, excerpt(node));
    const objectNode = unwrap(callee.childForFieldName('object')!);
    const method = callee.childForFieldName('property')!.text;
    if (objectNode.type === 'identifier' && objectNode.text === 'Math' && !m.frame.env.has('Math')) {
      return this.#math(method, argumentNodes, node);
    }
    if ((method === 'push' || method === 'pop') && objectNode.type === 'identifier') {
      const list = m.mutableList(objectNode, 'array');
      if (method === 'push') {
        let grown = list;
        for (const argument of argumentNodes) grown = m.append(grown, this.evaluate(argument), argument);
        m.assign(objectNode.text, grown);
        return scalar('int', grown.len);
      }
      m.require(app('>', list.len, '0'), `pop from an empty array returns undefined (${at(node)})`);
      const last = m.select(list, m.builder.share('Int', app('-', list.len, '1')));
      m.assign(objectNode.text, { ...list, len: m.builder.share('Int', app('-', list.len, '1')) });
      return last;
    }
    if (method === 'sort') {
      const receiver = this.evaluate(objectNode);
      const sorted = m.sortList(receiver, node, {
        descending: this.#sortOrder(receiver, argumentNodes[0], node),
      });
      if (objectNode.type === 'identifier') {
        m.mutableList(objectNode, 'array');
        m.assign(objectNode.text, sorted);
      }
      return sorted;
    }
    if (method === 'reverse') {
      const receiver = this.evaluate(objectNode);
      const reversed = m.reversed(receiver, node);
      if (objectNode.type === 'identifier') {
        m.mutableList(objectNode, 'array');
        m.assign(objectNode.text, reversed);
      }
      return reversed;
    }
    const receiver = this.evaluate(objectNode);
    if (receiver.kind === 'list') return this.#arrayMethod(receiver, method, argumentNodes, node);
    if (receiver.kind === 'str') return this.#stringMethod(receiver, method, argumentNodes, node);
    throw new UnsupportedConstruct(`method .${method}()`, node, `on a ${receiver.kind}`);
  }

  /**
   * The order a `.sort()` comparator states: `(a, b) => a - b` ascending, `(a, b) => b - a`
   * descending; no comparator sorts strings ascending (numbers would sort as text).
   */
  #sortOrder(receiver: Value, comparator: Node | undefined, node: Node): boolean {
    if (!comparator) {
      if (receiver.kind === 'list' && receiver.elem === 'str') return false;
      throw new UnsupportedConstruct('.sort()', node, 'without a comparator numbers sort as text');
    }
    const arrow = unwrap(comparator);
    const names =
      arrow.type === 'arrow_function' ? this.parameters(arrow).map((parameter) => parameter.name) : [];
    const body = arrow.childForFieldName('body');
    const expression = body?.type === 'statement_block' ? undefined : body && unwrap(body);
    if (
      names.length === 2 &&
      expression?.type === 'binary_expression' &&
      expression.childForFieldName('operator')?.text === '-'
    ) {
      const left = expression.childForFieldName('left')?.text;
      const right = expression.childForFieldName('right')?.text;
      if (left === names[0] && right === names[1]) return false;
      if (left === names[1] && right === names[0]) return true;
    }
    throw new UnsupportedConstruct(
      '.sort() comparator',
      comparator,
      'only (a, b) => a - b or (a, b) => b - a',
    );
  }

  #math(method: string, argumentNodes: Node[], node: Node): Value {
    const m = this.#machine;
    // Math.floor(a / b) and Math.trunc(a / b) on integers are integer division, not reals.
    const only = argumentNodes.length === 1 ? unwrapAll(argumentNodes[0]!) : undefined;
    if ((method === 'floor' || method === 'trunc') && only?.type === 'binary_expression') {
      if (only.childForFieldName('operator')!.text === '/') {
        const left = this.evaluate(only.childForFieldName('left')!);
        const right = this.evaluate(only.childForFieldName('right')!);
        if (left.kind === 'int' && right.kind === 'int') {
          m.require(not(app('=', right.term, '0')), `division by zero: ${excerpt(only)} (${at(only)})`);
          return scalar(
            'int',
            m.intDivMod(left.term, right.term, method === 'floor' ? 'floor' : 'truncate').quotient,
          );
        }
      }
    }
    const spread = argumentNodes.length === 1 && argumentNodes[0]!.type === 'spread_element';
    if (spread && (method === 'max' || method === 'min')) {
      const list = this.evaluate(argumentNodes[0]!.namedChildren[0]!);
      return m.fold(
        method,
        list,
        node,
        `Math.${method} of an empty array is ${method === 'max' ? '-' : ''}Infinity (${at(node)})`,
      );
    }
    const args = argumentNodes.map((argument) => this.evaluate(argument));
    const one = (): Value => {
      const value = args[0];
      if (args.length !== 1 || !value || !isNumeric(value)) {
        throw new UnsupportedConstruct(`Math.${method}()`, node, 'expects one number');
      }
      return value;
    };
    switch (method) {
      case 'abs':
        return m.abs(one(), node);
      case 'max':
      case 'min':
        return m.extreme(method, args, node);
      case 'floor':
      case 'ceil':
      case 'round':
      case 'trunc': {
        const value = one() as ScalarValue;
        if (value.kind === 'int') return value;
        const t = value.term;
        const floor = (term: Term): Term => app('to_int', term);
        if (method === 'floor') return scalar('int', m.builder.share('Int', floor(t)));
        if (method === 'ceil') return scalar('int', m.builder.share('Int', app('-', floor(app('-', t)))));
        if (method === 'round') return scalar('int', m.builder.share('Int', floor(app('+', t, '0.5'))));
        return scalar(
          'int',
          m.builder.share('Int', `(ite (>= ${t} 0.0) ${floor(t)} (- ${floor(app('-', t))}))`),
        );
      }
      case 'sign': {
        const value = one() as ScalarValue;
        const zero = value.kind === 'int' ? '0' : '0.0';
        return scalar('int', `(ite (> ${value.term} ${zero}) 1 (ite (< ${value.term} ${zero}) (- 1) 0))`);
      }
      default:
        throw new UnsupportedConstruct(`Math.${method}()`, node);
    }
  }

  #arrayMethod(list: ListValue, method: string, argumentNodes: Node[], node: Node): Value {
    const m = this.#machine;
    const args = (): Value[] => argumentNodes.map((argument) => this.evaluate(argument));
    switch (method) {
      case 'slice': {
        const [start, stop] = args().map((value) => (value.kind === 'int' ? value.term : undefined));
        return m.slice(list, start, stop, node);
      }
      case 'includes':
        return scalar('bool', m.contains(list, args()[0]!, node));
      case 'indexOf': {
        const needle = args()[0]!;
        let found: Value = scalar('int', '(- 1)');
        for (let index = list.items.length - 1; index >= 0; index--) {
          const hit = and(app('<', `${index}`, list.len), m.equals(list.items[index]!, needle, node));
          found = m.merge(hit, scalar('int', `${index}`), found);
        }
        return found;
      }
      case 'at': {
        const index = args()[0]!;
        return m.index(list, index, node, {
          negativeFromEnd: true,
          violates: `index out of range (undefined): ${excerpt(node)} (${at(node)})`,
        });
      }
      case 'concat': {
        let out = list;
        for (const value of args()) {
          if (value.kind === 'list') out = m.concatLists(out, value, node);
          else out = m.append(out, value, node);
        }
        return out;
      }
      case 'entries':
        return {
          kind: 'tuple',
          items: list.items.map((item, index) => ({
            kind: 'tuple',
            items: [scalar('int', `${index}`), item],
          })),
        };
      case 'every':
      case 'some':
      case 'map':
      case 'filter':
      case 'reduce':
        return this.#higherOrder(list, method, argumentNodes, node);
      default:
        throw new UnsupportedConstruct(`array method .${method}()`, node);
    }
  }

  /** `every`, `some`, `map`, `filter`, `reduce` with an inline arrow function. */
  #higherOrder(list: ListValue, method: string, argumentNodes: Node[], node: Node): Value {
    const m = this.#machine;
    const callback = argumentNodes[0] ? unwrap(argumentNodes[0]) : undefined;
    if (!callback || (callback.type !== 'arrow_function' && callback.type !== 'function_expression')) {
      if (callback?.type === 'identifier' && this.functions.has(callback.text)) {
        return this.#higherOrderWith(list, method, argumentNodes, node, (args, guard) =>
          m.withPath(guard, () => this.invoke(callback.text, args, node)),
        );
      }
      throw new UnsupportedConstruct(`.${method}()`, node, 'the callback must be an arrow function');
    }
    const closure = new Map(m.frame.env);
    return this.#higherOrderWith(list, method, argumentNodes, node, (args, guard) =>
      m.withPath(guard, () => this.#run('<arrow>', callback, args, callback, { closure, entry: false })),
    );
  }

  #higherOrderWith(
    list: ListValue,
    method: string,
    argumentNodes: Node[],
    node: Node,
    call: (args: Value[], guard: Term) => Value,
  ): Value {
    const m = this.#machine;
    const has = (index: number): Term => app('<', `${index}`, list.len);
    const argsAt = (index: number): Value[] => [list.items[index]!, scalar('int', `${index}`)];
    switch (method) {
      case 'every':
      case 'some': {
        const terms = list.items.map((_, index) => {
          const holds = this.truthy(call(argsAt(index), has(index)), node);
          return method === 'every' ? implies(has(index), holds) : and(has(index), holds);
        });
        return scalar('bool', m.builder.share('Bool', method === 'every' ? and(...terms) : or(...terms)));
      }
      case 'map': {
        const values = list.items.map((_, index) => call(argsAt(index), has(index)));
        let out = m.emptyList(undefined);
        for (const value of values) out = m.append(out, value, node);
        return { ...out, len: list.len };
      }
      case 'filter': {
        let out = m.emptyList(list.elem);
        list.items.forEach((item, index) => {
          const keep = and(has(index), this.truthy(call(argsAt(index), has(index)), node));
          out = m.merge(keep, m.append(out, item, node), out) as ListValue;
        });
        return out;
      }
      case 'reduce': {
        if (argumentNodes.length !== 2)
          throw new UnsupportedConstruct('.reduce()', node, 'needs an initial value');
        let accumulator = this.evaluate(argumentNodes[1]!);
        list.items.forEach((item, index) => {
          const next = call([accumulator, item, scalar('int', `${index}`)], has(index));
          accumulator = m.merge(has(index), next, accumulator);
        });
        return accumulator;
      }
      default:
        throw new UnsupportedConstruct(`.${method}()`, node);
    }
  }

  #stringMethod(receiver: ScalarValue, method: string, argumentNodes: Node[], node: Node): Value {
    const m = this.#machine;
    const args = argumentNodes.map((argument) => this.evaluate(argument));
    const text = (index: number): Term => {
      const value = args[index];
      if (value?.kind !== 'str')
        throw new UnsupportedConstruct(`string .${method}()`, node, 'expects string arguments');
      return value.term;
    };
    const int = (index: number): Term | undefined => {
      const value = args[index];
      if (value === undefined) return undefined;
      if (value.kind !== 'int')
        throw new UnsupportedConstruct(`string .${method}()`, node, 'expects integer arguments');
      return value.term;
    };
    const s = receiver.term;
    switch (method) {
      case 'includes':
        return scalar('bool', app('str.contains', s, text(0)));
      case 'startsWith':
        return scalar('bool', app('str.prefixof', text(0), s));
      case 'endsWith':
        return scalar('bool', app('str.suffixof', text(0), s));
      case 'indexOf':
        return scalar('int', app('str.indexof', s, text(0), '0'));
      case 'charAt':
        return scalar('str', app('str.at', s, int(0) ?? '0'));
      case 'at':
        return m.index(receiver, args[0]!, node, {
          negativeFromEnd: true,
          violates: `index out of range (undefined): ${excerpt(node)} (${at(node)})`,
        });
      case 'slice':
        return m.slice(receiver, int(0), int(1), node);
      case 'substring': {
        const length = app('str.len', s);
        const clamp = (term: Term | undefined, fallback: Term): Term =>
          term === undefined
            ? fallback
            : m.builder.share('Int', `(ite (< ${term} 0) 0 (ite (> ${term} ${length}) ${length} ${term}))`);
        const a = clamp(int(0), '0');
        const b = clamp(int(1), length);
        const from = m.builder.share('Int', `(ite (< ${a} ${b}) ${a} ${b})`);
        const to = m.builder.share('Int', `(ite (< ${a} ${b}) ${b} ${a})`);
        return scalar('str', m.builder.share('String', app('str.substr', s, from, app('-', to, from))));
      }
      case 'concat':
        return scalar('str', app('str.++', s, ...args.map((_, index) => text(index))));
      case 'replaceAll':
        return scalar('str', app('str.replace_all', s, text(0), text(1)));
      case 'toUpperCase':
      case 'toLowerCase':
        throw new UnsupportedConstruct(`string .${method}()`, node, 'Z3 has no case conversion');
      default:
        throw new UnsupportedConstruct(`string method .${method}()`, node);
    }
  }
}

function unwrap(node: Node): Node {
  let current = node;
  while (TRANSPARENT.has(current.type) && current.namedChildren[0]) current = current.namedChildren[0];
  return current;
}

function unwrapAll(node: Node): Node {
  return unwrap(node);
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
};

function typescriptString(node: Node): string {
  let out = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'string_fragment') out += child.text;
    else if (child.type === 'escape_sequence') {
      const body = child.text.slice(1);
      if (ESCAPES[body] !== undefined) out += ESCAPES[body];
      else if (/^x[0-9a-fA-F]{2}$|^u[0-9a-fA-F]{4}$/.test(body))
        out += String.fromCodePoint(Number.parseInt(body.slice(1), 16));
      else throw new UnsupportedConstruct('escape sequence', child, child.text);
    }
  }
  return out;
}
