import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StateStoreError } from '../errors.js';
import type { SourceStateStore } from '../sources/types.js';

const SAFE_KEY = /^[A-Za-z0-9._-]{1,100}$/;

/** Source state as one JSON file per source and key in the state directory, replaced atomically. */
export class FileSourceStateStore implements SourceStateStore {
  constructor(
    private readonly dir: string,
    private readonly sourceId: string,
  ) {}

  async load<T>(key: string): Promise<T | undefined> {
    const path = this.path(key);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateStoreError(`state: cannot read ${path}`, { cause: err });
    }
  }

  async save<T>(key: string, value: T): Promise<void> {
    const path = this.path(key);
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
      await rename(tmp, path);
    } catch (err) {
      throw new StateStoreError(`state: cannot write ${path}`, { cause: err });
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    if (!SAFE_KEY.test(key)) throw new StateStoreError(`state: invalid key "${key}"`);
    return join(this.dir, `source-${this.sourceId}-${key}.json`);
  }
}

/** An in-memory SourceStateStore for tests and one-shot runs. */
export class MemorySourceStateStore implements SourceStateStore {
  private readonly values = new Map<string, string>();

  async load<T>(key: string): Promise<T | undefined> {
    const v = this.values.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  async save<T>(key: string, value: T): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}
