import type { IncomingMessage, ServerResponse } from 'node:http';
import { classifyBatch, notificationItems, subscriptionIdsOf, type LifecycleNotice } from './graph-notifications.js';
import { declaredLength, isJsonRequest, isPlainToken, readBody, reply, SecretMatcher, TEXT } from './http.js';
import { persistHints } from './ingest.js';
import { parseJson, refuseFor, type RouteContext, type RouteHandler } from './route.js';

export interface GraphRouteOptions {
  /** The Entra source the notifications are about. */
  sourceId: string;
  clientState: string;
  /** The source's tenant; notifications naming another tenant are refused as not genuine. */
  tenantId?: string;
  /** Whether a subscription id is one this deployment keeps (the subscription manager's `owns`). */
  ownsSubscription?: (subscriptionId: string) => Promise<'yes' | 'no' | 'unknown'>;
  /** Reauthorizes or recreates subscriptions (the subscription manager); runs after the ack. */
  onLifecycle?: (notice: LifecycleNotice) => Promise<void>;
  /** Asks for a full sync; the scheduled one is the backstop when this is not wired. */
  onFullSyncWanted?: (reason: string) => void;
}

/** Graph's tokens are short opaque text; a longer one is refused rather than echoed. */
export const MAX_VALIDATION_TOKEN_LENGTH = 1024;

const ORIGIN = 'graph';
const refuse = refuseFor(ORIGIN);

export function graphRoute(options: GraphRouteOptions, ctx: RouteContext): RouteHandler {
  const clientState = new SecretMatcher(options.clientState);
  return async (req, res, url, deadline) => {
    if (url.searchParams.has('validationToken')) {
      await answerValidation(req, res, url, ctx);
      return;
    }
    if (req.method !== 'POST') {
      refuse(ctx, res, 405, 'method-not-allowed', { Allow: 'POST' });
      return;
    }
    if (!isJsonRequest(req)) {
      refuse(ctx, res, 415, 'unsupported-media-type');
      return;
    }
    const items = notificationItems(parseJson(await readBody(req, ctx.bodyLimitBytes, declaredLength(req))));
    if (items === undefined) {
      refuse(ctx, res, 400, 'malformed');
      return;
    }
    const batch = classifyBatch(items, {
      sourceId: options.sourceId,
      clientState,
      ...(options.tenantId ? { tenantId: options.tenantId } : {}),
    });
    if (batch.forged !== undefined) {
      ctx.logger.warn(
        { origin: ORIGIN, reason: batch.forged, items: items.length, remote: req.socket.remoteAddress },
        'refused a notification batch that failed authentication; nothing enqueued',
      );
      refuse(ctx, res, 403, batch.forged);
      return;
    }
    const ownership = await subscriptionsOwned(options, items);
    if (ownership !== 'yes') {
      ctx.logger.warn(
        { origin: ORIGIN, subscriptionIds: subscriptionIdsOf(items), ownership },
        'refused a notification batch for a subscription this deployment does not keep; nothing enqueued',
      );
      refuse(
        ctx,
        res,
        ownership === 'no' ? 403 : 503,
        ownership === 'no' ? 'unknown-subscription' : 'sink-unavailable',
      );
      return;
    }
    ctx.metrics.received.inc({ origin: ORIGIN }, batch.received);
    ctx.metrics.ignored.inc({ origin: ORIGIN }, batch.ignored);
    const result = await persistHints(ctx, ORIGIN, batch.candidates, deadline);
    // 202: persisted, processed later (change-notifications-delivery-webhooks).
    reply(res, 202);
    ctx.logger.debug(
      { origin: ORIGIN, items: batch.received, ...result, lifecycle: batch.lifecycle.length, ignored: batch.ignored },
      'notifications accepted',
    );
    if (batch.lifecycle.length > 0) setImmediate(() => handleLifecycle(options, ctx, batch.lifecycle));
  };
}

/**
 * The subscription handshake (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks): Graph POSTs
 * `?validationToken=…` and wants the URL-decoded token back as text/plain within 10 s. The token is echoed only as
 * text/plain with nosniff, and only when it is short printable text without markup.
 */
async function answerValidation(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  if (req.method !== 'POST' && req.method !== 'GET') {
    refuse(ctx, res, 405, 'method-not-allowed', { Allow: 'POST, GET' });
    return;
  }
  await readBody(req, ctx.bodyLimitBytes, declaredLength(req));
  const tokens = url.searchParams.getAll('validationToken');
  const token = tokens[0];
  if (tokens.length !== 1 || token === undefined || !isPlainToken(token, MAX_VALIDATION_TOKEN_LENGTH)) {
    refuse(ctx, res, 400, 'bad-validation-token');
    return;
  }
  reply(res, 200, token, TEXT);
  ctx.logger.info({ origin: ORIGIN }, 'answered a subscription validation request');
}

/**
 * After the ack, as Graph asks (change-notifications-lifecycle-events): `reauthorizationRequired`
 * renews the subscription, `subscriptionRemoved` recreates it, and both `subscriptionRemoved` and
 * `missed` mean changes were lost, so a full sync is wanted.
 */
function handleLifecycle(options: GraphRouteOptions, ctx: RouteContext, notices: readonly LifecycleNotice[]): void {
  for (const notice of notices) {
    ctx.logger.info(
      { origin: ORIGIN, lifecycleEvent: notice.lifecycleEvent, subscriptionId: notice.subscriptionId },
      'lifecycle notification',
    );
    if (notice.lifecycleEvent !== 'missed') {
      options.onLifecycle?.(notice).catch((err: unknown) => {
        const fields = {
          origin: ORIGIN,
          lifecycleEvent: notice.lifecycleEvent,
          err: { message: (err as Error).message },
        };
        ctx.logger.error(fields, 'could not act on a lifecycle notification; the renewal timer retries');
      });
    }
    if (notice.lifecycleEvent !== 'reauthorizationRequired') {
      ctx.metrics.fullSyncRequested.inc({ origin: ORIGIN, reason: notice.lifecycleEvent });
      options.onFullSyncWanted?.(`graph-${notice.lifecycleEvent}`);
    }
  }
}

/** 'no' if any item names a subscription we do not keep; 'unknown' if that could not be checked. */
async function subscriptionsOwned(
  options: GraphRouteOptions,
  items: readonly unknown[],
): Promise<'yes' | 'no' | 'unknown'> {
  if (options.ownsSubscription === undefined) return 'yes';
  let result: 'yes' | 'no' | 'unknown' = 'yes';
  for (const id of subscriptionIdsOf(items)) {
    const owned = await options.ownsSubscription(id);
    if (owned === 'no') return 'no';
    if (owned === 'unknown') result = 'unknown';
  }
  return result;
}
