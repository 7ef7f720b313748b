import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * A secret is never written in the YAML itself: the config names an environment variable or a
 * mounted file (a Kubernetes Secret volume) that holds it.
 */
export const secretRefSchema = z.union([
  z.strictObject({ env: z.string().min(1).describe('name of the environment variable holding the secret') }),
  z.strictObject({ file: z.string().min(1).describe('path of a mounted file holding the secret') }),
]);

export type SecretRef = z.infer<typeof secretRefSchema>;

export async function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '')
      throw new ConfigError(`secret: environment variable ${ref.env} is not set`);
    return value;
  }
  try {
    const value = (await readFile(ref.file, 'utf8')).trim();
    if (value === '') throw new ConfigError(`secret: file ${ref.file} is empty`);
    return value;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`secret: cannot read file ${ref.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Every secret reference inside a config subtree (a source's bind password, client secret, key …). */
export function findSecretRefs(value: unknown): SecretRef[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(findSecretRefs);
  const parsed = secretRefSchema.safeParse(value);
  if (parsed.success) return [parsed.data];
  return Object.values(value).flatMap(findSecretRefs);
}
