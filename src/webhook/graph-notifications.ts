import type { SecretMatcher } from './http.js';
import type { Candidate } from './ingest.js';

/**
 * Reading a Graph change-notification collection (`{ value: changeNotification[] }`,
 * learn.microsoft.com/graph/api/resources/changenotification). Only ids are taken from it: a
 * notification is "re-read this object", never data, and its `resource` URL is never fetched, so a
 * forged notification cannot steer our requests elsewhere.
 */

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface LifecycleNotice {
  lifecycleEvent: LifecycleEvent;
  subscriptionId: string;
}

export interface ClassifiedBatch {
  /** Set when any item fails authentication; the whole batch is then refused. */
  forged?: 'forged-client-state' | 'unknown-tenant';
  candidates: Candidate[];
  lifecycle: LifecycleNotice[];
  /** Authentic items that name nothing we re-read (other resources, unknown lifecycle events). */
  ignored: number;
  received: number;
}

export interface BatchContext {
  sourceId: string;
  clientState: SecretMatcher;
  /** The Entra tenant the source reads; a notification naming another tenant is not ours. */
  tenantId?: string;
}

/** Entra object ids are GUIDs; anything else cannot name a user or group of this source. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTIFICATION_ID = /^[A-Za-z0-9_.:=+/-]{1,200}$/;
const ODATA_KINDS = new Map<string, 'user' | 'group'>([
  ['#microsoft.graph.user', 'user'],
  ['#microsoft.graph.group', 'group'],
]);
const PATH_KINDS = new Map<string, 'user' | 'group'>([
  ['users', 'user'],
  ['groups', 'group'],
]);
const LIFECYCLE_EVENTS = new Set<string>(['reauthorizationRequired', 'subscriptionRemoved', 'missed']);

type Item = Record<string, unknown>;

const isRecord = (v: unknown): v is Item => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The distinct subscription ids a batch names (lifecycle and change notifications alike). */
export function subscriptionIdsOf(items: readonly unknown[]): string[] {
  return [
    ...new Set(
      items.flatMap((item) => (isRecord(item) && typeof item.subscriptionId === 'string' ? [item.subscriptionId] : [])),
    ),
  ];
}

/** The `value` array of a notification body, or undefined when the body is not one. */
export function notificationItems(body: unknown): unknown[] | undefined {
  return isRecord(body) && Array.isArray(body.value) ? body.value : undefined;
}

/**
 * Authenticates every item first: one forged item refuses the batch, because a batch that mixes
 * forged and genuine items did not come from Graph as a whole (change-notifications-delivery-webhooks:
 * "a mismatch means the notification is not from Graph"), and enqueueing its other half would let a
 * forger who replays a captured genuine item ride along.
 */
export function classifyBatch(items: readonly unknown[], ctx: BatchContext): ClassifiedBatch {
  const batch: ClassifiedBatch = { candidates: [], lifecycle: [], ignored: 0, received: items.length };
  for (const item of items) {
    const forged = authenticate(item, ctx);
    if (forged !== undefined) return { ...batch, forged, candidates: [], lifecycle: [] };
  }
  for (const item of items as Item[]) {
    if (typeof item.lifecycleEvent === 'string') {
      const notice = lifecycleNotice(item);
      if (notice === undefined) batch.ignored += 1;
      else batch.lifecycle.push(notice);
      continue;
    }
    const candidate = changeCandidate(item, ctx.sourceId);
    if (candidate === undefined) batch.ignored += 1;
    else batch.candidates.push(candidate);
  }
  return batch;
}

function authenticate(item: unknown, ctx: BatchContext): ClassifiedBatch['forged'] {
  if (!isRecord(item) || !ctx.clientState.matches(item.clientState)) return 'forged-client-state';
  // Lifecycle notifications have been seen carrying `organizationId` instead of `tenantId`.
  const tenant = item.tenantId ?? item.organizationId;
  if (
    ctx.tenantId !== undefined &&
    tenant !== undefined &&
    (typeof tenant !== 'string' || tenant.toLowerCase() !== ctx.tenantId.toLowerCase())
  ) {
    return 'unknown-tenant';
  }
  return undefined;
}

function lifecycleNotice(item: Item): LifecycleNotice | undefined {
  const { lifecycleEvent, subscriptionId } = item;
  if (typeof lifecycleEvent !== 'string' || !LIFECYCLE_EVENTS.has(lifecycleEvent)) return undefined;
  if (typeof subscriptionId !== 'string' || !GUID.test(subscriptionId)) return undefined;
  return { lifecycleEvent: lifecycleEvent as LifecycleEvent, subscriptionId };
}

function changeCandidate(item: Item, sourceId: string): Candidate | undefined {
  const data = isRecord(item.resourceData) ? item.resourceData : {};
  const id = data.id;
  if (typeof id !== 'string' || !GUID.test(id)) return undefined;
  const kind = kindOf(data['@odata.type'], item.resource);
  if (kind === undefined) return undefined;
  const candidate: Candidate = { hint: { sourceId, kind, id: id.toLowerCase(), origin: 'graph' } };
  if (typeof item.id === 'string' && NOTIFICATION_ID.test(item.id)) candidate.dedupeKey = `graph:${item.id}`;
  // Directory-object notifications often carry no `id`; a replay is then recognised by what it names.
  else
    candidate.dedupeKey = `graph:${[item.subscriptionId, item.resource, item.changeType, id.toLowerCase()].map((v) => (typeof v === 'string' ? v : '')).join('|')}`;
  return candidate;
}

/**
 * `#Microsoft.Graph.User` / `#microsoft.graph.group`, or the resource path `Users/{id}` /
 * `/groups/{id}`. When both are present they must agree.
 */
function kindOf(odataType: unknown, resource: unknown): 'user' | 'group' | undefined {
  const fromType = typeof odataType === 'string' ? ODATA_KINDS.get(odataType.toLowerCase()) : undefined;
  const segment = typeof resource === 'string' ? resource.replace(/^\//, '').split('/')[0]?.toLowerCase() : undefined;
  const fromPath = segment === undefined ? undefined : PATH_KINDS.get(segment);
  if (fromType !== undefined && fromPath !== undefined && fromType !== fromPath) return undefined;
  return fromType ?? fromPath;
}
