import { invalid } from './errors.js';

/**
 * RFC 7644 §3.4.2.2 filters, as far as AWS supports them: only `eq`, joined only by `and`, each written
 * `<attr> eq "<value>"` (DG/limitations, DG/listusers). Anything else (`co`, `sw`, `pr`, `or`, `not`,
 * parentheses, unquoted values) is a 400. The value is a JSON string, so `\"` and `\\` escapes work.
 */
export interface FilterTerm {
  /** As written; compare attribute names case-insensitively (RFC 7643 §2.1). */
  attribute: string;
  value: string;
}

const ATTRIBUTE = /[A-Za-z][A-Za-z0-9._:$-]*/y;
const WORD = /[A-Za-z]+/y;
const SPACE = /\s+/y;

class FilterReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  match(pattern: RegExp, what: string): string {
    this.skipSpace();
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (!found) throw invalid(`filter: expected ${what}`);
    this.pos = pattern.lastIndex;
    return found[0];
  }

  quoted(): string {
    this.skipSpace();
    if (this.text[this.pos] !== '"') throw invalid('filter: the value must be a quoted string');
    let end = this.pos + 1;
    while (end < this.text.length && this.text[end] !== '"') end += this.text[end] === '\\' ? 2 : 1;
    if (end >= this.text.length) throw invalid('filter: unterminated string');
    const literal = this.text.slice(this.pos, end + 1);
    this.pos = end + 1;
    try {
      return JSON.parse(literal) as string;
    } catch {
      throw invalid('filter: bad escape in string');
    }
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    if (SPACE.exec(this.text)) this.pos = SPACE.lastIndex;
  }
}

export function parseFilter(text: string): FilterTerm[] {
  const reader = new FilterReader(text);
  const terms: FilterTerm[] = [];
  do {
    const attribute = reader.match(ATTRIBUTE, 'an attribute');
    const operator = reader.match(WORD, 'an operator');
    if (operator.toLowerCase() !== 'eq') throw invalid('filter: only the eq operator is supported');
    terms.push({ attribute, value: reader.quoted() });
    if (reader.atEnd()) return terms;
  } while (reader.match(WORD, 'and').toLowerCase() === 'and');
  throw invalid('filter: only and may join terms');
}

/**
 * Matches the terms against one allowed combination of attribute names (in any order) and returns the
 * values by lower-cased attribute name, or undefined when the terms are some other combination.
 */
export function matchTerms(terms: FilterTerm[], combination: readonly string[]): Map<string, string> | undefined {
  if (terms.length !== combination.length) return undefined;
  const values = new Map<string, string>();
  for (const term of terms) values.set(term.attribute.toLowerCase(), term.value);
  if (values.size !== combination.length) return undefined;
  return combination.every((name) => values.has(name.toLowerCase())) ? values : undefined;
}
