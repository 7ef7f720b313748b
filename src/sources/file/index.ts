import { readFile } from 'node:fs/promises';
import { SourceReadError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { SourceConnector, SupportsProbe } from '../types.js';
import { fileFormat, type FileSourceConfig } from './config.js';
import type { DirectoryFile } from './format.js';
import { DirectoryFileError, parseDirectoryFile, toSnapshot } from './read.js';
import { logSnapshotRead } from '../read-log.js';

export { fileSourceConfigSchema, type FileSourceConfig } from './config.js';

export interface FileSourceDeps {
  logger: Logger;
}

/**
 * A source backed by one JSON or YAML file (format.ts). The file is read whole on every run; an
 * unreadable or invalid file fails the read instead of yielding an empty or partial snapshot.
 */
export function createFileSource(config: FileSourceConfig, deps: FileSourceDeps): SourceConnector & SupportsProbe {
  const log = deps.logger.child({ component: 'source', source: { kind: 'file', id: config.id } });
  return {
    id: config.id,
    kind: 'file',

    async readSnapshot(signal: AbortSignal): Promise<Snapshot> {
      const started = performance.now();
      const readAt = new Date().toISOString();
      const snapshot = toSnapshot(await load(config, signal), config, readAt);
      logSnapshotRead(log, snapshot, started);
      return snapshot;
    },

    async probe(signal: AbortSignal): Promise<string> {
      const file = await load(config, signal);
      return `${config.path} parsed: ${file.users.length} user(s), ${file.groups.length} group(s)`;
    },

    /** Nothing is held open between reads. */
    async close(): Promise<void> {},
  };
}

async function load(config: FileSourceConfig, signal: AbortSignal): Promise<DirectoryFile> {
  const format = fileFormat(config.path);
  if (format === undefined)
    throw new SourceReadError(config.id, `file "${config.path}" must end in .json, .yaml or .yml`);
  let text: string;
  try {
    text = await readFile(config.path, { encoding: 'utf8', signal });
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.name : 'error');
    throw new SourceReadError(config.id, `cannot read file "${config.path}" (${reason})`, { cause: err });
  }
  try {
    return parseDirectoryFile(text, format);
  } catch (err) {
    if (err instanceof DirectoryFileError)
      throw new SourceReadError(config.id, `file "${config.path}" ${err.message}`, { cause: err });
    throw err;
  }
}
