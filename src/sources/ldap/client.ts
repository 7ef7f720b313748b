import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, NoSuchObjectError, ResultCodeError, type Filter } from 'ldapts';
import { toLdapEntry, type LdapEntry } from './entry.js';

export interface SearchSpec {
  baseDn: string;
  scope: 'one' | 'sub';
  filter: Filter;
  attributes: readonly string[];
  binaryAttributes: readonly string[];
}

export interface EntryRead {
  dn: string;
  filter: Filter;
  attributes: readonly string[];
  binaryAttributes: readonly string[];
}

/**
 * What the reader needs from a bound directory connection. `connectLdap` returns the ldapts-backed one;
 * tests hand `read.ts` a fake, so the reader is tested without a server.
 */
export interface LdapDirectory {
  /**
   * A simple paged results search (RFC 2696), one page at a time. Any result code other than success,
   * including sizeLimitExceeded and timeLimitExceeded, and any connection loss between pages, throws.
   */
  searchPages(spec: SearchSpec): AsyncIterable<readonly LdapEntry[]>;
  /** Base-scope read of one entry; undefined when it does not exist or does not match `filter`. */
  readEntry(read: EntryRead): Promise<LdapEntry | undefined>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  url: string;
  startTls: boolean;
  caFile?: string;
  tlsServerName?: string;
  bindDn: string;
  bindPassword: string;
  timeoutMs: number;
  pageSize: number;
}

/** A failed LDAP operation, named for the operator. Messages carry DNs and result codes, never the password. */
export class LdapOperationError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`${operation} failed: ${describeCause(cause)}`, { cause });
    this.name = 'LdapOperationError';
  }
}

/** Opens a connection, upgrades it with StartTLS when asked, and binds. */
export async function connectLdap(options: ConnectOptions): Promise<LdapDirectory> {
  // RFC 4513 §5.1.2: a simple bind with a DN and an empty password is an unauthenticated (anonymous) bind.
  if (options.bindPassword === '') throw new LdapOperationError('bind', new Error('the bind password is empty'));
  const tls = await tlsOptions(options);
  // ldapts switches to TLS-on-connect whenever tlsOptions has a value, whatever the URL scheme, so
  // they are given only for ldaps://; StartTLS gets them at upgrade time.
  const ldaps = new URL(options.url).protocol === 'ldaps:';
  const client = new Client({
    url: options.url,
    timeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    ...(ldaps ? { tlsOptions: { ...tls } } : {}),
  });
  try {
    if (options.startTls) await step('StartTLS', () => client.startTLS(startTlsOptions(options.url, tls)));
    await step(`bind as "${options.bindDn}"`, () => client.bind(options.bindDn, options.bindPassword));
  } catch (err) {
    await client.unbind().catch(() => undefined);
    throw err;
  }
  return new LdaptsDirectory(client, options.pageSize);
}

class LdaptsDirectory implements LdapDirectory {
  constructor(
    private readonly client: Client,
    private readonly pageSize: number,
  ) {}

  async *searchPages(spec: SearchSpec): AsyncIterable<readonly LdapEntry[]> {
    // Never a client sizeLimit: ldapts then turns the server's sizeLimitExceeded into a silently truncated success
    // (ldapts src/Client.ts, https://github.com/ldapts/ldapts). Search continuation references (AD's DomainDnsZones
    // and similar partitions) are not chased: only entries in the configured naming context are read.
    const pages = this.client.searchPaginated(spec.baseDn, {
      scope: spec.scope,
      filter: spec.filter,
      attributes: [...spec.attributes],
      explicitBufferAttributes: [...spec.binaryAttributes],
      paged: { pageSize: this.pageSize },
    });
    try {
      for await (const page of pages) yield page.searchEntries.map(toLdapEntry);
    } catch (err) {
      throw new LdapOperationError(`search under "${spec.baseDn}"`, err);
    }
  }

  async readEntry(read: EntryRead): Promise<LdapEntry | undefined> {
    // Not paged: a base-scope search returns at most one entry, so no server size limit can truncate it.
    try {
      const result = await this.client.search(read.dn, {
        scope: 'base',
        filter: read.filter,
        attributes: [...read.attributes],
        explicitBufferAttributes: [...read.binaryAttributes],
      });
      const raw = result.searchEntries[0];
      return raw === undefined ? undefined : toLdapEntry(raw);
    } catch (err) {
      if (err instanceof NoSuchObjectError) return undefined;
      throw new LdapOperationError(`read of "${read.dn}"`, err);
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

async function step(operation: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    throw new LdapOperationError(operation, err);
  }
}

/** Certificate verification stays on (Node's default); only the trust anchors and the expected name change. */
async function tlsOptions(options: ConnectOptions): Promise<ConnectionOptions> {
  const tls: ConnectionOptions = { minVersion: 'TLSv1.2' };
  if (options.caFile !== undefined) {
    const caFile = options.caFile;
    tls.ca = await readFile(caFile).catch((err: unknown) => {
      throw new LdapOperationError(`reading caFile "${caFile}"`, err);
    });
  }
  if (options.tlsServerName !== undefined) tls.servername = options.tlsServerName;
  return tls;
}

/**
 * StartTLS wraps the already-connected socket, so `tls.connect` gets no host of its own: name the
 * host explicitly for the certificate check, and send SNI for DNS names
 * (https://nodejs.org/api/tls.html#tlsconnectoptions-callback).
 */
function startTlsOptions(url: string, tls: ConnectionOptions): ConnectionOptions {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  const sni = isIP(host) === 0 ? { servername: host } : {};
  return { ...sni, ...tls, host };
}

function describeCause(cause: unknown): string {
  if (cause instanceof ResultCodeError) return `${cause.name}, LDAP result ${cause.code}: ${cause.message}`;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === undefined ? cause.message : `${cause.message} (${code})`;
  }
  return String(cause);
}
