import type { Client } from '@okta/okta-sdk-nodejs';
import { SourceReadError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Group } from '../../model/group.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { User } from '../../model/user.js';
import { logSnapshotRead } from '../read-log.js';
import type { SourceConnector, SourceStateStore, SupportsProbe, SupportsReread } from '../types.js';
import { resolveCredentials } from './auth.js';
import { createOktaApi, createSdkClient, type OktaApi } from './client.js';
import type { OktaSourceConfig } from './config.js';
import { describeFailure } from './errors.js';
import { OktaRequestExecutor } from './executor.js';
import { readWithState, roundSpec } from './incremental.js';
import { rereadGroup, rereadUser } from './reread.js';
import { toSnapshot } from './transform.js';

export { oktaSourceConfigSchema, type OktaSourceConfig, type OktaSourceConfigInput } from './config.js';

export interface OktaSourceDeps {
  logger: Logger;
  /** Where `{ env }` secrets are looked up; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Holds the last complete round for incremental reads (incremental.ts). */
  state: SourceStateStore;
  /** Clock for the full-read interval; tests move it. */
  now?: () => number;
}

/**
 * An Okta source read through `@okta/okta-sdk-nodejs`. Every failure, including aborts and a page that
 * fails halfway through a list, surfaces as `SourceReadError`; no partial snapshot is ever returned
 * to plan from. Secrets are resolved again at each full read, so a rotated key or token in a
 * mounted file is picked up without a restart.
 */
export function createOktaSource(
  config: OktaSourceConfig,
  deps: OktaSourceDeps,
): SourceConnector & SupportsReread & SupportsProbe {
  const log = deps.logger.child({ component: 'source', source: { kind: 'okta', id: config.id } });
  const now = deps.now ?? Date.now;
  const spec = roundSpec(config);
  // One executor for the source's lifetime: its concurrency bound and rate-limit pause cover every operation.
  const executor = new OktaRequestExecutor({
    origin: new URL(config.orgUrl).origin,
    maxConcurrency: config.maxConcurrency,
    requestTimeoutMs: config.requestTimeoutMs,
    maxRetries: config.rateLimit.maxRetries,
    maxWaitMs: config.rateLimit.maxWaitSeconds * 1000,
    logger: log,
  });
  let client: Client | undefined;

  async function connect(fresh: boolean): Promise<Client> {
    if (client !== undefined && !fresh) return client;
    const credentials = await resolveCredentials(config, deps.env);
    client = createSdkClient({ orgUrl: config.orgUrl, credentials, executor });
    return client;
  }

  async function run<T>(
    operation: string,
    signal: AbortSignal,
    fresh: boolean,
    work: (api: OktaApi) => Promise<T>,
    pageSize: number = config.pageSize,
  ): Promise<T> {
    try {
      signal.throwIfAborted();
      const api = createOktaApi(await connect(fresh), pageSize, signal);
      return await work(api);
    } catch (err) {
      throw new SourceReadError(
        config.id,
        `${operation} failed${signal.aborted ? ' (aborted)' : ''}: ${describeFailure(err)}`,
        { cause: err },
      );
    }
  }

  return {
    id: config.id,
    kind: 'okta',

    async readSnapshot(signal: AbortSignal): Promise<Snapshot> {
      const started = performance.now();
      const readAt = new Date(now()).toISOString();
      const round = await run('read', signal, true, (api) =>
        readWithState(api, config, { state: deps.state, logger: log, now }),
      );
      const snapshot = toSnapshot(round.directory, spec, readAt);
      const excluded = [...round.directory.users.values()].filter((entry) => entry.kind === 'excluded').length;
      log.info(
        {
          mode: round.mode,
          ...(round.reason === undefined ? {} : { fullReadReason: round.reason }),
          excludedUsers: excluded,
        },
        'Okta read round complete',
      );
      logSnapshotRead(log, snapshot, started);
      return snapshot;
    },

    rereadUser(immutableId: string, signal: AbortSignal): Promise<User | null> {
      return run(`re-read of user ${immutableId}`, signal, false, (api) => rereadUser(api, spec, immutableId));
    },

    rereadGroup(immutableId: string, signal: AbortSignal): Promise<Group | null> {
      return run(`re-read of group ${immutableId}`, signal, false, (api) => rereadGroup(api, spec, immutableId));
    },

    /** Credentials (SSWS token, or a private-key JWT exchanged for an access token), then one user: limit=1. */
    async probe(signal: AbortSignal): Promise<string> {
      return run(
        'connection check',
        signal,
        true,
        async (api) => {
          for await (const _user of api.searchUsers('status eq "ACTIVE"')) break;
          return `authenticated to ${new URL(config.orgUrl).host}; GET /api/v1/users answered`;
        },
        1,
      );
    },

    /** Aborts requests in flight; the source is not used after this. */
    async close(): Promise<void> {
      executor.close();
    },
  };
}
