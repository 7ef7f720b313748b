import type { Redis } from 'ioredis';
import { StateStoreError } from '../errors.js';
import type { SourceStateStore } from '../sources/types.js';
import { emptyState, type StateStore, type SyncState } from './store.js';

/**
 * The run state on Redis, beside the queue, for deployments whose producer and workers run on
 * different machines (no shared disk). One JSON value per key, written whole.
 */
export class RedisStateStore implements StateStore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async load(): Promise<SyncState> {
    const text = await this.redis.get(this.key);
    if (text === null) return emptyState();
    try {
      const parsed = JSON.parse(text) as SyncState;
      if (parsed.version !== 1) throw new Error(`unknown version ${String(parsed.version)}`);
      return { ...emptyState(), ...parsed };
    } catch (err) {
      throw new StateStoreError(`state: Redis key ${this.key} is corrupt (${(err as Error).message})`, { cause: err });
    }
  }

  async save(state: SyncState): Promise<void> {
    await this.redis.set(this.key, JSON.stringify(state));
  }
}

export class RedisSourceStateStore implements SourceStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async load<T>(key: string): Promise<T | undefined> {
    const text = await this.redis.get(`${this.keyPrefix}:${key}`);
    return text === null ? undefined : (JSON.parse(text) as T);
  }

  async save<T>(key: string, value: T): Promise<void> {
    await this.redis.set(`${this.keyPrefix}:${key}`, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(`${this.keyPrefix}:${key}`);
  }
}
