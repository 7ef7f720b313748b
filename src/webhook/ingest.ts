import type { Logger } from '../log/logger.js';
import type { HintDedupe } from './dedupe.js';
import { hintKey, type HintSink, type ReReadHint } from '../model/hints.js';
import { DeadlineError, withDeadline } from './http.js';
import type { Origin, WebhookMetrics } from './metrics.js';

/** A hint found in a request, with the delivery id it came from when the sender gives one. */
export interface Candidate {
  hint: Omit<ReReadHint, 'receivedAt'>;
  /** Okta event uuid or Graph notification id, namespaced by origin; shared by all hints of one event. */
  dedupeKey?: string;
}

export interface IngestDeps {
  sink: HintSink;
  dedupe: HintDedupe;
  metrics: WebhookMetrics;
  logger: Logger;
  dedupeTtlSeconds: number;
}

/**
 * The hints could not be persisted in time: the sender must get a 5xx and retry. Graph retries for up to 4 h
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks); Okta retries once and never
 * after a 4xx (https://developer.okta.com/docs/concepts/event-hooks/).
 */
export class SinkUnavailableError extends Error {
  constructor(options: { cause: unknown }) {
    super('hints could not be persisted', options);
  }
}

export interface IngestResult {
  enqueued: number;
  deduplicated: number;
}

/**
 * Drops replays, coalesces what is left by object, and hands it to the sink before `deadline`
 * (epoch ms). Resolves only once the sink has the hints, so the caller acks only persisted work;
 * on failure the delivery ids are forgotten again, so the sender's retry is not taken for a replay.
 */
export async function persistHints(
  deps: IngestDeps,
  origin: Origin,
  candidates: readonly Candidate[],
  deadline: number,
): Promise<IngestResult> {
  const fresh = await dropReplays(deps, origin, candidates, deadline);
  const hints = coalesce(fresh.kept, new Date().toISOString());
  const deduplicated = candidates.length - hints.length;
  deps.metrics.deduplicated.inc({ origin }, deduplicated);
  if (hints.length === 0) return { enqueued: 0, deduplicated };
  try {
    await withDeadline(deps.sink.enqueue(hints), deadline - Date.now(), 'enqueue');
  } catch (err) {
    forget(deps, fresh.marked);
    deps.metrics.rejected.inc({ origin, reason: 'sink-unavailable' });
    const message = err instanceof DeadlineError ? err.message : (err as Error).message;
    deps.logger.error(
      { origin, hints: hints.length, err: { message } },
      'hints not persisted; answering 503 so the sender retries',
    );
    throw new SinkUnavailableError({ cause: err });
  }
  deps.metrics.enqueued.inc({ origin }, hints.length);
  return { enqueued: hints.length, deduplicated };
}

async function dropReplays(
  deps: IngestDeps,
  origin: Origin,
  candidates: readonly Candidate[],
  deadline: number,
): Promise<{ kept: Candidate[]; marked: string[] }> {
  const keys = [...new Set(candidates.flatMap((c) => (c.dedupeKey === undefined ? [] : [c.dedupeKey])))];
  if (keys.length === 0) return { kept: [...candidates], marked: [] };
  const seen = await Promise.all(keys.map((key) => firstSeen(deps, origin, key, deadline)));
  const replayed = new Set(keys.filter((_, i) => !seen[i]));
  return {
    kept: candidates.filter((c) => c.dedupeKey === undefined || !replayed.has(c.dedupeKey)),
    marked: keys.filter((_, i) => seen[i]),
  };
}

/**
 * A dedupe store that is down or slow must not lose events: the key counts as new (fail open).
 * A replay then costs one more coalesced re-read, which is harmless because hints carry no data.
 */
async function firstSeen(deps: IngestDeps, origin: Origin, key: string, deadline: number): Promise<boolean> {
  try {
    return await withDeadline(deps.dedupe.firstSeen(key, deps.dedupeTtlSeconds), (deadline - Date.now()) / 2, 'dedupe');
  } catch (err) {
    deps.logger.warn(
      { origin, err: { message: (err as Error).message } },
      'dedupe store unavailable; treating the delivery as new',
    );
    return true;
  }
}

function forget(deps: IngestDeps, keys: readonly string[]): void {
  for (const key of keys) {
    deps.dedupe.forget(key).catch((err: unknown) => {
      deps.logger.warn(
        { err: { message: (err as Error).message } },
        'could not forget a delivery id; a retry of it will be dropped until the key expires',
      );
    });
  }
}

function coalesce(candidates: readonly Candidate[], receivedAt: string): ReReadHint[] {
  const byObject = new Map<string, ReReadHint>();
  for (const { hint } of candidates) byObject.set(hintKey(hint), { ...hint, receivedAt });
  return [...byObject.values()];
}
