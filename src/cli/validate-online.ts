import { dirname } from 'node:path';
import type { Config, SourceConfig } from '../config/schema.js';
import { createLogger } from '../log/logger.js';
import { ScimError, ScimTransportError } from '../scim/errors.js';
import { TokenBucketLimiter } from '../scim/limiter.js';
import { resolveSecret } from '../secret/secret.js';
import { supportsProbe } from '../sources/types.js';
import { FileSourceStateStore } from '../state/file-source-state.js';
import { EXIT } from '../sync/exit-codes.js';
import { createScimClient } from './compose.js';
import { createSource } from './sources.js';
import type { Check } from './validate-check.js';

/** What to look at when a source's check fails, by kind (docs/entra.md, docs/okta.md, docs/file-source.md). */
const SOURCE_HINTS: Record<SourceConfig['type'], string> = {
  file: 'the file against docs/file-source.md',
  ldap: 'url, startTls/caFile, bindDn and its password, users.baseDn and groups.baseDn',
  entra:
    'tenantId, clientId, the credential, and the app registration: User.Read.All and GroupMember.Read.All application permissions with admin consent (docs/entra.md)',
  okta: 'orgUrl, the API token or private key and its scopes okta.users.read and okta.groups.read (docs/okta.md)',
};

/**
 * `validate-config --online`: each source authenticates and makes one small read, then AWS answers
 * one authenticated read with the configured token. Nothing is written anywhere, and no directory
 * is read whole. Each result is reported as soon as it is known.
 */
export async function onlineChecks(config: Config, env: NodeJS.ProcessEnv, report: (c: Check) => void): Promise<void> {
  // Each check prints its own line; request logs only add noise unless debugging was asked for.
  const logger = createLogger({ level: ['debug', 'trace'].includes(config.log.level) ? config.log.level : 'silent' });
  const signal = new AbortController().signal;
  for (const sourceConfig of config.sources) {
    const name = `source ${sourceConfig.type}:${sourceConfig.id}`;
    const source = await createSource(sourceConfig, {
      logger,
      env,
      state: new FileSourceStateStore(dirname(config.state.path), sourceConfig.id),
    });
    try {
      if (!supportsProbe(source)) throw new Error('this source kind has no connection check');
      report({ name, ok: true, detail: await source.probe(signal) });
    } catch (err) {
      report({
        name,
        ok: false,
        detail: err instanceof Error ? err.message : String(err),
        hint: SOURCE_HINTS[sourceConfig.type],
        exitCode: EXIT.sourceFailed,
      });
    } finally {
      await source.close();
    }
  }
  report(await checkTarget(config, env, logger));
}

async function checkTarget(
  config: Config,
  env: NodeJS.ProcessEnv,
  logger: ReturnType<typeof createLogger>,
): Promise<Check> {
  const name = 'target';
  const host = new URL(config.target.baseUrl).host;
  const scim = createScimClient(
    config,
    await resolveSecret(config.target.token, env),
    new TokenBucketLimiter({ ratePerSecond: config.sync.rateLimit.requestsPerSecond, burst: 1 }),
    logger,
  );
  try {
    await scim.checkAccess();
    return { name, ok: true, detail: `${host} accepted the SCIM token: GET /Users?count=1 answered` };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    if (err instanceof ScimError && err.endpoint !== undefined)
      return {
        name,
        ok: false,
        detail,
        hint: 'target.baseUrl: copy the SCIM endpoint from IAM Identity Center → Settings → Automatic provisioning',
        exitCode: EXIT.credentialsInvalid,
      };
    if (err instanceof ScimError && err.isAuth)
      return {
        name,
        ok: false,
        detail,
        hint: 'target.token (a current access token) and the tenant id in target.baseUrl',
        exitCode: EXIT.credentialsInvalid,
      };
    if (err instanceof ScimTransportError || (err instanceof ScimError && err.isServer))
      return {
        name,
        ok: false,
        detail,
        hint: `that ${host} resolves and is reachable from here (DNS, proxy, NetworkPolicy egress, TLS trust)`,
        exitCode: EXIT.targetUnavailable,
      };
    return { name, ok: false, detail, hint: 'target.baseUrl and target.token', exitCode: EXIT.targetUnavailable };
  } finally {
    await scim.close();
  }
}
