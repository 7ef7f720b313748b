import type { RequestLogEntry } from './types.js';

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isWrite(method: string): boolean {
  return WRITE_METHODS.has(method);
}

/**
 * What the emulator saw, so tests can assert exactly which writes happened. Entries are appended on arrival and
 * completed when the answer is known, so the log keeps arrival order even with concurrent requests.
 */
export class RequestRecorder {
  readonly entries: RequestLogEntry[] = [];
  private seq = 0;
  private readonly counts = new Map<string, number>();

  begin(fields: Pick<RequestLogEntry, 'method' | 'path' | 'query' | 'requestId' | 'userAgent'>): RequestLogEntry {
    this.seq += 1;
    const entry: RequestLogEntry = {
      seq: this.seq,
      at: Date.now(),
      method: fields.method,
      path: fields.path,
      query: fields.query,
      status: 0,
      requestId: fields.requestId,
    };
    if (fields.userAgent !== undefined) entry.userAgent = fields.userAgent;
    this.entries.push(entry);
    this.bump('requests');
    if (isWrite(entry.method)) this.bump('writes');
    return entry;
  }

  /** `route` names the resource without ids, e.g. `/Users/{id}`, so counters read `PATCH /Users/{id} 200`. */
  finish(entry: RequestLogEntry, status: number, route: string, extra: { fault?: string; reason?: string } = {}): void {
    entry.status = status;
    if (extra.fault !== undefined) {
      entry.fault = extra.fault;
      this.bump('faults');
    }
    if (extra.reason !== undefined) entry.reason = extra.reason;
    this.bump(`${entry.method} ${route} ${status}`);
  }

  /** Any 429 answer, from the bucket or from an injected fault. */
  throttled(): void {
    this.bump('throttled');
  }

  counters(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  writes(): RequestLogEntry[] {
    return this.entries.filter((entry) => isWrite(entry.method));
  }

  /** Clears in place, so a held reference to `requestLog` stays the live log. */
  reset(): void {
    this.entries.length = 0;
    this.counts.clear();
  }

  private bump(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
