import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { secretRefSchema, type SecretRef } from '../secret/secret.js';
import type { Config } from './schema.js';

/** One file or directory the configuration names, with where it is named (`sources[0].caFile`). */
export interface FileReference {
  configPath: string;
  file: string;
  /** What icsync does with it: read it, or create files in it. */
  use: 'read' | 'write-directory';
}

export interface ReferenceProblem extends FileReference {
  reason: string;
}

/** Keys whose string value is a file icsync reads (LDAP CA bundle, Entra certificate PEM). */
const FILE_KEYS = new Set(['caFile', 'certificateFile']);

/** Every secret reference with where it is named (`sources[1].bindPassword`). */
export function secretReferences(config: Config): { configPath: string; ref: SecretRef }[] {
  const found: { configPath: string; ref: SecretRef }[] = [];
  walk(config, '', [], found);
  return found;
}

/**
 * Every file the configuration makes icsync read or write besides secrets: CA and certificate
 * files, file-source directories, and the state directory.
 */
export function fileReferences(config: Config): FileReference[] {
  const found: FileReference[] = [];
  walk(config, '', found, []);
  config.sources.forEach((s, i) => {
    if (s.type === 'file') found.push({ configPath: `sources[${i}].path`, file: s.path, use: 'read' });
  });
  if (config.state.kind === 'file')
    found.push({ configPath: 'state.path', file: dirname(resolve(config.state.path)), use: 'write-directory' });
  return found;
}

function walk(
  value: unknown,
  path: string,
  files: FileReference[],
  secrets: { configPath: string; ref: SecretRef }[],
): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, files, secrets));
    return;
  }
  const secret = secretRefSchema.safeParse(value);
  if (secret.success) {
    secrets.push({ configPath: path, ref: secret.data });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (FILE_KEYS.has(key) && typeof child === 'string')
      files.push({ configPath: childPath, file: child, use: 'read' });
    else walk(child, childPath, files, secrets);
  }
}

/** The references that cannot be used as they are, each with a reason an operator can act on. */
export async function checkFileReferences(references: readonly FileReference[]): Promise<ReferenceProblem[]> {
  const problems: ReferenceProblem[] = [];
  for (const ref of references) {
    const reason = ref.use === 'read' ? await unreadable(ref.file) : await unwritableDirectory(ref.file);
    if (reason !== undefined) problems.push({ ...ref, reason });
  }
  return problems;
}

async function unreadable(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile()) return `${file} is not a regular file`;
    await access(file, constants.R_OK);
    return undefined;
  } catch (err) {
    return `${file} ${describe(err)}`;
  }
}

/** The state store creates its directory on first save, so a missing one is fine when its parent is writable. */
async function unwritableDirectory(dir: string): Promise<string | undefined> {
  let existing = dir;
  for (;;) {
    try {
      if (!(await stat(existing)).isDirectory()) return `${existing} is not a directory`;
      await access(existing, constants.W_OK | constants.X_OK);
      return undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(existing) === existing)
        return `${existing} ${describe(err)}${existing === dir ? '' : ` (so ${dir} cannot be created)`}`;
      existing = dirname(existing);
    }
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist (ENOENT)';
  if (code === 'EACCES') return 'is not accessible to this user (EACCES)';
  return `cannot be used (${code ?? 'error'})`;
}
