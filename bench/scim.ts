import { createScimClient, rateControls } from '../src/cli/compose.js';
import type { Config } from '../src/config/schema.js';
import { silentLogger } from '../src/log/logger.js';
import type { TokenBucketLimiter } from '../src/scim/limiter.js';
import type { ThrottlePolicy } from '../src/scim/throttle.js';

/** The SCIM client, limiter and 429 policy of a run, built as `icsync sync` builds them. */
export function benchScim(config: Config): {
  scim: ReturnType<typeof createScimClient>;
  limiter: TokenBucketLimiter;
  throttle: ThrottlePolicy;
} {
  const { limiter, throttle } = rateControls(config.sync);
  const scim = createScimClient(config, 'bench-token', limiter, silentLogger(), throttle);
  return { scim, limiter, throttle };
}
