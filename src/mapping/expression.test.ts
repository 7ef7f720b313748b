import { describe, expect, it } from 'vitest';
import { evaluate, type AttributeLookup } from './evaluate.js';
import { attributesOf, ExpressionError, parseExpression } from './expression.js';

const record: Record<string, string[]> = {
  givenName: ['Ada'],
  sn: ['Lovelace'],
  mail: ['Ada@Example.COM'],
  costCenter: [],
  departmentNumber: ['R&D', 'Ops'],
  'onPremisesExtensionAttributes.extensionAttribute1': ['CC-42'],
  padded: ['  spaced  '],
};
const lookup: AttributeLookup = (path) => (Object.hasOwn(record, path) ? (record[path] ?? []) : []);

function value(source: string): string | undefined {
  return evaluate(parseExpression(source), lookup).values[0];
}

function problem(source: string): string {
  try {
    parseExpression(source);
  } catch (err) {
    if (err instanceof ExpressionError) return err.message;
    throw err;
  }
  throw new Error(`"${source}" parsed`);
}

describe('mapping expressions', () => {
  it('reads attributes, dotted paths included, and constants', () => {
    expect(value('givenName')).toBe('Ada');
    expect(value('onPremisesExtensionAttributes.extensionAttribute1')).toBe('CC-42');
    expect(value("'Employee'")).toBe('Employee');
    expect(value('"say \\"hi\\""')).toBe('say "hi"');
    expect(value('missing')).toBeUndefined();
  });

  it('falls back with coalesce past absent attributes and empty templates', () => {
    expect(value("coalesce(costCenter, onPremisesExtensionAttributes.extensionAttribute1, 'none')")).toBe('CC-42');
    expect(value("coalesce(`${costCenter}`, 'none')")).toBe('none');
    expect(value('coalesce(costCenter, missing)')).toBeUndefined();
  });

  it('changes case, trims, joins and fills templates', () => {
    expect(value('lower(mail)')).toBe('ada@example.com');
    expect(value('upper(sn)')).toBe('LOVELACE');
    expect(value('trim(padded)')).toBe('spaced');
    expect(value("join(' / ', departmentNumber)")).toBe('R&D / Ops');
    expect(value("join('-', givenName, missing, sn)")).toBe('Ada-Lovelace');
    expect(value('`${givenName} ${sn} (\\${x})`')).toBe('Ada Lovelace (${x})');
    expect(value('`${givenName}.${missing}`')).toBe('Ada.');
  });

  it('replaces by regex, every occurrence, with group references in the replacement', () => {
    expect(value("replace(mail, '@.*$', '')")).toBe('Ada');
    expect(value("replace(sn, 'l', '_', 'i')")).toBe('_ove_ace');
    expect(value("replace(mail, '^(\\w+)@(\\w+).*$', '$2:$1')")).toBe('Example:Ada');
    expect(value("replace(sn, '.*', '')")).toBeUndefined();
  });

  it('leaves a value too long for a regex out and says so', () => {
    const long: AttributeLookup = () => ['x'.repeat(1025)];
    const result = evaluate(parseExpression("replace(v, 'x', 'y')"), long);
    expect(result.values).toEqual([]);
    expect(result.problems).toEqual(['replace(): a value longer than 1024 characters was left out']);
  });

  it('lists the attributes an expression reads', () => {
    expect(attributesOf(parseExpression("coalesce(a, lower(b.c), `${d}-x`, 'k')"))).toEqual(['a', 'b.c', 'd']);
  });

  it.each([
    ['foo(title)', 'unknown function "foo"'],
    ['eval(title)', 'unknown function "eval"'],
    ['lower(a, b)', 'lower() takes 1 argument(s), got 2'],
    ['join(sep, a)', 'join(): the separator must be a quoted string'],
    ["replace(a, b, 'x')", 'replace(): the pattern must be a quoted string'],
    ["replace(a, 'x', 'y', 'g')", 'replace() flags may only be "i", got "g"'],
    ['lower(a', 'expected "," or ")", found end of expression'],
    ["'open", 'unterminated string starting at column 1'],
    ['`${a b}`', 'a template placeholder holds one attribute name: ${name}, at column 6'],
    ['a b', 'unexpected "b" at column 3'],
    ['', 'expected an attribute, a string or a function, found end of expression'],
    ['x'.repeat(501), 'expression is longer than 500 characters'],
    ['lower('.repeat(10) + 'a' + ')'.repeat(10), 'nested deeper than 8 calls'],
  ])('rejects %s', (source, message) => {
    expect(problem(source)).toBe(message);
  });

  it.each([
    ["replace(a, '(a+)+$', '')", 'nested quantifier'],
    ["replace(a, '(x|xx)*', '')", 'nested quantifier'],
    ["replace(a, '((ab)*c)+', '')", 'nested quantifier'],
    ["replace(a, '(\\w{2,})+', '')", 'nested quantifier'],
    ["replace(a, '(a)\\1', '')", 'backreferences are not allowed'],
    ["replace(a, '(?<n>a)\\k<n>', '')", 'backreferences are not allowed'],
    ["replace(a, '(?=a)', '')", 'lookahead and lookbehind are not allowed'],
    ["replace(a, '(?<!a)b', '')", 'lookahead and lookbehind are not allowed'],
    ["replace(a, '[', '')", 'invalid pattern'],
    [`replace(a, '${'a'.repeat(101)}', '')`, 'longer than 100 characters'],
  ])('refuses the unsafe or invalid regex in %s', (source, message) => {
    expect(problem(source)).toContain(message);
  });

  it('accepts repeated groups without inner repetition, and classes holding quantifier characters', () => {
    expect(value("replace(sn, '(lo)+', '')")).toBe('Lovelace');
    expect(value("replace(mail, '[+*]|(ab)?c*', '')")).toBe('Ada@Example.COM');
    expect(value("replace(mail, '(\\w+)?@', '')")).toBe('Example.COM');
  });

  it('never runs an expression as code', () => {
    expect(problem('constructor.constructor(1)')).toBe('unknown function "constructor.constructor"');
    expect(value('__proto__')).toBeUndefined();
  });
});
