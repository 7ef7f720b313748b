import type { Redis } from 'ioredis';

/**
 * Replay protection for deliveries that carry a unique id (Okta event uuid, Graph notification id):
 * at-least-once senders repeat them (https://developer.okta.com/docs/concepts/event-hooks/), and a replay
 * must not cost a second re-read.
 */
export interface HintDedupe {
  /** True the first time `key` is seen within `ttlSeconds`; false for a replay. */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Drops a key whose hints could not be persisted, so the sender's retry (Okta retries once, Graph
   * for 4 h) is processed instead of being taken for a replay.
   */
  forget(key: string): Promise<void>;
}

/** Callers pass validated ids; this keeps any other byte out of a Redis key all the same. */
function safeKey(key: string): string {
  return key.replace(/[^A-Za-z0-9:_.-]/g, '_').slice(0, 200);
}

/** SET NX EX: atomic across receiver replicas, and the key expires on its own, so Redis cannot grow past TTL × rate. */
export class RedisDedupe implements HintDedupe {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  private redisKey(key: string): string {
    return `${this.keyPrefix}:webhook:seen:${safeKey(key)}`;
  }

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.redisKey(key), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async forget(key: string): Promise<void> {
    await this.redis.del(this.redisKey(key));
  }
}

/** Bounds memory when a sender floods unique ids; the oldest entries go first. */
const MEMORY_MAX_ENTRIES = 100_000;

/** Single-process dedupe for tests and a Redis-less receiver; loses its memory on restart. */
export class MemoryDedupe implements HintDedupe {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    const k = safeKey(key);
    const expires = this.seen.get(k);
    if (expires !== undefined && expires > this.now()) return false;
    this.seen.delete(k);
    this.seen.set(k, this.now() + ttlSeconds * 1000);
    this.evict();
    return true;
  }

  async forget(key: string): Promise<void> {
    this.seen.delete(safeKey(key));
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(): void {
    if (this.seen.size <= MEMORY_MAX_ENTRIES) return;
    const now = this.now();
    for (const [k, expires] of this.seen) {
      if (expires <= now) this.seen.delete(k);
    }
    for (const k of this.seen.keys()) {
      if (this.seen.size <= MEMORY_MAX_ENTRIES) break;
      this.seen.delete(k);
    }
  }
}
