import { dirname } from 'node:path';
import type { Config } from '../config/schema.js';
import { assertSafeEnvironment } from '../config/environment.js';
import { resolveSecret } from '../config/secret.js';
import { createLogger, type Logger } from '../log/logger.js';
import { ScimClient } from '../scim/client.js';
import { TokenBucketLimiter } from '../scim/limiter.js';
import { createSource } from '../sources/registry.js';
import type { SourceConnector } from '../sources/types.js';
import { FileSourceStateStore } from '../state/file-source-state.js';
import { FileStateStore } from '../state/file-store.js';
import type { RunDeps } from '../sync/run.js';

export interface Composed extends RunDeps {
  limiter: TokenBucketLimiter;
  close(): Promise<void>;
}

/**
 * The composition root: config → secrets → logger → sources → SCIM client → state store.
 * Secrets are read here and handed to the logger so any accidental echo is scrubbed.
 */
export async function compose(config: Config, env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<Composed> {
  assertSafeEnvironment(env);
  const token = await resolveSecret(config.target.token, env);
  const log = logger ?? createLogger({ level: config.log.level, secrets: [token, ...(await sourceSecrets(config, env))] });
  const limiter = new TokenBucketLimiter({ ratePerSecond: config.sync.rateLimit.requestsPerSecond, burst: config.sync.rateLimit.burst });
  const scim = new ScimClient({
    baseUrl: config.target.baseUrl,
    token,
    limiter,
    requestTimeoutMs: config.target.requestTimeoutMs,
    logger: log.child({ component: 'scim' }),
    ...(config.target.userAgent ? { userAgent: config.target.userAgent } : {}),
  });
  const stateDir = dirname(config.state.path);
  const sources: SourceConnector[] = config.sources.map((s) => createSource(s, { logger: log, env, state: new FileSourceStateStore(stateDir, s.id) }));
  return {
    config,
    sources,
    scim,
    limiter,
    state: new FileStateStore(config.state.path),
    logger: log,
    async close() {
      await Promise.allSettled([...sources.map((s) => s.close()), scim.close()]);
    },
  };
}

/** Source secrets to scrub from logs (resolved again by each source; failures surface there). */
async function sourceSecrets(config: Config, env: NodeJS.ProcessEnv): Promise<string[]> {
  const out: string[] = [];
  for (const s of config.sources) {
    if (s.type === 'ldap') {
      try {
        out.push(await resolveSecret(s.bindPassword, env));
      } catch {
        continue;
      }
    }
  }
  return out;
}
