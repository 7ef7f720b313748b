import type { Expression } from './expression.js';
import { MAX_REGEX_INPUT_LENGTH } from './safe-regex.js';

/**
 * The values of a source attribute by name: every value of a multi-valued attribute, each trimmed,
 * blanks left out. Each source supplies one over its own record (an LDAP entry, a Graph user, an Okta profile).
 */
export type AttributeLookup = (path: string) => readonly string[];

export interface Evaluation {
  /** The first value is what an AWS attribute (single-valued) receives; none means "no value". */
  values: string[];
  /** Values left out on the way (an input too long for a regex); for the run report. */
  problems: string[];
}

/**
 * Walks a parsed expression. Each node yields a list of values, so a multi-valued attribute can be
 * joined; an absent attribute yields an empty list, which `coalesce` skips and a template renders as "".
 */
export function evaluate(expression: Expression, lookup: AttributeLookup): Evaluation {
  const problems: string[] = [];
  const values = walk(expression, lookup, problems);
  return { values, problems };
}

function walk(e: Expression, lookup: AttributeLookup, problems: string[]): string[] {
  switch (e.kind) {
    case 'attribute':
      return [...lookup(e.path)];
    case 'constant':
      return e.value === '' ? [] : [e.value];
    case 'template':
      return template(e.parts, lookup);
    case 'call':
      return call(e, (arg) => walk(arg, lookup, problems), problems);
  }
}

/** A template whose placeholders all lack a value yields nothing, so `coalesce` can fall back past it. */
function template(parts: Extract<Expression, { kind: 'template' }>['parts'], lookup: AttributeLookup): string[] {
  let found = parts.every((p) => typeof p === 'string');
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const value = lookup(p.attribute)[0];
      if (value !== undefined) found = true;
      return value ?? '';
    })
    .join('');
  return found && text !== '' ? [text] : [];
}

function call(
  e: Extract<Expression, { kind: 'call' }>,
  arg: (e: Expression) => string[],
  problems: string[],
): string[] {
  switch (e.fn) {
    case 'coalesce':
      for (const a of e.args) {
        const values = arg(a);
        if (values.length > 0) return values;
      }
      return [];
    case 'lower':
      return arg(e.args[0] as Expression).map((v) => v.toLowerCase());
    case 'upper':
      return arg(e.args[0] as Expression).map((v) => v.toUpperCase());
    case 'trim':
      return nonEmpty(arg(e.args[0] as Expression).map((v) => v.trim()));
    case 'join': {
      const [separator, ...rest] = e.args.map(arg);
      const values = rest.flat();
      return values.length > 0 ? [values.join(separator?.[0] ?? '')] : [];
    }
    case 'replace':
      return nonEmpty(arg(e.args[0] as Expression).flatMap((v) => replaceOne(e, v, problems)));
  }
}

function replaceOne(e: Extract<Expression, { kind: 'call' }>, value: string, problems: string[]): string[] {
  if (value.length > MAX_REGEX_INPUT_LENGTH) {
    problems.push(`replace(): a value longer than ${MAX_REGEX_INPUT_LENGTH} characters was left out`);
    return [];
  }
  const replacement = e.args[2]?.kind === 'constant' ? e.args[2].value : '';
  return e.regex === undefined ? [value] : [value.replace(e.regex, replacement)];
}

function nonEmpty(values: string[]): string[] {
  return values.filter((v) => v !== '');
}
