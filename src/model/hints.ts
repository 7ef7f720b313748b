/**
 * A change notification is a hint, never data: Graph and Okta deliver at least once, late or out of order
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks,
 * https://developer.okta.com/docs/concepts/event-hooks/). It only says "re-read this object from its source". The
 * re-read object then goes through the same planner, constraints, brake and executor as a full sync; the payload's
 * attribute values are never applied.
 */
export interface ReReadHint {
  /** The configured source id (e.g. "corp-entra"). */
  sourceId: string;
  kind: 'user' | 'group';
  /** The source's immutable id (Graph object id, Okta id), not our externalId. */
  id: string;
  origin: 'graph' | 'okta';
  receivedAt: string;
}

/** Where the webhook receiver persists hints. Rejects when a hint could not be persisted, so the receiver answers 5xx and the sender retries. */
export interface HintSink {
  enqueue(hints: readonly ReReadHint[]): Promise<void>;
}

/** Coalescing key: hints for the same object collapse into one re-read while one is pending. */
export function hintKey(hint: Pick<ReReadHint, 'sourceId' | 'kind' | 'id'>): string {
  return `${hint.sourceId}-${hint.kind}-${hint.id}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}
