import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

export const ENV_PREFIX = 'ICSYNC__';

/**
 * Loads the YAML file, applies environment overrides and validates against the one schema.
 * Overrides use `ICSYNC__<SECTION>__<KEY>` with snake-case keys, e.g.
 * `ICSYNC__SYNC__RATE_LIMIT__REQUESTS_PER_SECOND=5` → sync.rateLimit.requestsPerSecond.
 */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `config: ${path} does not exist (pass --config <path> or set ICSYNC_CONFIG)`
        : `config: cannot read ${path} (${code ?? 'error'})`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    // The parser appends a source excerpt over several lines; its first line already says where.
    const where = ((err as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    throw new ConfigError(`config: ${path} is not valid YAML (or JSON): ${where}`);
  }
  return parseConfig(applyEnvOverrides(raw, env), path);
}

export function parseConfig(raw: unknown, origin = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`config: ${origin} is invalid:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  const root = (raw && typeof raw === 'object' ? structuredClone(raw) : {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).split('__').map(snakeToCamel);
    if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
      throw new ConfigError(`config: environment override ${name} has an invalid path`);
    }
    setPath(root, path, value);
  }
  return root;
}

function setPath(root: Record<string, unknown>, path: string[], value: string): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

function snakeToCamel(s: string): string {
  return s.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
