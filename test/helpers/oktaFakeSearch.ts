/**
 * The subset of Okta's `search` / `filter` expression language the fake Okta needs: comparisons
 * `path op "value"` with eq, sw, co, gt, ge, lt, le, joined by `and` / `or` with parentheses
 * (developer.okta.com/docs/api/#filter). Operators and string values compare case-insensitively;
 * timestamps compare as times.
 */

type Node = { kind: 'and' | 'or'; left: Node; right: Node } | { kind: 'cmp'; path: string; op: string; value: string };

const OPERATORS = new Set(['eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le']);

export function matchesSearch(expression: string, object: unknown): boolean {
  return evaluate(parseSearch(expression), object);
}

export function parseSearch(expression: string): Node {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (): string => {
    const token = tokens[position++];
    if (token === undefined) throw new Error(`search: unexpected end of "${expression}"`);
    return token;
  };
  const parseOr = (): Node => {
    let node = parseAnd();
    while (peek()?.toLowerCase() === 'or') {
      take();
      node = { kind: 'or', left: node, right: parseAnd() };
    }
    return node;
  };
  const parseAnd = (): Node => {
    let node = parseFactor();
    while (peek()?.toLowerCase() === 'and') {
      take();
      node = { kind: 'and', left: node, right: parseFactor() };
    }
    return node;
  };
  const parseFactor = (): Node => {
    if (peek() === '(') {
      take();
      const node = parseOr();
      if (take() !== ')') throw new Error(`search: missing ")" in "${expression}"`);
      return node;
    }
    const path = take();
    const op = take().toLowerCase();
    if (!OPERATORS.has(op)) throw new Error(`search: unknown operator "${op}"`);
    return { kind: 'cmp', path, op, value: unquote(take()) };
  };
  const node = parseOr();
  if (position !== tokens.length) throw new Error(`search: trailing input in "${expression}"`);
  return node;
}

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*("(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+)/y;
  let end = 0;
  for (let match = pattern.exec(expression); match !== null; match = pattern.exec(expression)) {
    tokens.push(match[1] as string);
    end = pattern.lastIndex;
  }
  if (expression.slice(end).trim() !== '') throw new Error(`search: cannot read "${expression}"`);
  return tokens;
}

function unquote(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1).replace(/\\(.)/g, '$1') : token;
}

function evaluate(node: Node, object: unknown): boolean {
  if (node.kind !== 'cmp') {
    return node.kind === 'and'
      ? evaluate(node.left, object) && evaluate(node.right, object)
      : evaluate(node.left, object) || evaluate(node.right, object);
  }
  const actual = node.path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);
  if (actual === undefined || actual === null) return false;
  // Okta search compares scalar profile values; an object is compared by its JSON text.
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
  return compare(text, node.op, node.value);
}

function compare(actual: string, op: string, expected: string): boolean {
  const a = actual.toLowerCase();
  const e = expected.toLowerCase();
  if (op === 'eq') return a === e;
  if (op === 'sw') return a.startsWith(e);
  if (op === 'co') return a.includes(e);
  const [x, y] = [Date.parse(actual), Date.parse(expected)];
  const order = Number.isNaN(x) || Number.isNaN(y) ? a.localeCompare(e) : Math.sign(x - y);
  return { gt: order > 0, ge: order >= 0, lt: order < 0, le: order <= 0 }[op as 'gt'] ?? false;
}
