import type { Candidate } from './ingest.js';

/**
 * Okta event-hook bodies (`{ data: { events: LogEvent[] } }`, developer.okta.com/docs/concepts/event-hooks)
 * reduced to the ids to re-read. Only `target[].id` of type User or UserGroup is used; actor, profile
 * values and URLs in the event are never read, so an event can neither set data nor steer a request.
 */

/**
 * Event types after which a user or group may look different to the sync (the event-hook eligible ones in
 * https://developer.okta.com/docs/reference/api/event-types/).
 */
const RELEVANT_TYPES = new Set([
  'user.account.update_profile',
  'group.user_membership.add',
  'group.user_membership.remove',
  'group.profile.update',
  'group.profile.updated',
  'application.user_membership.add',
  'application.user_membership.remove',
  'application.user_membership.change_username',
  'group.application_assignment.add',
  'group.application_assignment.remove',
  'group.application_assignment.update',
]);
/** Every user and group lifecycle change (create, activate, suspend, deactivate, delete, …). */
const RELEVANT_PREFIXES = ['user.lifecycle.', 'group.lifecycle.'];

export function isRelevantEventType(eventType: string): boolean {
  return RELEVANT_TYPES.has(eventType) || RELEVANT_PREFIXES.some((prefix) => eventType.startsWith(prefix));
}

/** Okta object ids (`00u…`, `00g…`) are letters and digits (as in sources/okta/config.ts). */
const OKTA_ID = /^[A-Za-z0-9]{1,64}$/;
/** Okta event uuids are RFC 4122 text; the pattern keeps the dedupe key plain. */
const EVENT_UUID = /^[A-Za-z0-9-]{1,64}$/;
const TARGET_KINDS = new Map<string, 'user' | 'group'>([
  ['User', 'user'],
  ['UserGroup', 'group'],
]);

export interface ClassifiedEvents {
  candidates: Candidate[];
  received: number;
  /** Events of a type we do not act on, or with nothing usable in them. */
  ignored: number;
  /** A few of the event types that were ignored, shortened; sender-controlled text, for a namespaced debug log. */
  ignoredTypes: string[];
  /**
   * Relevant events that name no target at all (`"target": null`, as in Okta's published delivery of
   * group.user_membership.add, https://developer.okta.com/docs/guides/event-hook-implementation/nodejs/main/):
   * the changed object is unknown, so only a full sync can pick the change up.
   */
  withoutTarget: number;
}

const MAX_IGNORED_TYPES = 10;

type Item = Record<string, unknown>;
const isRecord = (v: unknown): v is Item => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The events array of an event-hook body, or undefined when the body is not one. */
export function eventItems(body: unknown): unknown[] | undefined {
  if (!isRecord(body) || !isRecord(body.data)) return undefined;
  return Array.isArray(body.data.events) ? body.data.events : undefined;
}

/**
 * Events become hints in any order: each only says "re-read this id now", and the re-read sees the
 * source's current state, so a late or reordered event cannot roll anything back (Okta delivers at least
 * once and possibly out of order: https://developer.okta.com/docs/concepts/event-hooks/).
 */
export function classifyEvents(events: readonly unknown[], sourceId: string): ClassifiedEvents {
  const out: ClassifiedEvents = {
    candidates: [],
    received: events.length,
    ignored: 0,
    ignoredTypes: [],
    withoutTarget: 0,
  };
  for (const event of events) {
    if (lacksTarget(event)) {
      out.withoutTarget += 1;
      continue;
    }
    const found = eventCandidates(event, sourceId);
    out.candidates.push(...found);
    if (found.length > 0) continue;
    out.ignored += 1;
    const type = isRecord(event) && typeof event.eventType === 'string' ? event.eventType.slice(0, 100) : '(none)';
    if (out.ignoredTypes.length < MAX_IGNORED_TYPES && !out.ignoredTypes.includes(type)) out.ignoredTypes.push(type);
  }
  return out;
}

function lacksTarget(event: unknown): boolean {
  return (
    isRecord(event) &&
    typeof event.eventType === 'string' &&
    isRelevantEventType(event.eventType) &&
    (event.target === null || event.target === undefined)
  );
}

function eventCandidates(event: unknown, sourceId: string): Candidate[] {
  if (!isRecord(event) || typeof event.eventType !== 'string' || !isRelevantEventType(event.eventType)) return [];
  if (typeof event.uuid !== 'string' || !EVENT_UUID.test(event.uuid) || !Array.isArray(event.target)) return [];
  const dedupeKey = `okta:${event.uuid.toLowerCase()}`;
  const candidates: Candidate[] = [];
  for (const target of event.target) {
    if (!isRecord(target) || typeof target.type !== 'string' || typeof target.id !== 'string') continue;
    const kind = TARGET_KINDS.get(target.type);
    if (kind === undefined || !OKTA_ID.test(target.id)) continue;
    candidates.push({ hint: { sourceId, kind, id: target.id, origin: 'okta' }, dedupeKey });
  }
  return candidates;
}
