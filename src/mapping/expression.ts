import { ExpressionError } from './errors.js';
import { compileSafeRegex } from './safe-regex.js';

export { ExpressionError };

/**
 * The mapping expression language (docs/attribute-mapping.md): a source attribute, a constant, a
 * template, or one of a few functions. It is parsed into a tree once, when the config is loaded, and
 * evaluated by walking that tree (evaluate.ts): nothing is ever run as code, and every regex is
 * checked by safe-regex.ts before it is compiled.
 *
 *   expression := string | template | attribute | call
 *   string     := '…' | "…"                      (a constant; \\ and the quote escape, \w stays \w)
 *   template   := `…${attribute}…`               (\` \$ \\ escape)
 *   attribute  := name ('.' name)*                e.g. department, onPremisesExtensionAttributes.extensionAttribute1
 *   call       := function '(' expression (',' expression)* ')'
 */

export type Expression =
  | { kind: 'attribute'; path: string }
  | { kind: 'constant'; value: string }
  | { kind: 'template'; parts: Array<string | { attribute: string }> }
  | { kind: 'call'; fn: FunctionName; args: Expression[]; regex?: RegExp };

export const FUNCTIONS = ['coalesce', 'lower', 'upper', 'trim', 'replace', 'join'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** Bounds that keep a config from making the parser or evaluator do unbounded work. */
export const MAX_EXPRESSION_LENGTH = 500;
export const MAX_NESTING_DEPTH = 8;

const ATTRIBUTE = /[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*/y;

/** Parses a mapping expression; throws ExpressionError with a message fit for `validate-config`. */
export function parseExpression(source: string): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw new ExpressionError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  const parser = new Parser(source);
  const expression = parser.expression(0);
  parser.skipSpace();
  if (!parser.atEnd()) throw parser.error(`unexpected ${parser.describeNext()}`);
  return expression;
}

/** The source attributes an expression reads (top-level names, for the sources that must ask for them). */
export function attributesOf(expression: Expression): string[] {
  switch (expression.kind) {
    case 'attribute':
      return [expression.path];
    case 'constant':
      return [];
    case 'template':
      return expression.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.attribute]));
    case 'call':
      return expression.args.flatMap(attributesOf);
  }
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  expression(depth: number): Expression {
    if (depth > MAX_NESTING_DEPTH) throw this.error(`nested deeper than ${MAX_NESTING_DEPTH} calls`);
    this.skipSpace();
    const c = this.text[this.at];
    if (c === "'" || c === '"') return { kind: 'constant', value: this.quoted(c) };
    if (c === '`') return this.template();
    const path = this.match(ATTRIBUTE);
    if (path === undefined)
      throw this.error(`expected an attribute, a string or a function, found ${this.describeNext()}`);
    this.skipSpace();
    if (this.text[this.at] !== '(') return { kind: 'attribute', path };
    if (!isFunction(path)) throw new ExpressionError(`unknown function "${path}"`);
    this.at += 1;
    return checkCall(path, this.arguments(depth));
  }

  skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] ?? '')) this.at += 1;
  }

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  describeNext(): string {
    return this.atEnd() ? 'end of expression' : `"${this.text[this.at] ?? ''}" at column ${this.at + 1}`;
  }

  error(message: string): ExpressionError {
    return new ExpressionError(message);
  }

  private arguments(depth: number): Expression[] {
    const args: Expression[] = [];
    for (;;) {
      args.push(this.expression(depth + 1));
      this.skipSpace();
      const c = this.text[this.at];
      this.at += 1;
      if (c === ')') return args;
      if (c !== ',') {
        this.at -= 1;
        throw this.error(`expected "," or ")", found ${this.describeNext()}`);
      }
    }
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text)?.[0];
    if (found !== undefined) this.at += found.length;
    return found;
  }

  private quoted(quote: string): string {
    const start = this.at;
    this.at += 1;
    let value = '';
    while (this.at < this.text.length) {
      const c = this.text[this.at] ?? '';
      this.at += 1;
      if (c === quote) return value;
      if (c === '\\') {
        // Only the quote and the backslash are escapes; `\w`, `\.` and the like stay as written, for regexes.
        const next = this.text[this.at] ?? '';
        value += next === quote || next === '\\' ? next : `\\${next}`;
        this.at += 1;
      } else value += c;
    }
    throw this.error(`unterminated string starting at column ${start + 1}`);
  }

  private template(): Expression {
    const start = this.at;
    this.at += 1;
    const parts: Array<string | { attribute: string }> = [];
    let literal = '';
    while (this.at < this.text.length) {
      const c = this.text[this.at] ?? '';
      this.at += 1;
      if (c === '`') {
        if (literal !== '') parts.push(literal);
        return { kind: 'template', parts };
      }
      if (c === '\\') {
        const next = this.text[this.at] ?? '';
        if (!['\\', '`', '$'].includes(next)) throw this.error(`unknown escape "\\${next}" at column ${this.at}`);
        literal += next;
        this.at += 1;
      } else if (c === '$' && this.text[this.at] === '{') {
        this.at += 1;
        if (literal !== '') parts.push(literal);
        literal = '';
        parts.push({ attribute: this.placeholder() });
      } else literal += c;
    }
    throw this.error(`unterminated template starting at column ${start + 1}`);
  }

  private placeholder(): string {
    this.skipSpace();
    const attribute = this.match(ATTRIBUTE);
    this.skipSpace();
    if (attribute === undefined || this.text[this.at] !== '}')
      throw this.error(`a template placeholder holds one attribute name: \${name}, at column ${this.at + 1}`);
    this.at += 1;
    return attribute;
  }
}

function isFunction(name: string): name is FunctionName {
  return (FUNCTIONS as readonly string[]).includes(name);
}

/** Arity and constant-argument rules per function, checked when the config is loaded. */
function checkCall(fn: FunctionName, args: Expression[]): Expression {
  const count = (min: number, max: number): void => {
    if (args.length < min || args.length > max)
      throw new ExpressionError(
        `${fn}() takes ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} argument(s), got ${args.length}`,
      );
  };
  switch (fn) {
    case 'coalesce':
      count(1, Infinity);
      return { kind: 'call', fn, args };
    case 'lower':
    case 'upper':
    case 'trim':
      count(1, 1);
      return { kind: 'call', fn, args };
    case 'join':
      count(2, Infinity);
      constantArgument(fn, args, 0, 'the separator');
      return { kind: 'call', fn, args };
    case 'replace': {
      count(3, 4);
      const pattern = constantArgument(fn, args, 1, 'the pattern');
      constantArgument(fn, args, 2, 'the replacement');
      const flags = args.length === 4 ? constantArgument(fn, args, 3, 'the flags') : '';
      if (!/^i?$/.test(flags)) throw new ExpressionError(`replace() flags may only be "i", got "${flags}"`);
      return { kind: 'call', fn, args, regex: compileSafeRegex(pattern, flags) };
    }
  }
}

function constantArgument(fn: FunctionName, args: Expression[], index: number, what: string): string {
  const arg = args[index];
  if (arg?.kind !== 'constant') throw new ExpressionError(`${fn}(): ${what} must be a quoted string`);
  return arg.value;
}
