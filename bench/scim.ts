import { createScimClient } from '../src/cli/compose.js';
import type { Config } from '../src/config/schema.js';
import { silentLogger } from '../src/log/logger.js';
import { TokenBucketLimiter } from '../src/scim/limiter.js';
import { ThrottlePolicy } from '../src/scim/throttle.js';

/** The SCIM client, limiter and 429 policy of a run, built as `icsync sync` builds them. */
export function benchScim(config: Config): {
  scim: ReturnType<typeof createScimClient>;
  limiter: TokenBucketLimiter;
  throttle: ThrottlePolicy;
} {
  const limiter = new TokenBucketLimiter({
    ratePerSecond: config.sync.rateLimit.requestsPerSecond,
    burst: config.sync.rateLimit.burst,
  });
  const throttle = new ThrottlePolicy(limiter, {
    maxWaitMs: config.sync.maxThrottleWaitMs,
    baseMs: config.sync.retryBaseMs,
    capMs: config.sync.retryMaxMs,
  });
  const scim = createScimClient(config, 'bench-token', limiter, silentLogger(), throttle);
  return { scim, limiter, throttle };
}
