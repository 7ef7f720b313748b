import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import type { RunReport } from '../sync/report.js';
import { pushRunMetrics, runMetricsText } from './pushgateway.js';

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: 'r1',
    mode: 'sync',
    status: 'success',
    exitCode: 0,
    message: '',
    startedAt: '2026-11-28T10:00:00.000Z',
    finishedAt: '2026-11-28T10:02:30.000Z',
    timingsMs: {},
    sources: [],
    target: { users: 0, groups: 0, membershipsRead: 0, membershipsAssumed: 0 },
    applied: {
      applied: 7,
      failed: 1,
      skipped: 0,
      byKind: {},
      throttledMs: 45_000,
      failures: [],
      migrated: [],
      notes: [],
    },
    findings: [],
    ...overrides,
  };
}

/** A Pushgateway stand-in that records every request (https://github.com/prometheus/pushgateway#api). */
async function pushgateway(
  status = 200,
): Promise<{ url: string; requests: { method: string; path: string; body: string }[]; close(): void }> {
  const requests: { method: string; path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, path: req.url!, body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => server.close() };
}

describe('run outcome metrics', () => {
  it('exports exit code, duration, throttled time, operations and the token expiry', () => {
    const text = runMetricsText(report(), { scimTokenExpiresAt: '2027-06-30' });
    expect(text).toContain('icsync_sync_last_run_exit_code 0\n');
    expect(text).toContain('icsync_sync_last_run_duration_seconds 150\n');
    expect(text).toContain('icsync_sync_throttled_seconds 45\n');
    expect(text).toContain('icsync_sync_operations_failed 1\n');
    expect(text).toContain(`icsync_scim_token_expiry_timestamp_seconds ${Date.parse('2027-06-30') / 1000}\n`);
    expect(text).toContain('# TYPE icsync_sync_brake_blocked gauge\n');
  });

  it('marks a run held by the deletion brake and one whose credentials AWS rejected', () => {
    const brake = { destructive: 50, takeovers: 0, threshold: 10, managedObjects: 100, blocked: true };
    const held = runMetricsText(
      report({
        exitCode: 3,
        status: 'blocked',
        plan: { hash: 'h', operations: 50, counts: {} as never, membershipChanges: {} as never, brake: brake },
      }),
      {},
    );
    expect(held).toContain('icsync_sync_brake_blocked 1\n');
    expect(runMetricsText(report({ exitCode: 5, status: 'credentials-invalid' }), {})).toContain(
      'icsync_sync_credentials_invalid 1\n',
    );
  });

  it('PUTs the run under job=<job>, and a success also under result=success', async () => {
    const gw = await pushgateway();
    try {
      await pushRunMetrics(
        report(),
        { pushgateway: { url: `${gw.url}/`, job: 'icsync-prod', timeoutMs: 2000 } },
        silentLogger(),
      );
      await pushRunMetrics(
        report({ exitCode: 4, status: 'partial-failure' }),
        { pushgateway: { url: gw.url, job: 'icsync-prod', timeoutMs: 2000 } },
        silentLogger(),
      );
      expect(gw.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'PUT /metrics/job/icsync-prod',
        'PUT /metrics/job/icsync-prod/result/success',
        'PUT /metrics/job/icsync-prod',
      ]);
      expect(gw.requests[1]!.body).toContain(
        `icsync_sync_last_success_timestamp_seconds ${Date.parse('2026-11-28T10:02:30.000Z') / 1000}`,
      );
      expect(gw.requests[2]!.body).toContain('icsync_sync_last_run_exit_code 4');
    } finally {
      gw.close();
    }
  });

  it('a Pushgateway that is down or refuses costs no exception; dry runs push nothing', async () => {
    const gw = await pushgateway(500);
    gw.close();
    await expect(
      pushRunMetrics(report(), { pushgateway: { url: gw.url, job: 'j', timeoutMs: 500 } }, silentLogger()),
    ).resolves.toBeUndefined();
    const refusing = await pushgateway(400);
    try {
      await pushRunMetrics(
        report({ mode: 'diff' }),
        { pushgateway: { url: refusing.url, job: 'j', timeoutMs: 500 } },
        silentLogger(),
      );
      expect(refusing.requests).toEqual([]);
      await expect(
        pushRunMetrics(report(), { pushgateway: { url: refusing.url, job: 'j', timeoutMs: 500 } }, silentLogger()),
      ).resolves.toBeUndefined();
      expect(refusing.requests).toHaveLength(2);
    } finally {
      refusing.close();
    }
  });
});
