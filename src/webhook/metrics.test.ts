import { describe, expect, it } from 'vitest';
import { createWebhookMetrics, Histogram } from './metrics.js';

describe('webhook metrics', () => {
  it('renders counters with escaped labels and omits the gauge sample when the time is unknown', async () => {
    const metrics = createWebhookMetrics(() => undefined);
    metrics.rejected.inc({ origin: 'okta', reason: 'unauthorized' }, 2);
    const text = await metrics.render();
    expect(text).toContain('# TYPE icsync_webhook_rejected_total counter');
    expect(text).toContain('icsync_webhook_rejected_total{origin="okta",reason="unauthorized"} 2');
    expect(text).toContain('# TYPE icsync_last_successful_full_sync_timestamp_seconds gauge');
    expect(text).not.toMatch(/^icsync_last_successful_full_sync_timestamp_seconds /m);
  });

  it('survives a failing last-sync getter', async () => {
    const metrics = createWebhookMetrics(async () => {
      throw new Error('state store down');
    });
    expect(await metrics.render()).toContain('icsync_webhook_ack_seconds');
  });

  it('computes nearest-rank quantiles and cumulative buckets', () => {
    const h = new Histogram('t_seconds', 'test', [0.1, 1]);
    for (let i = 1; i <= 100; i += 1) h.observe({ origin: 'graph' }, i / 100);
    expect(h.quantile(0.99)).toBe(0.99);
    expect(h.quantile(0.5)).toBe(0.5);
    expect(h.max()).toBe(1);
    const text = h.render();
    expect(text).toContain('t_seconds_bucket{origin="graph",le="0.1"} 10');
    expect(text).toContain('t_seconds_bucket{origin="graph",le="1"} 100');
    expect(text).toContain('t_seconds_count{origin="graph"} 100');
  });
});
