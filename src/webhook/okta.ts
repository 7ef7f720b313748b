import type { IncomingMessage, ServerResponse } from 'node:http';
import { declaredLength, isJsonRequest, isPlainToken, JSON_TYPE, readBody, reply, SecretMatcher } from './http.js';
import { persistHints } from './ingest.js';
import { classifyEvents, eventItems } from './okta-events.js';
import { parseJson, refuseFor, type RouteContext, type RouteHandler } from './route.js';

export interface OktaRouteOptions {
  /** The Okta source the events are about. */
  sourceId: string;
  /** The event hook's authentication secret, sent verbatim by Okta on every request. */
  secret: string;
  /** Lower-case name of the header that carries it. */
  header: string;
  /** Asks for a full sync; the scheduled one is the backstop when this is not wired. */
  onFullSyncWanted?: (reason: string) => void;
}

const ORIGIN = 'okta';
const refuse = refuseFor(ORIGIN);
const CHALLENGE_HEADER = 'x-okta-verification-challenge';
const MAX_CHALLENGE_LENGTH = 1024;

/**
 * Okta event hooks (https://developer.okta.com/docs/concepts/event-hooks/). Every request, the verification
 * GET included, must carry the shared secret. Failures the sender should retry are 5xx: Okta never retries
 * a 4xx and retries anything else once (same page).
 */
export function oktaRoute(options: OktaRouteOptions, ctx: RouteContext): RouteHandler {
  const secret = new SecretMatcher(options.secret);
  return async (req, res, _url, deadline) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      refuse(ctx, res, 405, 'method-not-allowed', { Allow: 'GET, POST' });
      return;
    }
    if (!secret.matches(req.headers[options.header])) {
      ctx.logger.warn(
        { origin: ORIGIN, method: req.method, remote: req.socket.remoteAddress },
        'refused a request without the event hook secret; nothing enqueued',
      );
      refuse(ctx, res, 401, 'unauthorized');
      return;
    }
    if (req.method === 'GET') await answerChallenge(req, res, ctx);
    else await acceptEvents(req, res, options, ctx, deadline);
  };
}

/** One-time verification: echo the challenge header as JSON, never as markup. */
async function answerChallenge(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  await readBody(req, ctx.bodyLimitBytes, declaredLength(req));
  const challenge = req.headers[CHALLENGE_HEADER];
  if (typeof challenge !== 'string' || !isPlainToken(challenge, MAX_CHALLENGE_LENGTH)) {
    refuse(ctx, res, 400, 'bad-challenge');
    return;
  }
  reply(res, 200, JSON.stringify({ verification: challenge }), JSON_TYPE);
  ctx.logger.info({ origin: ORIGIN }, 'answered the event hook verification challenge');
}

async function acceptEvents(
  req: IncomingMessage,
  res: ServerResponse,
  options: OktaRouteOptions,
  ctx: RouteContext,
  deadline: number,
): Promise<void> {
  if (!isJsonRequest(req)) {
    refuse(ctx, res, 415, 'unsupported-media-type');
    return;
  }
  const events = eventItems(parseJson(await readBody(req, ctx.bodyLimitBytes, declaredLength(req))));
  if (events === undefined) {
    refuse(ctx, res, 400, 'malformed');
    return;
  }
  const classified = classifyEvents(events, options.sourceId);
  ctx.metrics.received.inc({ origin: ORIGIN }, classified.received);
  ctx.metrics.ignored.inc({ origin: ORIGIN }, classified.ignored);
  const result = await persistHints(ctx, ORIGIN, classified.candidates, deadline);
  // Okta wants a quick 200 or 204 with an empty body.
  reply(res, 200);
  // Event types come from the request: logged only under `untrusted`, never as our own fields, so a sender cannot
  // forge a log line that reads as ours.
  if (classified.withoutTarget > 0) {
    ctx.metrics.fullSyncRequested.inc({ origin: ORIGIN, reason: 'event-without-target' }, classified.withoutTarget);
    ctx.logger.warn(
      { origin: ORIGIN, events: classified.withoutTarget },
      'Okta events without a target: the changed object is unknown, asking for a full sync',
    );
    options.onFullSyncWanted?.('okta-event-without-target');
  }
  const untrusted = classified.ignored > 0 ? { untrusted: { ignoredEventTypes: classified.ignoredTypes } } : {};
  ctx.logger.debug(
    { origin: ORIGIN, events: classified.received, ignored: classified.ignored, ...result, ...untrusted },
    'events accepted',
  );
}
