import { resolveSecret } from '../../secret/secret.js';
import { SourceReadError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Group } from '../../model/group.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { User } from '../../model/user.js';
import type { SourceConnector, SupportsProbe, SupportsReread } from '../types.js';
import { connectLdap, type LdapDirectory } from './client.js';
import type { LdapSourceConfig } from './config.js';
import { anyObject } from './filters.js';
import { readLdapSnapshot } from './read.js';
import { rereadGroup, rereadUser } from './reread.js';
import { buildReadSpec, type LdapReadSpec } from './spec.js';
import { detectVendor, LDAP_VENDORS, ROOT_DSE_ATTRIBUTES, type LdapVendor } from './vendors.js';
import { logSnapshotRead } from '../read-log.js';

export { ldapSourceConfigSchema, type LdapSourceConfig, type LdapSourceConfigInput } from './config.js';

export interface LdapSourceDeps {
  logger: Logger;
  /** Where `bindPassword: { env }` is looked up; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * An LDAP / Active Directory source. Every operation opens its own connection, binds, works and
 * unbinds, so a dropped connection never leaks into the next run. Failures of any kind, including
 * aborts, surface as `SourceReadError`; no partial snapshot is ever returned.
 */
export function createLdapSource(
  config: LdapSourceConfig,
  deps: LdapSourceDeps,
): SourceConnector & SupportsReread & SupportsProbe {
  const log = deps.logger.child({ component: 'source', source: { kind: 'ldap', id: config.id } });
  const open = new Set<LdapDirectory>();
  let detected: LdapVendor | undefined;

  async function session<T>(
    operation: string,
    signal: AbortSignal,
    work: (d: LdapDirectory, s: LdapReadSpec) => Promise<T>,
  ): Promise<T> {
    let directory: LdapDirectory | undefined;
    const onAbort = (): void => void directory?.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      signal.throwIfAborted();
      const bindPassword = await resolveSecret(config.bindPassword, deps.env);
      directory = await connectLdap({
        url: config.url,
        startTls: config.startTls,
        caFile: config.caFile,
        tlsServerName: config.tlsServerName,
        bindDn: config.bindDn,
        bindPassword,
        timeoutMs: config.timeoutMs,
        pageSize: config.pageSize,
      });
      open.add(directory);
      signal.throwIfAborted();
      return await work(directory, buildReadSpec(config, await vendorOf(directory)));
    } catch (err) {
      throw new SourceReadError(
        config.id,
        `${operation} failed${signal.aborted ? ' (aborted)' : ''}: ${messageOf(err)}`,
        { cause: err },
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (directory !== undefined) {
        open.delete(directory);
        await directory.close();
      }
    }
  }

  async function vendorOf(directory: LdapDirectory): Promise<LdapVendor> {
    if (config.vendor !== 'auto') return LDAP_VENDORS[config.vendor];
    if (detected === undefined) {
      const rootDse = await directory.readEntry({
        dn: '',
        filter: anyObject(),
        attributes: ROOT_DSE_ATTRIBUTES,
        binaryAttributes: [],
      });
      detected = detectVendor(rootDse);
      log.info({ vendor: detected.name }, 'directory vendor detected from the RootDSE');
    }
    return detected;
  }

  return {
    id: config.id,
    kind: 'ldap',

    async readSnapshot(signal: AbortSignal): Promise<Snapshot> {
      const started = performance.now();
      const { snapshot, skipped } = await session('full read', signal, (d, s) => readLdapSnapshot(d, s, signal));
      if (skipped.length > 0)
        log.warn({ skipped: skipped.length }, 'entries without an immutable id or a name were skipped');
      if (isInsecure(config)) {
        log.warn({ url: config.url }, INSECURE_BIND);
        snapshot.notices = [
          ...(snapshot.notices ?? []),
          { object: 'source', action: 'warning', field: 'allowInsecure', reason: INSECURE_BIND },
        ];
      }
      for (const notice of snapshot.notices ?? []) {
        if (notice.action === 'warning' && notice.field !== 'allowInsecure')
          log.warn({ object: notice.object, field: notice.field }, notice.reason);
        if (notice.action === 'excluded')
          log.info({ object: notice.object, excluded: notice.count }, 'system objects left out');
      }
      logSnapshotRead(log, snapshot, started);
      return snapshot;
    },

    async rereadUser(immutableId: string, signal: AbortSignal): Promise<User | null> {
      return session('user re-read', signal, (d, s) => rereadUser(d, s, immutableId));
    },

    async rereadGroup(immutableId: string, signal: AbortSignal): Promise<Group | null> {
      const resolved = await session('group re-read', signal, (d, s) => rereadGroup(d, s, immutableId));
      if (resolved === null) return null;
      if (resolved.unresolved.length > 0)
        log.warn({ unresolvedMembers: resolved.unresolved.length }, 'group re-read left members unresolved');
      return resolved.group;
    },

    /** Bind, then a base-scope read of each search base: the smallest search that proves both are usable. */
    async probe(signal: AbortSignal): Promise<string> {
      return session('connection check', signal, async (d, s) => {
        for (const [name, base] of [
          ['users', s.users],
          ['groups', s.groups],
        ] as const) {
          const entry = await d.readEntry({
            dn: base.baseDn,
            filter: anyObject(),
            attributes: ['1.1'],
            binaryAttributes: [],
          });
          if (entry === undefined)
            throw new Error(`${name}.baseDn "${base.baseDn}" does not exist or is not visible to "${config.bindDn}"`);
        }
        return `bound to ${new URL(config.url).host} as "${config.bindDn}" (${s.vendor.name}); users and groups base DNs readable`;
      });
    },

    async close(): Promise<void> {
      await Promise.all([...open].map((d) => d.close()));
      open.clear();
    },
  };
}

/** RFC 4513 §6.3.1: a simple bind without TLS sends the password in clear, readable by anyone on the path. */
const INSECURE_BIND =
  'the bind password was sent in clear over plain ldap:// (allowInsecure: true); use ldaps:// or startTls: true';

function isInsecure(config: LdapSourceConfig): boolean {
  return /^ldap:\/\//i.test(config.url) && !config.startTls;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
