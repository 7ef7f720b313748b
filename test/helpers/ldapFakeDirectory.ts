/**
 * An in-memory `LdapDirectory` for the LDAP reader's unit tests, so `read.ts` is tested
 * against a typed fake of the client. It evaluates the filter objects the reader builds (and, or,
 * equality, presence), pages results, and can behave like Active Directory under MaxValRange:
 * a multi-valued attribute with more values than the limit comes back as `member;range=0-1499`
 * with plain `member` empty, and `member;range=<low>-*` reads return the next slice
 * (MS-ADTS 3.1.1.3.1.3.3), which neither OpenLDAP nor Samba will do.
 */
import { AndFilter, EqualityFilter, OrFilter, PresenceFilter, type Entry, type Filter } from 'ldapts';
import type { EntryRead, LdapDirectory, SearchSpec } from '../../src/sources/ldap/client.js';
import { isInScope, normalizeDn } from '../../src/sources/ldap/dn.js';
import { toLdapEntry, values, type AttributeValue, type LdapEntry } from '../../src/sources/ldap/entry.js';

export interface FakeDirectoryOptions {
  pageSize?: number;
  /** Emulate AD's MaxValRange for these attributes (lower-case names). */
  maxValRange?: { limit: number; attributes: string[] };
  /** Called before each page and each base read; return an error to fail that operation. */
  failure?: (operation: { kind: 'page' | 'read'; index: number }) => Error | undefined;
  /** Replaces the answer to a base read (irregular range responses): `null` is "no such entry", `undefined` the normal answer. */
  onRead?: (read: EntryRead) => Entry | null | undefined;
}

export class FakeDirectory implements LdapDirectory {
  readonly searches: SearchSpec[] = [];
  readonly reads: EntryRead[] = [];
  closed = false;
  private readonly entries: LdapEntry[];
  private readonly byDn: Map<string, LdapEntry>;
  private pages = 0;

  constructor(
    entries: Entry[],
    private readonly options: FakeDirectoryOptions = {},
  ) {
    this.entries = entries.map(toLdapEntry);
    this.byDn = new Map(this.entries.map((e) => [normalizeDn(e.dn), e]));
  }

  async *searchPages(spec: SearchSpec): AsyncIterable<readonly LdapEntry[]> {
    this.searches.push(spec);
    const matching = this.entries.filter((e) => isInScope(e.dn, spec.baseDn, spec.scope) && matches(spec.filter, e));
    const size = this.options.pageSize ?? 2;
    for (let start = 0; start === 0 || start < matching.length; start += size) {
      const error = this.options.failure?.({ kind: 'page', index: this.pages++ });
      if (error !== undefined) throw error;
      yield matching.slice(start, start + size).map((e) => this.present(e, spec.attributes));
    }
  }

  async readEntry(read: EntryRead): Promise<LdapEntry | undefined> {
    this.reads.push(read);
    const error = this.options.failure?.({ kind: 'read', index: this.reads.length - 1 });
    if (error !== undefined) throw error;
    const scripted = this.options.onRead?.(read);
    if (scripted !== undefined) return scripted === null ? undefined : toLdapEntry(scripted);
    const entry = this.byDn.get(normalizeDn(read.dn));
    if (entry === undefined || !matches(read.filter, entry)) return undefined;
    return this.present(entry, read.attributes);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The requested attributes of `entry`, ranged the way AD would range them. */
  private present(entry: LdapEntry, requested: readonly string[]): LdapEntry {
    const attributes = new Map<string, readonly AttributeValue[]>();
    for (const name of requested) {
      const [base = '', range] = name.toLowerCase().split(';range=');
      const all = values(entry, base);
      const limit = this.options.maxValRange?.attributes.includes(base) ? this.options.maxValRange.limit : undefined;
      if (limit === undefined || (range === undefined && all.length <= limit)) {
        attributes.set(base, all);
        continue;
      }
      const low = range === undefined ? 0 : Number(range.split('-')[0]);
      const last = low + limit >= all.length;
      attributes.set(`${base};range=${low}-${last ? '*' : low + limit - 1}`, all.slice(low, low + limit));
      if (range === undefined) attributes.set(base, []);
    }
    return { dn: entry.dn, attributes };
  }
}

function matches(filter: Filter, entry: LdapEntry): boolean {
  if (filter instanceof AndFilter) return filter.filters.every((f) => matches(f, entry));
  if (filter instanceof OrFilter) return filter.filters.some((f) => matches(f, entry));
  if (filter instanceof PresenceFilter) return values(entry, filter.attribute).length > 0;
  if (filter instanceof EqualityFilter) return values(entry, filter.attribute).some((v) => sameValue(v, filter.value));
  throw new Error(`FakeDirectory cannot evaluate ${filter.toString()}`);
}

function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  return a.toLowerCase() === b.toLowerCase();
}
