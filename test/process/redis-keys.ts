import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A key prefix no other test uses (`redis.keyPrefix` allows [A-Za-z0-9_-]{1,40}). */
export function uniquePrefix(name: string): string {
  return `icsync-proc-${name}-${randomUUID().slice(0, 8)}`;
}

/** Every key under the prefix with its contents as text (strings, hashes, lists, sets, streams), then deletes them. */
export async function drainPrefix(prefix: string): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const keys = await redis.keys(`${prefix}:*`);
    const dumps: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') dumps.push(String(await redis.get(key)));
      else if (type === 'hash') dumps.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') dumps.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') dumps.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') dumps.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') dumps.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    if (keys.length > 0) await redis.del(...keys);
    return `${keys.join('\n')}\n${dumps.join('\n')}`;
  } finally {
    redis.disconnect();
  }
}
