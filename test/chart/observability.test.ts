import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runMetricsText, successMetricsText } from '../../src/ops/pushgateway.js';
import { startWorkerHealth } from '../../src/ops/worker-health.js';
import { CHART_DIR, renderChart, runHelm, type Manifest } from './helm.js';
import { container, find, ofKind, renderedConfig } from './manifests.js';
import { manifestsOf, MINIMAL, set } from './value-sets.js';

/** Prometheus integration, worker liveness and spreading, as rendered for ci/*-values.yaml. */

const names = (m: Manifest[], kind: string): string[] =>
  ofKind(m, kind)
    .map((x) => x.metadata.name)
    .sort();
const matches = (
  labels: Record<string, string>,
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values: string[] }[];
  },
): boolean =>
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
  (selector.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values.includes(labels[e.key] ?? ''));

describe('chart: metrics on their own port', () => {
  it('the webhook serves /metrics on metrics.port, which the public Service does not carry', () => {
    const m = manifestsOf(set('webhook'));
    expect(parse(renderedConfig(m, 'icsync') as string).serve).toMatchObject({ port: 9090, metricsPort: 9464 });
    expect(find(m, 'Service', 'icsync-webhook').spec.ports.map((p: { name: string }) => p.name)).toEqual(['http']);
    const metrics = find(m, 'Service', 'icsync-webhook-metrics');
    expect(metrics.spec.clusterIP).toBe('None');
    expect(metrics.spec.ports).toEqual([{ name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' }]);
    const pod = find(m, 'Deployment', 'icsync-webhook').spec.template;
    expect(matches(pod.metadata.labels, { matchLabels: metrics.spec.selector })).toBe(true);
  });

  it('a ServiceMonitor scrapes the webhook and worker metrics Services, only when enabled', () => {
    const m = manifestsOf(set('monitoring'));
    const sm = find(m, 'ServiceMonitor', 'icsync');
    expect(sm.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    const selected = ofKind(m, 'Service')
      .filter((s) => matches(s.metadata.labels ?? {}, sm.spec.selector))
      .map((s) => s.metadata.name);
    expect(selected).toEqual(['icsync-worker-metrics']);
    expect(names(manifestsOf(set('webhook')), 'ServiceMonitor')).toEqual([]);
    const both = renderChart({
      values: ['ci/webhook-values.yaml', { metrics: { serviceMonitor: { enabled: true } } }],
    }).manifests;
    const smBoth = find(both, 'ServiceMonitor', 'icsync');
    expect(
      ofKind(both, 'Service')
        .filter((s) => matches(s.metadata.labels ?? {}, smBoth.spec.selector))
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['icsync-webhook-metrics', 'icsync-worker-metrics']);
  });

  it('the sync pushes its outcome to the Pushgateway, which the NetworkPolicy lets it reach; Prometheus may reach the metrics port', () => {
    const m = manifestsOf(set('monitoring'));
    expect(parse(renderedConfig(m, 'icsync') as string).metrics).toEqual({
      pushgateway: { url: 'http://prometheus-pushgateway.monitoring.svc:9091', job: 'icsync-sync' },
      scimTokenExpiresAt: '2027-06-30',
    });
    const egress = find(m, 'NetworkPolicy', 'icsync').spec.egress as { to?: unknown[]; ports: { port: number }[] }[];
    const push = egress.find((r) => r.ports[0]!.port === 9091)!;
    expect(push.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
    const ingress = find(m, 'NetworkPolicy', 'icsync-metrics').spec;
    expect(ingress.podSelector.matchExpressions).toEqual([
      { key: 'app.kubernetes.io/component', operator: 'In', values: ['webhook', 'worker'] },
    ]);
    expect(ingress.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ port: 9464, protocol: 'TCP' }],
      },
    ]);
  });
});

describe('chart: example alert rules', () => {
  const rule = find(manifestsOf(set('monitoring')), 'PrometheusRule', 'icsync');
  const rules = rule.spec.groups[0].rules as { alert: string; expr: string }[];

  it('alert on a failed sync, a held brake, invalid credentials, high throttled time, a token near expiry, staleness and stuck workers', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'IcsyncSyncFailed',
      'IcsyncSyncJobFailed',
      'IcsyncDeletionBrakeHeld',
      'IcsyncCredentialsInvalid',
      'IcsyncThrottledTimeHigh',
      'IcsyncScimTokenNearExpiry',
      'IcsyncSyncStale',
      'IcsyncWorkerNotLive',
    ]);
    expect(rules.find((r) => r.alert === 'IcsyncScimTokenNearExpiry')!.expr).toBe(
      'icsync_scim_token_expiry_timestamp_seconds{job="icsync-sync"} - time() < 2592000',
    );
    expect(rules.find((r) => r.alert === 'IcsyncSyncJobFailed')!.expr).toBe(
      'kube_job_status_failed{namespace="identity", job_name=~"icsync-[0-9]+"} > 0',
    );
  });

  it('every icsync_* series a rule reads is one that icsync exports', async () => {
    const brake = { destructive: 0, takeovers: 0, threshold: 10, managedObjects: 0, blocked: false };
    const report = {
      runId: 'r',
      mode: 'sync',
      status: 'success',
      exitCode: 0,
      message: '',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
      timingsMs: {},
      sources: [],
      target: { users: 0, groups: 0, membershipsRead: 0, membershipsAssumed: 0 },
      plan: { hash: 'h', operations: 0, counts: {}, membershipChanges: {}, brake },
      findings: [],
    } as never;
    const worker = Object.assign(new EventEmitter(), { isRunning: () => true });
    const redis = Object.assign(new EventEmitter(), { status: 'ready' });
    const health = await startWorkerHealth({
      host: '127.0.0.1',
      port: 0,
      maxEventLoopStallMs: 10_000,
      maxRedisOutageMs: 10_000,
      redis,
      worker,
    });
    try {
      const exported = `${runMetricsText(report, { scimTokenExpiresAt: '2027-01-01' })}${successMetricsText(report)}${await (await fetch(`http://127.0.0.1:${health.address.port}/metrics`)).text()}`;
      const used = new Set(rules.flatMap((r) => r.expr.match(/icsync_[a-z_]+/g) ?? []));
      expect(used.size).toBeGreaterThanOrEqual(7);
      for (const name of used) expect(exported, name).toMatch(new RegExp(`^${name} `, 'm'));
    } finally {
      await health.close();
    }
  });
});

describe('chart: worker liveness', () => {
  it('workers serve /healthz and /readyz on metrics.port, with the liveness bounds in their config', () => {
    const m = manifestsOf(set('queue'));
    const c = container(find(m, 'Deployment', 'icsync-worker').spec.template.spec);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    expect(c.livenessProbe).toEqual({
      httpGet: { path: '/healthz', port: 'metrics' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(parse(renderedConfig(m, 'icsync') as string).queue.health).toEqual({
      port: 9464,
      maxRedisOutageMs: 120_000,
      maxEventLoopStallMs: 10_000,
    });
  });

  it('the bounds follow worker.liveness', () => {
    const m = renderChart({
      values: [
        'ci/queue-values.yaml',
        { worker: { liveness: { maxRedisOutageSeconds: 30, maxEventLoopStallSeconds: 5 } } },
      ],
    }).manifests;
    expect(parse(renderedConfig(m, 'icsync') as string).queue.health).toMatchObject({
      maxRedisOutageMs: 30_000,
      maxEventLoopStallMs: 5_000,
    });
  });
});

describe('chart: spreading and availability', () => {
  it('webhook and worker replicas spread over nodes (hard) and zones (soft), each selecting its own pods; Jobs are not spread', () => {
    const m = manifestsOf(set('webhook'));
    for (const component of ['webhook', 'worker']) {
      const spec = find(m, 'Deployment', `icsync-${component}`).spec;
      expect(spec.replicas).toBe(2);
      const constraints = spec.template.spec.topologySpreadConstraints;
      expect(
        constraints.map(
          (c: { topologyKey: string; whenUnsatisfiable: string }) => `${c.topologyKey}:${c.whenUnsatisfiable}`,
        ),
      ).toEqual(['kubernetes.io/hostname:DoNotSchedule', 'topology.kubernetes.io/zone:ScheduleAnyway']);
      for (const c of constraints) {
        expect(matches(spec.template.metadata.labels, c.labelSelector)).toBe(true);
        expect(c.labelSelector.matchLabels['app.kubernetes.io/component']).toBe(component);
        expect(c.matchLabelKeys).toEqual(['pod-template-hash']);
        expect(c.nodeTaintsPolicy).toBe('Honor');
      }
      expect(find(m, 'PodDisruptionBudget', `icsync-${component}`).spec.maxUnavailable).toBe(1);
    }
    expect(find(m, 'CronJob', 'icsync').spec.jobTemplate.spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  it('an empty topologySpreadConstraints turns spreading off', () => {
    const m = renderChart({ values: ['ci/queue-values.yaml', { topologySpreadConstraints: [] }] }).manifests;
    expect(find(m, 'Deployment', 'icsync-worker').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });
});

describe('chart: Kubernetes version', () => {
  it('the bundled Helm 3.6 assumes Kubernetes 1.20 without a cluster, so `helm template` needs --kube-version (the tests pass 1.29.0)', () => {
    const { status, stderr } = runHelm(['template', 'x', CHART_DIR, '-f', `${CHART_DIR}/ci/cron-values.yaml`]);
    expect(status).not.toBe(0);
    expect(stderr).toContain('chart requires kubeVersion: >=1.27.0-0 which is incompatible with Kubernetes v1.20.0');
    expect(renderChart({ values: [MINIMAL] }).manifests.length).toBeGreaterThan(0);
  });
});
