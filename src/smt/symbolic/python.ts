/**
 * Symbolic execution of a Python subset, from tree-sitter-python nodes. Integers are
 * unbounded (`//` and `%` floor), `float` is modelled as a real, strings and lists of
 * scalars follow Python's indexing and slicing rules. Anything else raises
 * {@link UnsupportedConstruct}, which the caller turns into an `unknown` answer.
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
import { isNumeric, type Machine } from './machine.js';
import { excerpt, type ListValue, NONE, scalar, UnsupportedConstruct, type Value } from './values.js';

const at = (node: Node): string => `line ${node.startPosition.row + 1}`;

export class PythonExecutor implements LanguageExecutor {
  readonly functions = new Map<string, Node>();
  readonly #machine: Machine;

  readonly #program: Node;

  constructor(options: { machine: Machine; program: Node }) {
    this.#machine = options.machine;
    this.#program = options.program;
    for (const child of options.program.namedChildren) {
      const definition =
        child?.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
      if (definition?.type === 'function_definition') {
        const name = definition.childForFieldName('name')?.text;
        if (name) this.functions.set(name, definition);
      }
    }
  }

  initialiseModule(): void {
    const m = this.#machine;
    m.pushFrame('<module>', new Map());
    try {
      for (const statement of this.#program.namedChildren) {
        const assignment =
          statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
        const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
        const right = assignment?.childForFieldName('right');
        if (left?.type !== 'identifier' || !right) continue;
        try {
          m.globals.set(left.text, this.evaluate(right));
        } catch (error) {
          if (!(error instanceof UnsupportedConstruct)) throw error;
          m.globals.delete(left.text);
        }
      }
    } finally {
      m.popFrame();
    }
  }

  parameters(definition: Node): { name: string; type: string | undefined }[] {
    const list = definition.childForFieldName('parameters');
    const out: { name: string; type: string | undefined }[] = [];
    for (const parameter of list?.namedChildren ?? []) {
      if (!parameter) continue;
      if (parameter.type === 'identifier') out.push({ name: parameter.text, type: undefined });
      else if (parameter.type === 'typed_parameter') {
        const name = parameter.namedChildren.find((child) => child?.type === 'identifier');
        if (!name) throw new UnsupportedConstruct('parameter', parameter, excerpt(parameter));
        out.push({ name: name.text, type: parameter.childForFieldName('type')?.text });
      } else if (parameter.type === 'default_parameter' || parameter.type === 'typed_default_parameter') {
        const name = parameter.childForFieldName('name');
        if (!name) throw new UnsupportedConstruct('parameter', parameter, excerpt(parameter));
        out.push({ name: name.text, type: parameter.childForFieldName('type')?.text });
      } else throw new UnsupportedConstruct('parameter', parameter, excerpt(parameter));
    }
    return out;
  }

  invoke(name: string, args: Value[], node: Node, options: { entry?: boolean } = {}): Value {
    const m = this.#machine;
    const definition = this.functions.get(name);
    if (!definition) throw new UnsupportedConstruct('call', node, `no function "${name}"`);
    if (m.frames.some((frame) => frame.name === name))
      throw new UnsupportedConstruct('recursion', node, name);
    const list = definition.childForFieldName('parameters');
    const env = new Map<string, Value>();
    const params = (list?.namedChildren ?? []).filter((p): p is Node => p !== null);
    if (args.length > params.length)
      throw new UnsupportedConstruct('call', node, `too many arguments to ${name}`);
    const names = this.parameters(definition).map((parameter) => parameter.name);
    // Defaults are evaluated in the caller's frame, before the callee's frame exists.
    params.forEach((parameter, position) => {
      const given = args[position];
      if (given) env.set(names[position]!, given);
      else {
        const fallback = parameter.childForFieldName('value');
        if (!fallback)
          throw new UnsupportedConstruct('call', node, `missing argument "${names[position]}" of ${name}`);
        env.set(names[position]!, this.evaluate(fallback));
      }
    });
    const callerActive = m.frames.length > 0 ? m.active() : TRUE;
    return m.withPath(callerActive, () => {
      // A helper's list parameters are the caller's objects: mutating them is not modelled.
      const frame = m.pushFrame(name, env, options.entry ? [] : names);
      try {
        const body = definition.childForFieldName('body');
        if (body) this.#block(body);
        m.require(FALSE, `${name} falls off its end without returning (${at(definition)})`);
        if (frame.result === undefined) return NONE;
        return frame.result;
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
      case 'pass_statement':
        return;
      case 'expression_statement': {
        for (const child of node.namedChildren) if (child) this.#expressionStatement(child);
        return;
      }
      case 'return_statement': {
        const value = node.namedChildren[0];
        m.doReturn(value ? this.evaluate(value) : NONE);
        return;
      }
      case 'if_statement':
        this.#if(node);
        return;
      case 'for_statement':
        this.#for(node);
        return;
      case 'while_statement': {
        if (node.childForFieldName('alternative')) throw new UnsupportedConstruct('while-else', node);
        const condition = node.childForFieldName('condition')!;
        const body = node.childForFieldName('body')!;
        m.whileLoop(
          () => this.truthy(this.evaluate(condition), condition),
          () => this.#block(body),
        );
        return;
      }
      case 'break_statement':
        m.doBreak(node);
        return;
      case 'continue_statement':
        m.doContinue(node);
        return;
      case 'assert_statement': {
        const condition = node.namedChildren[0]!;
        m.require(
          this.truthy(this.evaluate(condition), condition),
          `assert ${excerpt(condition)} (${at(node)})`,
        );
        return;
      }
      case 'raise_statement':
        m.require(FALSE, `raise (${at(node)})`);
        return;
      default:
        throw new UnsupportedConstruct(`statement ${node.type}`, node);
    }
  }

  #expressionStatement(node: Node): void {
    const m = this.#machine;
    if (node.type === 'string') return; // a docstring
    if (node.type === 'assignment') {
      const right = node.childForFieldName('right');
      if (!right) return; // an annotation without a value
      if (right.type === 'assignment') throw new UnsupportedConstruct('chained assignment', node);
      this.#assignTo(node.childForFieldName('left')!, this.evaluate(right));
      return;
    }
    if (node.type === 'augmented_assignment') {
      const left = node.childForFieldName('left')!;
      const operator = node.childForFieldName('operator')!.text.slice(0, -1);
      const value = this.#binary(
        operator,
        this.evaluate(left),
        this.evaluate(node.childForFieldName('right')!),
        node,
      );
      this.#assignTo(left, value);
      return;
    }
    if (node.type === 'call') {
      this.evaluate(node);
      return;
    }
    void m;
    throw new UnsupportedConstruct(`expression statement ${node.type}`, node);
  }

  #assignTo(target: Node, value: Value): void {
    const m = this.#machine;
    if (target.type === 'identifier') {
      // `ys = xs` makes two names for one list: mutating either is no longer modelled.
      if (value.kind === 'list' && m.frame.env.get(target.text) !== value) {
        const source = [...m.frame.env].find(([, held]) => held === value);
        if (source) {
          m.frame.shared.add(source[0]);
          m.frame.shared.add(target.text);
        }
      }
      m.assign(target.text, value);
      return;
    }
    if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern') {
      const targets = target.namedChildren.filter((child): child is Node => child !== null);
      if (value.kind !== 'tuple' || value.items.length !== targets.length) {
        throw new UnsupportedConstruct('unpacking', target, `of a ${value.kind}`);
      }
      targets.forEach((child, index) => {
        this.#assignTo(child, (value as { items: Value[] }).items[index]!);
      });
      return;
    }
    if (target.type === 'subscript') {
      const holder = target.childForFieldName('value')!;
      if (holder.type !== 'identifier')
        throw new UnsupportedConstruct('assignment target', target, excerpt(target));
      const list = m.mutableList(holder, 'list');
      const index = this.evaluate(target.childForFieldName('subscript')!);
      if (index.kind !== 'int')
        throw new UnsupportedConstruct('subscript assignment', target, `index ${index.kind}`);
      const position = m.normaliseIndex(
        index.term,
        list.len,
        true,
        `IndexError: ${excerpt(target)} (${at(target)})`,
      );
      m.assign(holder.text, m.store(list, position, value, target));
      return;
    }
    throw new UnsupportedConstruct('assignment target', target, excerpt(target));
  }

  #if(node: Node): void {
    const m = this.#machine;
    const condition = this.truthy(this.evaluate(node.childForFieldName('condition')!), node);
    let otherwise = not(condition);
    m.withPath(condition, () => this.#block(node.childForFieldName('consequence')!));
    for (const clause of node.childrenForFieldName('alternative')) {
      if (!clause) continue;
      if (clause.type === 'elif_clause') {
        const elif = m.withPath(otherwise, () =>
          this.truthy(this.evaluate(clause.childForFieldName('condition')!), clause),
        );
        const taken = and(otherwise, elif);
        m.withPath(taken, () => this.#block(clause.childForFieldName('consequence')!));
        otherwise = m.builder.share('Bool', and(otherwise, not(elif)));
      } else {
        const body = clause.childForFieldName('body')!;
        m.withPath(otherwise, () => this.#block(body));
      }
    }
  }

  #for(node: Node): void {
    const m = this.#machine;
    if (node.childForFieldName('alternative')) throw new UnsupportedConstruct('for-else', node);
    const left = node.childForFieldName('left')!;
    const iterable = this.evaluate(node.childForFieldName('right')!);
    const body = node.childForFieldName('body')!;
    m.loop(
      m.iterate(iterable, node),
      (element) => this.#assignTo(left, element),
      () => this.#block(body),
    );
  }

  // -------------------------------------------------------------------------------------
  // Expressions

  evaluate(node: Node): Value {
    const m = this.#machine;
    switch (node.type) {
      case 'identifier':
        return m.lookup(node.text, node);
      case 'integer':
        return scalar('int', intLiteral(BigInt(node.text.replace(/_/g, ''))));
      case 'float':
        return scalar('real', realLiteral(Number(node.text.replace(/_/g, ''))));
      case 'true':
        return scalar('bool', TRUE);
      case 'false':
        return scalar('bool', FALSE);
      case 'none':
        return NONE;
      case 'string':
        return scalar('str', stringLiteral(pythonString(node)));
      case 'parenthesized_expression':
        return this.evaluate(node.namedChildren[0]!);
      case 'tuple':
        return { kind: 'tuple', items: node.namedChildren.map((child) => this.evaluate(child!)) };
      case 'expression_list':
        return { kind: 'tuple', items: node.namedChildren.map((child) => this.evaluate(child!)) };
      case 'list':
        return m.literalList(
          node.namedChildren.map((child) => this.evaluate(child!)),
          node,
        );
      case 'list_comprehension':
        return this.#comprehensionList(node);
      case 'not_operator':
        return scalar('bool', not(this.truthy(this.evaluate(node.childForFieldName('argument')!), node)));
      case 'boolean_operator':
        return this.#booleanOperator(node);
      case 'unary_operator': {
        const operator = node.childForFieldName('operator')!.text;
        const value = this.evaluate(node.childForFieldName('argument')!);
        if (operator === '-') return m.negate(value, node);
        if (operator === '+' && isNumeric(value)) return value;
        throw new UnsupportedConstruct(`unary ${operator}`, node);
      }
      case 'binary_operator':
        return this.#binary(
          node.childForFieldName('operator')!.text,
          this.evaluate(node.childForFieldName('left')!),
          this.evaluate(node.childForFieldName('right')!),
          node,
        );
      case 'comparison_operator':
        return scalar('bool', this.#comparison(node));
      case 'conditional_expression': {
        const [then, condition, otherwise] = node.namedChildren as Node[];
        const test = this.truthy(this.evaluate(condition!), node);
        const a = m.withPath(test, () => this.evaluate(then!));
        const b = m.withPath(not(test), () => this.evaluate(otherwise!));
        return m.merge(test, a, b);
      }
      case 'subscript':
        return this.#subscript(node);
      case 'call':
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
        return app('>', value.len, '0');
      case 'none':
        return FALSE;
      case 'range':
        return app('>', this.#machine.length(value, node), '0');
      case 'tuple':
        return value.items.length > 0 ? TRUE : FALSE;
    }
  }

  #booleanOperator(node: Node): Value {
    const m = this.#machine;
    const operator = node.childForFieldName('operator')!.text;
    const left = this.evaluate(node.childForFieldName('left')!);
    const test = this.truthy(left, node);
    // The right operand only runs when the left one does not decide: guard its obligations.
    const right = m.withPath(operator === 'and' ? test : not(test), () =>
      this.evaluate(node.childForFieldName('right')!),
    );
    if (left.kind === 'bool' && right.kind === 'bool') {
      return scalar('bool', operator === 'and' ? and(left.term, right.term) : or(left.term, right.term));
    }
    return operator === 'and' ? m.merge(test, right, left) : m.merge(test, left, right);
  }

  #binary(operator: string, left: Value, right: Value, node: Node): Value {
    const m = this.#machine;
    switch (operator) {
      case '+':
      case '-':
      case '*':
        if (operator === '*' && (left.kind === 'str' || left.kind === 'list')) {
          throw new UnsupportedConstruct('repetition with *', node);
        }
        return m.arith(operator, left, right, node);
      case '/':
        return m.trueDivide(left, right, node, `ZeroDivisionError: ${excerpt(node)} (${at(node)})`);
      case '//':
      case '%': {
        if (left.kind !== 'int' || right.kind !== 'int') {
          throw new UnsupportedConstruct(`operator ${operator}`, node, `on ${left.kind} and ${right.kind}`);
        }
        m.require(not(app('=', right.term, '0')), `ZeroDivisionError: ${excerpt(node)} (${at(node)})`);
        const { quotient, remainder } = m.intDivMod(left.term, right.term, 'floor');
        return scalar('int', operator === '//' ? quotient : remainder);
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

  #comparison(node: Node): Term {
    const m = this.#machine;
    const operands: Node[] = [];
    const operators: string[] = [];
    for (let index = 0; index < node.childCount; index++) {
      const child = node.child(index)!;
      if (node.fieldNameForChild(index) === 'operators') operators.push(child.text.replace(/\s+/g, ' '));
      else if (child.isNamed) operands.push(child);
    }
    const values = operands.map((operand) => this.evaluate(operand));
    const parts: Term[] = [];
    operators.forEach((operator, index) => {
      const left = values[index]!;
      const right = values[index + 1]!;
      switch (operator) {
        case '==':
          parts.push(m.equals(left, right, node));
          break;
        case '!=':
          parts.push(not(m.equals(left, right, node)));
          break;
        case '<':
        case '<=':
        case '>':
        case '>=':
          parts.push(m.compare(operator, left, right, node));
          break;
        case 'in':
          parts.push(m.contains(right, left, node));
          break;
        case 'not in':
          parts.push(not(m.contains(right, left, node)));
          break;
        case 'is':
        case 'is not': {
          if (left.kind !== 'none' && right.kind !== 'none')
            throw new UnsupportedConstruct(`${operator}`, node, 'only with None');
          const same = left.kind === right.kind ? TRUE : FALSE;
          parts.push(operator === 'is' ? same : not(same));
          break;
        }
        default:
          throw new UnsupportedConstruct(`comparison ${operator}`, node);
      }
    });
    return m.builder.share('Bool', and(...parts));
  }

  #subscript(node: Node): Value {
    const m = this.#machine;
    const container = this.evaluate(node.childForFieldName('value')!);
    const subscripts = node
      .childrenForFieldName('subscript')
      .filter((child): child is Node => child !== null);
    if (subscripts.length !== 1) throw new UnsupportedConstruct('subscript', node, excerpt(node));
    const subscript = subscripts[0]!;
    if (subscript.type !== 'slice') {
      return m.index(container, this.evaluate(subscript), node, {
        negativeFromEnd: true,
        violates: `IndexError: ${excerpt(node)} (${at(node)})`,
      });
    }
    // slice children: [start] ':' [stop] [':' [step]]
    const parts: (Node | undefined)[] = [undefined];
    for (const child of subscript.children) {
      if (!child) continue;
      if (child.type === ':') parts.push(undefined);
      else parts[parts.length - 1] = child;
    }
    const [start, stop, step] = parts;
    const bound = (part: Node | undefined): Term | undefined => {
      if (!part) return undefined;
      const value = this.evaluate(part);
      if (value.kind === 'none') return undefined;
      if (value.kind !== 'int') throw new UnsupportedConstruct('slice bound', part, `a ${value.kind}`);
      return value.term;
    };
    if (step) {
      const stepValue = this.evaluate(step);
      if (stepValue.kind === 'int' && stepValue.term === '(- 1)' && !start && !stop)
        return m.reversed(container, node);
      if (!(stepValue.kind === 'int' && stepValue.term === '1')) {
        throw new UnsupportedConstruct('slice step', node, 'only 1, or -1 on a whole list');
      }
    }
    return m.slice(container, bound(start), bound(stop), node);
  }

  #call(node: Node): Value {
    const m = this.#machine;
    const callee = node.childForFieldName('function')!;
    const argumentsNode = node.childForFieldName('arguments')!;
    if (argumentsNode.type === 'generator_expression') {
      if (callee.type !== 'identifier') throw new UnsupportedConstruct('call', node, excerpt(node));
      return this.#aggregate(callee.text, argumentsNode, node);
    }
    let argumentNodes = argumentsNode.namedChildren.filter((child): child is Node => child !== null);
    // sorted(xs, reverse=True) is the one keyword argument modelled.
    let descending = false;
    if (callee.type === 'identifier' && callee.text === 'sorted') {
      argumentNodes = argumentNodes.filter((child) => {
        if (child.type !== 'keyword_argument' || child.childForFieldName('name')?.text !== 'reverse')
          return true;
        const flag = this.evaluate(child.childForFieldName('value')!);
        if (flag.kind !== 'bool' || (flag.term !== TRUE && flag.term !== FALSE)) {
          throw new UnsupportedConstruct('sorted(reverse=...)', child, 'only a literal True or False');
        }
        descending = flag.term === TRUE;
        return false;
      });
    }
    if (argumentNodes.some((child) => child.type === 'keyword_argument' || child.type.includes('splat'))) {
      throw new UnsupportedConstruct('keyword or starred arguments', node, excerpt(node));
    }
    if (callee.type === 'attribute') return this.#method(callee, argumentNodes, node);
    if (callee.type !== 'identifier') throw new UnsupportedConstruct('call', node, excerpt(node));
    const name = callee.text;
    if (this.functions.has(name) && !m.frame.env.has(name)) {
      return this.invoke(
        name,
        argumentNodes.map((argument) => this.evaluate(argument)),
        node,
      );
    }
    if (argumentNodes.length === 1 && argumentNodes[0]!.type === 'generator_expression') {
      return this.#aggregate(name, argumentNodes[0]!, node);
    }
    const args = argumentNodes.map((argument) => this.evaluate(argument));
    const one = (): Value => {
      if (args.length !== 1) throw new UnsupportedConstruct(`${name}()`, node, 'expects one argument');
      return args[0]!;
    };
    switch (name) {
      case 'len':
        return scalar('int', m.length(one(), node));
      case 'abs':
        return m.abs(one(), node);
      case 'min':
      case 'max':
        return args.length === 1
          ? m.fold(name, one(), node, `ValueError: ${name}() of an empty sequence (${at(node)})`)
          : m.extreme(name, args, node);
      case 'sum':
        return m.fold('sum', one(), node, '');
      case 'range': {
        const ints = args.map((argument) => {
          if (argument.kind !== 'int') throw new UnsupportedConstruct('range', node, `of a ${argument.kind}`);
          return argument.term;
        });
        if (ints.length === 1) return { kind: 'range', start: '0', stop: ints[0]!, step: 1 };
        const step = ints[2] === undefined ? 1 : literalInt(ints[2]);
        if (ints.length > 3 || step === undefined || step === 0) {
          throw new UnsupportedConstruct('range', node, 'the step must be a non-zero literal');
        }
        return { kind: 'range', start: ints[0]!, stop: ints[1]!, step };
      }
      case 'all':
      case 'any': {
        const list = m.materialise(one(), node);
        const terms = list.items.map((item, index) => ({
          has: app('<', `${index}`, list.len),
          value: item as Value,
        }));
        return this.#quantify(name, terms, node);
      }
      case 'list':
        return m.materialise(one(), node);
      case 'reversed':
        return m.reversed(m.materialise(one(), node), node);
      case 'sorted':
        return m.sortList(one(), node, { descending });
      case 'enumerate': {
        const iterable = one();
        const iteration = m.iterate(iterable, node);
        return {
          kind: 'tuple',
          items: Array.from({ length: iteration.count }, (_, index) => ({
            kind: 'tuple',
            items: [scalar('int', `${index}`), iteration.element(index)],
          })),
        };
      }
      case 'int': {
        const value = one();
        if (value.kind === 'int') return value;
        if (value.kind === 'bool') return scalar('int', `(ite ${value.term} 1 0)`);
        if (value.kind === 'real') {
          const t = value.term;
          return scalar(
            'int',
            m.builder.share('Int', `(ite (>= ${t} 0.0) (to_int ${t}) (- (to_int (- ${t}))))`),
          );
        }
        throw new UnsupportedConstruct('int()', node, `of a ${value.kind}`);
      }
      case 'float': {
        const value = one();
        if (isNumeric(value))
          return scalar('real', value.kind === 'int' ? app('to_real', value.term) : value.term);
        throw new UnsupportedConstruct('float()', node, `of a ${value.kind}`);
      }
      case 'bool':
        return scalar('bool', this.truthy(one(), node));
      default:
        throw new UnsupportedConstruct(`call of ${name}`, node);
    }
  }

  #method(callee: Node, argumentNodes: Node[], node: Node): Value {
    const m = this.#machine;
    const receiverNode = callee.childForFieldName('object')!;
    const method = callee.childForFieldName('attribute')!.text;
    if (method === 'sort') {
      if (receiverNode.type !== 'identifier' || argumentNodes.length > 0) {
        throw new UnsupportedConstruct('.sort()', node, 'only xs.sort() on a name, without arguments');
      }
      m.assign(
        receiverNode.text,
        m.sortList(m.mutableList(receiverNode, 'list'), node, { descending: false }),
      );
      return NONE;
    }
    if (method === 'append' || method === 'pop') {
      if (receiverNode.type !== 'identifier')
        throw new UnsupportedConstruct(`.${method}()`, node, 'on an expression');
      const list = m.mutableList(receiverNode, 'list');
      if (method === 'append') {
        if (argumentNodes.length !== 1)
          throw new UnsupportedConstruct('.append()', node, 'expects one argument');
        m.assign(receiverNode.text, m.append(list, this.evaluate(argumentNodes[0]!), node));
        return NONE;
      }
      if (argumentNodes.length !== 0) throw new UnsupportedConstruct('.pop(index)', node);
      m.require(app('>', list.len, '0'), `IndexError: pop from an empty list (${at(node)})`);
      const last = m.select(list, m.builder.share('Int', app('-', list.len, '1')));
      m.assign(receiverNode.text, { ...list, len: m.builder.share('Int', app('-', list.len, '1')) });
      return last;
    }
    const receiver = this.evaluate(receiverNode);
    const args = argumentNodes.map((argument) => this.evaluate(argument));
    if (receiver.kind === 'str') {
      const text = (index: number): Term => {
        const value = args[index];
        if (value?.kind !== 'str')
          throw new UnsupportedConstruct(`str.${method}()`, node, 'expects string arguments');
        return value.term;
      };
      switch (method) {
        case 'startswith':
          return scalar('bool', app('str.prefixof', text(0), receiver.term));
        case 'endswith':
          return scalar('bool', app('str.suffixof', text(0), receiver.term));
        case 'find':
          return scalar('int', app('str.indexof', receiver.term, text(0), '0'));
        case 'replace':
          return scalar('str', app('str.replace_all', receiver.term, text(0), text(1)));
        case 'upper':
        case 'lower':
        case 'capitalize':
        case 'title':
        case 'swapcase':
        case 'casefold':
          throw new UnsupportedConstruct(`str.${method}()`, node, 'Z3 has no case conversion');
        default:
          throw new UnsupportedConstruct(`str.${method}()`, node);
      }
    }
    if (receiver.kind === 'list' && method === 'count' && args.length === 1) {
      let total: Value = scalar('int', '0');
      receiver.items.forEach((item, index) => {
        const hit = and(app('<', `${index}`, receiver.len), m.equals(item, args[0]!, node));
        total = m.merge(hit, m.arith('+', total, scalar('int', '1'), node), total);
      });
      return total;
    }
    throw new UnsupportedConstruct(`method .${method}()`, node, `on a ${receiver.kind}`);
  }

  /** Walks a one-`for` generator or comprehension: each step's guard and body value. */
  #generate(generator: Node): { has: Term; value: Value }[] {
    const m = this.#machine;
    const clauses = generator.namedChildren.filter((child): child is Node => child !== null);
    const fors = clauses.filter((clause) => clause.type === 'for_in_clause');
    if (fors.length !== 1) throw new UnsupportedConstruct('comprehension', generator, 'only one for clause');
    const forClause = fors[0]!;
    const conditions = clauses.filter((clause) => clause.type === 'if_clause');
    const body = generator.childForFieldName('body')!;
    const target = forClause.childForFieldName('left')!;
    const iteration = m.iterate(this.evaluate(forClause.childForFieldName('right')!), forClause);
    const env = m.frame.env;
    const names =
      target.type === 'identifier' ? [target.text] : target.namedChildren.map((child) => child!.text);
    const saved = names.map((name) => env.get(name));
    const out: { has: Term; value: Value }[] = [];
    try {
      for (let index = 0; index < iteration.count; index++) {
        let has = iteration.has(index);
        const element = iteration.element(index);
        if (target.type === 'identifier') env.set(target.text, element);
        else if (element.kind === 'tuple' && element.items.length === names.length) {
          names.forEach((name, position) => {
            env.set(name, (element as { items: Value[] }).items[position]!);
          });
        } else throw new UnsupportedConstruct('comprehension target', target, excerpt(target));
        for (const condition of conditions) {
          const test = m.withPath(has, () =>
            this.truthy(this.evaluate(condition.namedChildren[0]!), condition),
          );
          has = m.builder.share('Bool', and(has, test));
        }
        out.push({ has, value: m.withPath(has, () => this.evaluate(body)) });
      }
      const more = iteration.has(iteration.count);
      if (more !== FALSE) {
        m.unrolled = true;
        m.withPath(more, () => m.hitBound(TRUE));
      }
    } finally {
      names.forEach((name, position) => {
        const old = saved[position];
        if (old === undefined) env.delete(name);
        else env.set(name, old);
      });
    }
    return out;
  }

  #comprehensionList(node: Node): Value {
    const m = this.#machine;
    let list = m.emptyList(undefined);
    for (const { has, value } of this.#generate(node))
      list = m.merge(has, m.append(list, value, node), list) as ListValue;
    return list;
  }

  #aggregate(name: string, generator: Node, node: Node): Value {
    const m = this.#machine;
    if (name === 'all' || name === 'any') return this.#quantify(name, this.#generate(generator), node);
    if (name === 'sum' || name === 'min' || name === 'max' || name === 'list') {
      const list = this.#comprehensionList(generator);
      if (name === 'list') return list;
      return m.fold(name, list, node, `ValueError: ${name}() of an empty sequence (${at(node)})`);
    }
    throw new UnsupportedConstruct(`${name}() over a generator`, node);
  }

  #quantify(name: 'all' | 'any', steps: { has: Term; value: Value }[], node: Node): Value {
    const terms = steps.map(({ has, value }) =>
      name === 'all' ? implies(has, this.truthy(value, node)) : and(has, this.truthy(value, node)),
    );
    return scalar('bool', this.#machine.builder.share('Bool', name === 'all' ? and(...terms) : or(...terms)));
  }
}

function literalInt(term: Term): number | undefined {
  if (/^\d+$/.test(term)) return Number(term);
  const negative = /^\(- (\d+)\)$/.exec(term);
  return negative ? -Number(negative[1]) : undefined;
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

/** The value of a plain Python string literal (no f-strings, no bytes). */
function pythonString(node: Node): string {
  const start = node.children.find((child) => child?.type === 'string_start')?.text ?? '"';
  if (/[fFbB]/.test(start)) throw new UnsupportedConstruct('f-string or bytes literal', node);
  const raw = /[rR]/.test(start);
  let out = '';
  for (const child of node.children) {
    if (!child) continue;
    if (child.type === 'string_content') out += child.text;
    else if (child.type === 'escape_sequence') {
      const body = child.text.slice(1);
      if (raw) out += child.text;
      else if (ESCAPES[body] !== undefined) out += ESCAPES[body];
      else if (/^x[0-9a-fA-F]{2}$|^u[0-9a-fA-F]{4}$/.test(body))
        out += String.fromCodePoint(Number.parseInt(body.slice(1), 16));
      else throw new UnsupportedConstruct('escape sequence', child, child.text);
    } else if (child.type === 'interpolation') throw new UnsupportedConstruct('f-string', node);
  }
  return out;
}
