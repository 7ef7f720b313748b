import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';
import { directoryFileSchema } from '../../src/sources/file/format.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The JSON Schemas committed under docs/, generated from the one zod schema of each file so they
 * cannot drift: `npm run schema` rewrites them and a test fails when a committed copy differs.
 * `io: 'input'` describes what an operator writes (defaults optional, strings accepted where YAML
 * or an environment override gives one), not the parsed result. Refinements zod cannot express in
 * JSON Schema (unique ids, the SCIM URL rule) are left to `icsync validate-config`.
 */
export const SCHEMAS = {
  'docs/file-source.schema.json': { schema: directoryFileSchema, title: 'icsync directory file (file source)' },
  'docs/config.schema.json': { schema: configSchema, title: 'icsync configuration file' },
} as const;

/** Formatted like every other file of the tree, so `npm run format:check` accepts the output as is. */
export async function renderSchemas(): Promise<Record<string, string>> {
  const rendered: Record<string, string> = {};
  for (const [path, { schema, title }] of Object.entries(SCHEMAS)) {
    const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input' });
    const options = await resolveConfig(join(ROOT, path));
    rendered[path] = await format(JSON.stringify({ $schema, title, ...rest }), { ...options, parser: 'json' });
  }
  return rendered;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [path, text] of Object.entries(await renderSchemas())) {
    writeFileSync(join(ROOT, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
