import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SCHEMAS, renderSchemas } from './json-schema.js';

/** Every property name anywhere in a JSON Schema. */
function propertyNames(node: unknown): string[] {
  if (node === null || typeof node !== 'object') return [];
  const own = 'properties' in node && node.properties ? Object.keys(node.properties) : [];
  return [...own, ...Object.values(node).flatMap(propertyNames)];
}

describe('committed JSON Schemas', () => {
  let rendered: Record<string, string>;
  beforeAll(async () => {
    rendered = await renderSchemas();
  });

  it.each(Object.keys(SCHEMAS))('%s matches its zod schema (run `npm run schema` after a schema change)', (path) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(rendered[path]);
  });

  it('docs/file-source.md documents every field of the directory file', () => {
    const doc = readFileSync(join(ROOT, 'docs/file-source.md'), 'utf8');
    const schema = JSON.parse(rendered['docs/file-source.schema.json']!) as unknown;
    const missing = [...new Set(propertyNames(schema))].filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
