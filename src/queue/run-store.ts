import type { Redis } from 'ioredis';
import type { OperationResult } from '../apply/outcome.js';
import type { IdDirectory } from '../apply/port.js';
import type { ScimId } from '../model/ids.js';
import { runKey, RUN_KEYS_TTL_SECONDS } from './keys.js';

/**
 * What the workers of one run share in Redis: the ids of objects created during the run (so a
 * member PATCH on another worker can address a user created a moment ago), each operation's
 * final result, the circuit breaker that stops the run on rejected credentials, and the line saying
 * the AWS SCIM endpoint could not be reached, which stops it too.
 */
export class RunStore implements IdDirectory {
  readonly #redis: Redis;
  readonly #ids: string;
  readonly #results: string;
  readonly #breaker: string;
  readonly #unreachable: string;

  constructor(redis: Redis, prefix: string, runId: string) {
    this.#redis = redis;
    this.#ids = runKey(prefix, runId, 'ids');
    this.#results = runKey(prefix, runId, 'results');
    this.#breaker = runKey(prefix, runId, 'breaker');
    this.#unreachable = runKey(prefix, runId, 'unreachable');
  }

  async get(kind: 'user' | 'group', externalId: string): Promise<ScimId | undefined> {
    return ((await this.#redis.hget(this.#ids, `${kind}:${externalId}`)) ?? undefined) as ScimId | undefined;
  }

  async set(kind: 'user' | 'group', externalId: string, id: ScimId): Promise<void> {
    await this.#redis
      .multi()
      .hset(this.#ids, `${kind}:${externalId}`, id)
      .expire(this.#ids, RUN_KEYS_TTL_SECONDS)
      .exec();
  }

  /** Records an operation's final outcome once; a later duplicate (a re-run stalled job) does not overwrite it. */
  async record(result: OperationResult): Promise<void> {
    await this.#redis
      .multi()
      .hsetnx(this.#results, String(result.index), JSON.stringify(result))
      .expire(this.#results, RUN_KEYS_TTL_SECONDS)
      .exec();
  }

  async count(): Promise<number> {
    return this.#redis.hlen(this.#results);
  }

  async missing(indices: readonly number[]): Promise<number[]> {
    if (indices.length === 0) return [];
    const values = await this.#redis.hmget(this.#results, ...indices.map(String));
    return indices.filter((_, i) => values[i] === null);
  }

  async results(): Promise<OperationResult[]> {
    const all = await this.#redis.hgetall(this.#results);
    return Object.values(all).map((v) => JSON.parse(v) as OperationResult);
  }

  async tripBreaker(reason: string): Promise<void> {
    await this.#redis.set(this.#breaker, reason, 'EX', RUN_KEYS_TTL_SECONDS);
  }

  async breakerTripped(): Promise<boolean> {
    return (await this.#redis.exists(this.#breaker)) === 1;
  }

  /** Stops the run: no later job writes. The first worker to find the endpoint unreachable names it. */
  async markUnreachable(message: string): Promise<void> {
    await this.#redis.set(this.#unreachable, message, 'EX', RUN_KEYS_TTL_SECONDS, 'NX');
  }

  async unreachable(): Promise<string | undefined> {
    return (await this.#redis.get(this.#unreachable)) ?? undefined;
  }
}
