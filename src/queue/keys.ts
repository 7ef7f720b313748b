/** Every Redis key icsync writes, in one place, under the configured prefix. */
export function runKey(prefix: string, runId: string, part: 'ids' | 'results' | 'breaker' | 'unreachable'): string {
  return `${prefix}:run:${runId}:${part}`;
}

/** Set while a full sync waits for the run lock, so webhook hint runs let it go first. */
export function syncWaitingKey(prefix: string): string {
  return `${prefix}:sync:waiting`;
}

export function lockKey(prefix: string, name: string): string {
  return `${prefix}:lock:${name}`;
}

export function stateKey(prefix: string, part: string): string {
  return `${prefix}:state:${part}`;
}

/** How long a run's id directory and results outlive it, for post-mortems. */
export const RUN_KEYS_TTL_SECONDS = 7 * 24 * 3600;

/** Sorted set of the workers consuming a queue, scored by their last heartbeat (Redis server time, ms). */
export function workersKey(prefix: string, queueName: string): string {
  return `${prefix}:workers:${queueName}`;
}
