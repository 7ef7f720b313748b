/** Every Redis key icsync writes, in one place, under the configured prefix. */
export function runKey(prefix: string, runId: string, part: 'ids' | 'results' | 'breaker'): string {
  return `${prefix}:run:${runId}:${part}`;
}

export function lockKey(prefix: string, name: string): string {
  return `${prefix}:lock:${name}`;
}

export function stateKey(prefix: string, part: string): string {
  return `${prefix}:state:${part}`;
}

/** How long a run's id directory and results outlive it, for post-mortems. */
export const RUN_KEYS_TTL_SECONDS = 7 * 24 * 3600;
