import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateStoreError } from '../errors.js';
import { emptyState, type StateStore, type SyncState } from './store.js';

/** The default state store: one JSON file, replaced atomically (write + rename) so a crash never leaves half a file. */
export class FileStateStore implements StateStore {
  constructor(private readonly path: string) {}

  async load(): Promise<SyncState> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw new StateStoreError(`state: cannot read ${this.path}`, { cause: err });
    }
    try {
      const parsed = JSON.parse(text) as SyncState;
      if (parsed.version !== 1) throw new Error(`unknown version ${String(parsed.version)}`);
      return { ...emptyState(), ...parsed };
    } catch (err) {
      throw new StateStoreError(
        `state: ${this.path} is corrupt (${(err as Error).message}); move it aside to start afresh`,
        { cause: err },
      );
    }
  }

  async save(state: SyncState): Promise<void> {
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
      await rename(tmp, this.path);
    } catch (err) {
      throw new StateStoreError(`state: cannot write ${this.path}`, { cause: err });
    }
  }
}
