/**
 * Contract clauses (`lo <= result <= hi`, `result >= 0 && result === x || result === -x`)
 * evaluated on concrete values, so a contract without examples still tells candidates
 * apart: the synthesizer keeps a program only where the postcondition holds on every input
 * seen so far. A clause outside this small Python/TypeScript subset is refused by name.
 */
import { NsgenError } from '../../src/core/index.js';
import type { Value } from './language.js';

type Node =
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'name'; name: string }
  | { kind: 'unary'; op: string; arg: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'compare'; ops: string[]; operands: Node[] }
  | { kind: 'ternary'; test: Node; then: Node; otherwise: Node }
  | { kind: 'call'; callee: string; args: Node[] }
  | { kind: 'method'; target: Node; name: string; args: Node[] }
  | { kind: 'property'; target: Node; name: string };

const TOKEN =
  /\s*(?:(\d+)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_]\w*)|(===|!==|==|!=|<=|>=|&&|\|\||\/\/|\*\*|[-+*/%<>!?:(),.[\]]))/y;

/** A parsed clause: evaluate it with the parameters (and `result`) bound. */
export interface Clause {
  text: string;
  evaluate(env: ReadonlyMap<string, Value>): boolean;
}

export function parseClause(text: string, language: 'python' | 'typescript' | 'javascript'): Clause {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  const source = text.trim();
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match || match.index !== at) {
      throw new NsgenError(
        'UNSUPPORTED',
        `cannot read the contract clause at "${source.slice(at, at + 12)}"`,
        {
          where: text,
        },
      );
    }
    tokens.push(match[0].trim());
  }
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const next = (): string => {
    const token = tokens[position++];
    if (token === undefined)
      throw new NsgenError('UNSUPPORTED', 'the contract clause ends too early', { where: text });
    return token;
  };
  const expect = (token: string): void => {
    const got = next();
    if (got !== token)
      throw new NsgenError('UNSUPPORTED', `expected "${token}", found "${got}"`, { where: text });
  };
  const python = language === 'python';
  const OR = python ? 'or' : '||';
  const AND = python ? 'and' : '&&';
  const COMPARE = new Set(
    python ? ['<', '<=', '>', '>=', '==', '!=', 'in'] : ['<', '<=', '>', '>=', '===', '!==', '==', '!='],
  );

  const ternary = (): Node => {
    if (python) {
      const then = disjunction();
      if (peek() !== 'if') return then;
      next();
      const test = disjunction();
      expect('else');
      return { kind: 'ternary', test, then, otherwise: ternary() };
    }
    const test = disjunction();
    if (peek() !== '?') return test;
    next();
    const then = ternary();
    expect(':');
    return { kind: 'ternary', test, then, otherwise: ternary() };
  };
  const disjunction = (): Node => {
    let left = conjunction();
    while (peek() === OR) {
      next();
      left = { kind: 'binary', op: 'or', left, right: conjunction() };
    }
    return left;
  };
  const conjunction = (): Node => {
    let left = negation();
    while (peek() === AND) {
      next();
      left = { kind: 'binary', op: 'and', left, right: negation() };
    }
    return left;
  };
  const negation = (): Node => {
    if (python && peek() === 'not') {
      next();
      return { kind: 'unary', op: 'not', arg: negation() };
    }
    return comparison();
  };
  const comparison = (): Node => {
    const operands = [additive()];
    const ops: string[] = [];
    while (peek() !== undefined && COMPARE.has(peek()!)) {
      ops.push(next());
      operands.push(additive());
      if (!python) break;
    }
    return ops.length === 0 ? operands[0]! : { kind: 'compare', ops, operands };
  };
  const additive = (): Node => {
    let left = multiplicative();
    while (peek() === '+' || peek() === '-') {
      const op = next();
      left = { kind: 'binary', op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): Node => {
    let left = unary();
    while (peek() === '*' || peek() === '//' || peek() === '%' || peek() === '/') {
      const op = next();
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    if (peek() === '-') {
      next();
      return { kind: 'unary', op: '-', arg: unary() };
    }
    if (!python && peek() === '!') {
      next();
      return { kind: 'unary', op: 'not', arg: unary() };
    }
    return postfix();
  };
  const args = (): Node[] => {
    const list: Node[] = [];
    expect('(');
    while (peek() !== ')') {
      list.push(ternary());
      if (peek() === ',') next();
      else break;
    }
    expect(')');
    return list;
  };
  const postfix = (): Node => {
    let node = primary();
    while (peek() === '.' || peek() === '[') {
      if (next() === '[') {
        const index = ternary();
        expect(']');
        node = { kind: 'method', target: node, name: '[]', args: [index] };
        continue;
      }
      const name = next();
      node =
        peek() === '('
          ? { kind: 'method', target: node, name, args: args() }
          : { kind: 'property', target: node, name };
    }
    return node;
  };
  const primary = (): Node => {
    const token = next();
    if (token === '(') {
      const inner = ternary();
      expect(')');
      return inner;
    }
    if (/^\d+$/.test(token)) return { kind: 'num', value: Number(token) };
    if (token.startsWith('"') || token.startsWith("'"))
      return { kind: 'str', value: JSON.parse(`"${token.slice(1, -1).replace(/"/g, '\\"')}"`) };
    if (token === 'True' || token === 'true') return { kind: 'bool', value: true };
    if (token === 'False' || token === 'false') return { kind: 'bool', value: false };
    if (/^[A-Za-z_]\w*$/.test(token)) {
      if (peek() === '(') return { kind: 'call', callee: token, args: args() };
      if (token === 'Math' && peek() === '.') {
        next();
        const name = next();
        return { kind: 'call', callee: `Math.${name}`, args: args() };
      }
      return { kind: 'name', name: token };
    }
    throw new NsgenError('UNSUPPORTED', `unexpected "${token}" in the contract clause`, { where: text });
  };

  const tree = ternary();
  if (position !== tokens.length) {
    throw new NsgenError('UNSUPPORTED', `unexpected "${tokens[position]}" in the contract clause`, {
      where: text,
    });
  }
  return { text, evaluate: (env) => truthy(run(tree, env, text)) };
}

function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

function run(node: Node, env: ReadonlyMap<string, Value>, text: string): unknown {
  const sub = (child: Node) => run(child, env, text);
  switch (node.kind) {
    case 'num':
    case 'str':
    case 'bool':
      return node.value;
    case 'name': {
      if (!env.has(node.name))
        throw new NsgenError('UNSUPPORTED', `unknown name ${node.name} in the contract`, { where: text });
      return env.get(node.name);
    }
    case 'unary':
      return node.op === 'not' ? !truthy(sub(node.arg)) : -(sub(node.arg) as number);
    case 'binary': {
      if (node.op === 'and') return truthy(sub(node.left)) && truthy(sub(node.right));
      if (node.op === 'or') return truthy(sub(node.left)) || truthy(sub(node.right));
      const left = sub(node.left) as number;
      const right = sub(node.right) as number;
      switch (node.op) {
        case '+':
          return (left as unknown as string) + (right as unknown as string);
        case '-':
          return left - right;
        case '*':
          return left * right;
        case '/':
          return left / right;
        case '//':
          return Math.floor(left / right);
        default:
          return ((left % right) + right) % right;
      }
    }
    case 'compare': {
      for (let i = 0; i < node.ops.length; i++) {
        const left = sub(node.operands[i]!) as number;
        const right = sub(node.operands[i + 1]!) as number;
        if (!compare(node.ops[i]!, left, right)) return false;
      }
      return true;
    }
    case 'ternary':
      return truthy(sub(node.test)) ? sub(node.then) : sub(node.otherwise);
    case 'call': {
      const values = node.args.map(sub) as number[];
      switch (node.callee) {
        case 'abs':
        case 'Math.abs':
          return Math.abs(values[0]!);
        case 'min':
        case 'Math.min':
          return values.length === 1 ? Math.min(...(values[0] as unknown as number[])) : Math.min(...values);
        case 'max':
        case 'Math.max':
          return values.length === 1 ? Math.max(...(values[0] as unknown as number[])) : Math.max(...values);
        case 'len':
          return (values[0] as unknown as string).length;
        case 'sum':
          return (values[0] as unknown as number[]).reduce((total, x) => total + x, 0);
        case 'sorted':
          return [...(values[0] as unknown as number[])].sort((a, b) => a - b);
        default:
          throw new NsgenError('UNSUPPORTED', `the function ${node.callee} is not supported in contracts`, {
            where: text,
          });
      }
    }
    case 'method': {
      const target = sub(node.target) as string;
      const values = node.args.map(sub) as string[];
      switch (node.name) {
        case '[]':
          return target[values[0] as unknown as number];
        case 'startswith':
        case 'startsWith':
          return target.startsWith(values[0]!);
        case 'endswith':
        case 'endsWith':
          return target.endsWith(values[0]!);
        case 'includes':
          return target.includes(values[0]!);
        case 'lower':
        case 'toLowerCase':
          return target.toLowerCase();
        case 'upper':
        case 'toUpperCase':
          return target.toUpperCase();
        default:
          throw new NsgenError('UNSUPPORTED', `the method ${node.name} is not supported in contracts`, {
            where: text,
          });
      }
    }
    case 'property':
      if (node.name === 'length') return (sub(node.target) as string).length;
      throw new NsgenError('UNSUPPORTED', `the property ${node.name} is not supported in contracts`, {
        where: text,
      });
  }
}

function compare(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case '<':
      return (left as number) < (right as number);
    case '<=':
      return (left as number) <= (right as number);
    case '>':
      return (left as number) > (right as number);
    case '>=':
      return (left as number) >= (right as number);
    case '==':
    case '===':
      return JSON.stringify(left) === JSON.stringify(right);
    case '!=':
    case '!==':
      return JSON.stringify(left) !== JSON.stringify(right);
    default:
      return (right as string).includes(left as string);
  }
}
