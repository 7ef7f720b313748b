import { Counter, header, Histogram } from '../ops/prometheus.js';

export { Counter, Histogram };

export type Origin = 'graph' | 'okta';

/** Why a request or an item in it was refused; a closed set, so it is safe as a label. */
export type RejectReason =
  | 'unauthorized'
  | 'forged-client-state'
  | 'unknown-tenant'
  | 'unknown-subscription'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'malformed'
  | 'bad-validation-token'
  | 'bad-challenge'
  | 'method-not-allowed'
  | 'sink-unavailable';

/** Seconds since the epoch of the last successful full sync, or undefined when unknown. */
export type LastFullSync = () => number | undefined | Promise<number | undefined>;

export interface WebhookMetrics {
  /** Notifications (Graph items, Okta events) received in authenticated requests. */
  received: Counter;
  rejected: Counter;
  enqueued: Counter;
  deduplicated: Counter;
  /** Authentic items that name nothing to re-read (unknown Okta event types, lifecycle events, odd resources). */
  ignored: Counter;
  fullSyncRequested: Counter;
  ackSeconds: Histogram;
  render(): Promise<string>;
}

/**
 * Bucket bounds around our 500 ms target and Graph's 2.9 s "slow" line
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks).
 */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.9, 5];

export function createWebhookMetrics(lastFullSync: LastFullSync = () => undefined): WebhookMetrics {
  const m = {
    received: new Counter(
      'icsync_webhook_notifications_received_total',
      'Notifications and events received in authenticated requests',
    ),
    rejected: new Counter('icsync_webhook_rejected_total', 'Requests or items refused, by reason'),
    enqueued: new Counter('icsync_webhook_hints_enqueued_total', 'Re-read hints handed to the queue'),
    deduplicated: new Counter(
      'icsync_webhook_deduplicated_total',
      'Hints dropped as replays, or as duplicates within one request',
    ),
    ignored: new Counter('icsync_webhook_ignored_total', 'Authentic items that name nothing to re-read'),
    fullSyncRequested: new Counter(
      'icsync_webhook_full_sync_requested_total',
      'Full syncs asked for by lifecycle events',
    ),
    ackSeconds: new Histogram(
      'icsync_webhook_ack_seconds',
      'Time from request start to response on the webhook routes',
      ACK_BUCKETS,
    ),
  };
  return {
    ...m,
    async render() {
      const last = await Promise.resolve()
        .then(lastFullSync)
        .catch(() => undefined);
      const gaugeName = 'icsync_last_successful_full_sync_timestamp_seconds';
      const gauge =
        header(gaugeName, 'Unix time of the last successful full sync (the backstop for missed webhooks)', 'gauge') +
        (last === undefined ? '' : `${gaugeName} ${last}\n`);
      return [...Object.values(m).map((metric) => metric.render()), gauge].join('');
    },
  };
}
