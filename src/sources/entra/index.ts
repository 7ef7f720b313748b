import { SourceReadError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Group } from '../../model/group.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { User } from '../../model/user.js';
import { logSnapshotRead } from '../read-log.js';
import type { SourceConnector, SourceStateStore, SupportsProbe, SupportsReread } from '../types.js';
import { assembleSnapshot, type RawDirectory } from './assemble.js';
import { EntraGraph } from './client.js';
import type { EntraSourceConfig } from './config.js';
import { createCredential, graphScope } from './credential.js';
import { readIncremental } from './delta.js';
import { sanitizedError } from './graph-error.js';
import type { RetryEvent } from './middleware.js';
import { readEntraDirectory } from './read.js';
import { readsManager, withManagers } from './managers.js';
import { rereadEntraGroup, rereadEntraUser } from './reread.js';

export { entraSourceConfigSchema, type EntraSourceConfig, type EntraSourceConfigInput } from './config.js';

/** The registry's SourceDeps, restated here so this folder does not import the registry that imports it. */
export interface EntraSourceDeps {
  logger: Logger;
  /** Where `{ env }` secret references are looked up; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Delta links and the merged directory of incremental reads (delta.ts). */
  state: SourceStateStore;
}

/**
 * An Entra ID source read through Microsoft Graph. A read resolves only with a complete snapshot; any failure,
 * including an abort, surfaces as SourceReadError with no partial result. Logs carry counts and timings, never
 * tokens, secrets or user attributes.
 */
export function createEntraSource(
  config: EntraSourceConfig,
  deps: EntraSourceDeps,
): SourceConnector & SupportsReread & SupportsProbe {
  const log = deps.logger.child({ component: 'source', source: { kind: 'entra', id: config.id } });
  let graph: Promise<EntraGraph> | undefined;

  const connect = (): Promise<EntraGraph> => {
    graph ??= createCredential(config, deps.env).then((credential) =>
      EntraGraph.create({
        credential,
        graphBaseUrl: config.graphBaseUrl,
        scopes: [graphScope(config.graphBaseUrl)],
        pageSize: config.pageSize,
        requestTimeoutMs: config.requestTimeoutMs,
        retry: config.retry,
        onRetry: (event: RetryEvent) => log.warn({ ...event }, 'Graph request retried'),
      }),
    );
    // A failed secret lookup is not cached: the next run looks again.
    graph.catch(() => (graph = undefined));
    return graph;
  };

  async function session<T>(
    operation: string,
    signal: AbortSignal,
    work: (graph: EntraGraph) => Promise<T>,
  ): Promise<T> {
    try {
      signal.throwIfAborted();
      return await work(await connect());
    } catch (err) {
      const cause = sanitizedError(err);
      throw new SourceReadError(
        config.id,
        `${operation} failed${signal.aborted ? ' (aborted)' : ''}: ${cause.message}`,
        { cause },
      );
    }
  }

  return {
    id: config.id,
    kind: 'entra',

    async readSnapshot(signal: AbortSignal): Promise<Snapshot> {
      const started = performance.now();
      const readAt = new Date().toISOString();
      const raw = await session<RawDirectory>(config.incremental ? 'delta read' : 'full read', signal, (g) =>
        config.incremental
          ? readIncremental(g, deps.state, config, log, signal)
          : readEntraDirectory(g, config, signal),
      ).then(async (read) =>
        readsManager(config.mapping)
          ? {
              ...read,
              users: await session('manager read', signal, (g) => withManagers(g, read.users, config, signal)),
            }
          : read,
      );
      const snapshot = assembleSnapshot(raw, config, readAt);
      logSnapshotRead(log, snapshot, started);
      return snapshot;
    },

    async rereadUser(immutableId: string, signal: AbortSignal): Promise<User | null> {
      return session('user re-read', signal, (g) => rereadEntraUser(g, config, immutableId, signal));
    },

    async rereadGroup(immutableId: string, signal: AbortSignal): Promise<Group | null> {
      return session('group re-read', signal, (g) => rereadEntraGroup(g, config, immutableId, signal));
    },

    /** A token for the app, then GET /users?$top=1&$select=id, which needs User.Read.All like the full read. */
    async probe(signal: AbortSignal): Promise<string> {
      return session('connection check', signal, async (g) => {
        await g.sample('/users', signal);
        return `token issued for tenant ${config.tenantId}; GET ${new URL(config.graphBaseUrl).host}/users answered`;
      });
    },

    /** Requests go through the global fetch dispatcher; nothing is held open between reads. */
    async close(): Promise<void> {},
  };
}
