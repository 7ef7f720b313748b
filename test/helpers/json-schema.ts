/**
 * A JSON Schema (2020-12) validator for the keywords docs/plan.schema.json uses, so a test can hold
 * real `--json` output against the committed schema without another dependency. A keyword it does
 * not know is an error, never silently accepted.
 */
export type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description']);

/** Every place `value` breaks `schema`, as `<JSON pointer>: <problem>`; empty when it conforms. */
export function validate(schema: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(schema, value, '', schema, errors);
  return errors;
}

function check(schema: Schema, value: unknown, at: string, root: Schema, errors: string[]): void {
  for (const [keyword, arg] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword) || keyword === '$defs') continue;
    const problem = KEYWORDS[keyword];
    if (!problem) throw new Error(`json-schema: keyword "${keyword}" is not supported (at ${at || '/'})`);
    problem(arg, value, at, root, errors, schema);
  }
}

type Keyword = (arg: unknown, value: unknown, at: string, root: Schema, errors: string[], schema: Schema) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: unknown, type: string): boolean {
  const actual = typeOf(v);
  return actual === type || (type === 'number' && actual === 'integer');
}

function resolveRef(ref: string, root: Schema): Schema {
  const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
  const target = name ? (root.$defs as Record<string, Schema> | undefined)?.[name] : undefined;
  if (!target) throw new Error(`json-schema: cannot resolve ${ref}`);
  return target;
}

function branchErrors(branch: Schema, value: unknown, at: string, root: Schema): string[] {
  const errors: string[] = [];
  check(branch, value, at, root, errors);
  return errors;
}

const KEYWORDS: Record<string, Keyword> = {
  $ref: (arg, value, at, root, errors) => check(resolveRef(arg as string, root), value, at, root, errors),
  type: (arg, value, at, _root, errors) => {
    const types = Array.isArray(arg) ? (arg as string[]) : [arg as string];
    if (!types.some((t) => matchesType(value, t)))
      errors.push(`${at}: is ${typeOf(value)}, expected ${types.join('|')}`);
  },
  const: (arg, value, at, _root, errors) => {
    if (JSON.stringify(arg) !== JSON.stringify(value)) errors.push(`${at}: is not ${JSON.stringify(arg)}`);
  },
  enum: (arg, value, at, _root, errors) => {
    if (!(arg as unknown[]).some((a) => JSON.stringify(a) === JSON.stringify(value)))
      errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(arg)}`);
  },
  required: (arg, value, at, _root, errors) => {
    if (!isObject(value)) return;
    for (const key of arg as string[]) if (!(key in value)) errors.push(`${at}: lacks required "${key}"`);
  },
  properties: (arg, value, at, root, errors) => {
    if (!isObject(value)) return;
    for (const [key, sub] of Object.entries(arg as Record<string, Schema>))
      if (key in value) check(sub, value[key], `${at}/${key}`, root, errors);
  },
  additionalProperties: (arg, value, at, root, errors, schema) => {
    if (!isObject(value)) return;
    const known = new Set(Object.keys(schema.properties ?? {}));
    for (const [key, v] of Object.entries(value)) {
      if (known.has(key)) continue;
      if (arg === false) errors.push(`${at}: has "${key}", which the schema does not describe`);
      else if (isObject(arg)) check(arg, v, `${at}/${key}`, root, errors);
    }
  },
  items: (arg, value, at, root, errors) => {
    if (Array.isArray(value)) value.forEach((v, i) => check(arg as Schema, v, `${at}/${i}`, root, errors));
  },
  minItems: (arg, value, at, _root, errors) => {
    if (Array.isArray(value) && value.length < (arg as number)) errors.push(`${at}: fewer than ${String(arg)} items`);
  },
  maxItems: (arg, value, at, _root, errors) => {
    if (Array.isArray(value) && value.length > (arg as number)) errors.push(`${at}: more than ${String(arg)} items`);
  },
  minLength: (arg, value, at, _root, errors) => {
    if (typeof value === 'string' && [...value].length < (arg as number))
      errors.push(`${at}: shorter than ${String(arg)}`);
  },
  minimum: (arg, value, at, _root, errors) => {
    if (typeof value === 'number' && value < (arg as number)) errors.push(`${at}: less than ${String(arg)}`);
  },
  pattern: (arg, value, at, _root, errors) => {
    if (typeof value === 'string' && !new RegExp(arg as string, 'u').test(value))
      errors.push(`${at}: does not match ${String(arg)}`);
  },
  format: (arg, value, at, _root, errors) => {
    if (arg !== 'date-time') throw new Error(`json-schema: format "${String(arg)}" is not supported`);
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
    if (typeof value === 'string' && !(rfc3339.test(value) && !Number.isNaN(Date.parse(value))))
      errors.push(`${at}: is not an RFC 3339 date-time`);
  },
  allOf: (arg, value, at, root, errors) => {
    for (const branch of arg as Schema[]) check(branch, value, at, root, errors);
  },
  oneOf: (arg, value, at, root, errors) => {
    const results = (arg as Schema[]).map((b) => branchErrors(b, value, at, root));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing === 1) return;
    if (passing > 1) errors.push(`${at}: matches ${passing} oneOf branches`);
    else
      errors.push(
        `${at}: matches no oneOf branch; closest: ${results.sort((a, b) => a.length - b.length)[0]?.join('; ')}`,
      );
  },
};
