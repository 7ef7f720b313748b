import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { webhookConfigSchema } from '../../src/config/webhook.js';
import { CHART_DIR, renderChart, renderError, runHelm, type Manifest, type Values } from './helm.js';
import { CI_FILES, manifestsOf, MINIMAL, set, SOURCES, VALUE_SETS } from './value-sets.js';
import {
  CONFIG_PATH,
  SECRET_MOUNT,
  container,
  find,
  ofKind,
  podSpecs,
  renderedConfig,
  secretHandlingViolations,
  secretRefs,
  securityViolations,
} from './manifests.js';

/**
 * The chart rendered by Helm itself (test/chart/helm.ts) for the default values and every
 * ci/*-values.yaml: hardening (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * CronJob policies, secrets as files only, and the modes.
 */

describe('chart: default values', () => {
  it('refuses to render without sources, endpoint and token, naming what is missing', () => {
    expect(renderError({})).toContain('config.sources: list at least one directory source');
    expect(renderError({ values: [{ config: { sources: SOURCES } }] })).toContain('config.target.baseUrl is required');
    expect(renderError({ values: [MINIMAL, { secrets: { values: { 'scim-token': null } } }] })).toContain(
      'set secrets.existingSecret to a Secret holding the key "scim-token"',
    );
  });

  it('with only the required values: CronJob, dry-run CronJob, ConfigMap, Secret, state claim, ServiceAccount, NetworkPolicy and the test pod; nothing optional', () => {
    const kinds = manifestsOf(VALUE_SETS[0]!)
      .map((m) => `${m.kind}/${m.metadata.name}`)
      .sort();
    expect(kinds).toEqual([
      'ConfigMap/icsync',
      'CronJob/icsync',
      'CronJob/icsync-diff',
      'NetworkPolicy/icsync',
      'PersistentVolumeClaim/icsync-state',
      'Pod/icsync-validate-config',
      'Secret/icsync',
      'ServiceAccount/icsync',
    ]);
  });
});

describe.each(VALUE_SETS)('chart: $name', (set) => {
  it('every pod is hardened: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp, no token, /tmp emptyDir, requests and limits', () => {
    const specs = podSpecs(manifestsOf(set));
    expect(specs.length).toBeGreaterThanOrEqual(3);
    expect(specs.flatMap(securityViolations)).toEqual([]);
  });

  it('secrets reach the pods only as read-only files from the Secret', () => {
    const specs = podSpecs(manifestsOf(set));
    expect(specs.flatMap((s) => secretHandlingViolations(s, set.secretName))).toEqual([]);
  });

  it('no secret value appears outside the Secret: not in the ConfigMap, arguments, environment or annotations', () => {
    const manifests = manifestsOf(set);
    const outside = JSON.stringify(manifests.filter((m) => m.kind !== 'Secret'));
    const secret = manifests.find((m) => m.kind === 'Secret');
    for (const value of set.secrets) {
      expect(outside).not.toContain(value);
      expect(outside).not.toContain(Buffer.from(value).toString('base64'));
      expect(Object.values(secret?.data ?? {}).map((b) => Buffer.from(String(b), 'base64').toString())).toContain(
        value,
      );
    }
  });

  it('renders a config that icsync itself accepts, whose every secret is a file under the Secret mount', () => {
    const text = renderedConfig(manifestsOf(set), 'icsync') as string;
    // `serve` is read by `icsync serve` with its own schema (src/webhook/config.ts).
    const { serve, ...rest } = parse(text) as Record<string, unknown>;
    const config = parseConfig(rest, 'the chart ConfigMap');
    if (serve !== undefined) webhookConfigSchema.parse(serve);
    expect(config.target.token).toEqual({ file: `${SECRET_MOUNT}/scim-token` });
    const refs = secretRefs(parse(text));
    expect(refs.length).toBeGreaterThanOrEqual(1);
    for (const { path, ref } of refs) {
      expect(ref, path).toHaveProperty('file');
      expect(ref.file!.startsWith(`${SECRET_MOUNT}/`), `${path}: ${ref.file}`).toBe(true);
    }
    const secret = manifestsOf(set).find((m) => m.kind === 'Secret');
    if (secret) {
      for (const { path, ref } of refs)
        expect(Object.keys(secret.data), `${path} names a key the Secret lacks`).toContain(
          ref.file!.slice(SECRET_MOUNT.length + 1),
        );
    }
  });

  it('the scheduled sync: Forbid, starting deadline ≥ 60 s, 0–1 retries, a deadline above a 50,000-user first sync, TTL, history limits', () => {
    const cron = find(manifestsOf(set), 'CronJob', 'icsync');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.startingDeadlineSeconds).toBeGreaterThanOrEqual(60);
    expect(cron.spec.successfulJobsHistoryLimit).toBeGreaterThanOrEqual(1);
    expect(cron.spec.failedJobsHistoryLimit).toBeGreaterThanOrEqual(1);
    const job = cron.spec.jobTemplate.spec;
    expect([0, 1]).toContain(job.backoffLimit);
    // A first sync of 50,000 users, 10,000 groups and 500,000 memberships: ~70,000 requests at 10 req/s, plus 20 %.
    expect(job.activeDeadlineSeconds).toBeGreaterThan((70_000 / 10) * 1.2);
    expect(job.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(job.template.spec.restartPolicy).toBe('Never');
    expect(job.podFailurePolicy.rules).toEqual([
      { action: 'FailJob', onExitCodes: { containerName: 'icsync', operator: 'In', values: [3, 5, 6, 64] } },
      // `status` is optional since Kubernetes 1.29 but required by the 1.27 and 1.28 API schemas.
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    ]);
    expect(container(job.template.spec).args).toEqual(['sync', '--config', CONFIG_PATH]);
    expect(job.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(30);
  });

  it('the dry-run CronJob is suspended, runs `icsync diff` once (no retry) with the same config, secrets and state', () => {
    const manifests = manifestsOf(set);
    const diff = find(manifests, 'CronJob', 'icsync-diff');
    const sync = find(manifests, 'CronJob', 'icsync');
    expect(diff.spec.suspend).toBe(true);
    expect(diff.spec.concurrencyPolicy).toBe('Forbid');
    const job = diff.spec.jobTemplate.spec;
    expect(job.backoffLimit).toBe(0);
    expect(container(job.template.spec).args).toEqual(['diff', '--config', CONFIG_PATH]);
    expect(job.template.spec.volumes).toEqual(sync.spec.jobTemplate.spec.template.spec.volumes);
  });
});

describe('chart: helm test', () => {
  it('the test pod runs `validate-config --online` once with the config, the secrets and, for file state, the state claim', () => {
    const manifests = manifestsOf(VALUE_SETS[0]!);
    const pod = find(manifests, 'Pod', 'icsync-validate-config');
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(container(pod.spec).args).toEqual(['validate-config', '--online', '--config', CONFIG_PATH]);
    const sync = find(manifests, 'CronJob', 'icsync').spec.jobTemplate.spec.template.spec;
    expect(pod.spec.volumes).toEqual(sync.volumes);
    expect(container(pod.spec).volumeMounts).toEqual(container(sync).volumeMounts);
  });

  it('with Redis state the test pod mounts no claim, like the worker', () => {
    const pod = find(manifestsOf(set('queue')), 'Pod', 'icsync-validate-config');
    expect(container(pod.spec).args).toContain('--online');
    expect(pod.spec.volumes.map((v: { name: string }) => v.name)).not.toContain('state');
  });
});

describe('chart: modes appear only when enabled', () => {
  const names = (manifests: Manifest[], kind: string): string[] =>
    ofKind(manifests, kind)
      .map((m) => m.metadata.name)
      .sort();

  it('cron only: no Deployment, Service or PodDisruptionBudget; the NetworkPolicy allows DNS, public HTTPS and the LDAP rule, and no Redis', () => {
    const m = manifestsOf(set('cron'));
    expect(names(m, 'Deployment')).toEqual([]);
    expect(names(m, 'Service')).toEqual([]);
    expect(names(m, 'PodDisruptionBudget')).toEqual([]);
    const np = find(m, 'NetworkPolicy', 'icsync');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([]);
    const ports = (np.spec.egress as { ports: { port: number }[] }[]).map((r) => r.ports.map((p) => p.port));
    expect(ports).toEqual([[53, 53], [443], [636]]);
    expect(np.spec.egress[1].to[0].ipBlock.except).toContain('169.254.0.0/16');
    expect(names(m, 'NetworkPolicy')).toEqual(['icsync']);
  });

  it('NetworkPolicy egress is on by default, with a switch to turn it off', () => {
    const np = find(manifestsOf(VALUE_SETS[0]!), 'NetworkPolicy', 'icsync');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress.map((r: { ports: { port: number }[] }) => r.ports.map((p) => p.port))).toEqual([
      [53, 53],
      [443],
    ]);
    const off = renderChart({ values: [MINIMAL, { networkPolicy: { enabled: false } }] }).manifests;
    expect(names(off, 'NetworkPolicy')).toEqual([]);
  });

  it('queue mode: a worker Deployment running `icsync worker` with a grace period and a PDB; Redis state, so no claim; Redis in the NetworkPolicy', () => {
    const m = manifestsOf(set('queue'));
    expect(names(m, 'Deployment')).toEqual(['icsync-worker']);
    const worker = find(m, 'Deployment', 'icsync-worker');
    expect(worker.spec.replicas).toBe(3);
    expect(container(worker.spec.template.spec).args).toEqual(['worker', '--config', CONFIG_PATH]);
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(30);
    expect(worker.spec.template.spec.volumes.map((v: { name: string }) => v.name)).not.toContain('state');
    expect(find(m, 'PodDisruptionBudget', 'icsync-worker').spec.maxUnavailable).toBe(1);
    expect(names(m, 'PersistentVolumeClaim')).toEqual([]);
    expect(names(m, 'Service')).toEqual(['icsync-worker-metrics']);
    const redisRule = find(m, 'NetworkPolicy', 'icsync').spec.egress.find(
      (r: { ports: { port: number }[] }) => r.ports[0]!.port === 6379,
    );
    expect(redisRule.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'redis' } } }]);
  });

  it('webhook: `icsync serve` on the configured port with /healthz and /readyz probes, a Service, PDBs, and an ingress policy for its port only', () => {
    const m = manifestsOf(set('webhook'));
    expect(names(m, 'Deployment')).toEqual(['icsync-webhook', 'icsync-worker']);
    const spec = find(m, 'Deployment', 'icsync-webhook').spec.template.spec;
    const c = container(spec);
    expect(c.args).toEqual(['serve', '--config', CONFIG_PATH]);
    expect(parse(renderedConfig(m, 'icsync') as string).serve.port).toBe(9090);
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 9090, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const svc = find(m, 'Service', 'icsync-webhook');
    expect(names(m, 'Service')).toEqual(['icsync-webhook', 'icsync-webhook-metrics', 'icsync-worker-metrics']);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec.selector['app.kubernetes.io/component']).toBe('webhook');
    expect(names(m, 'PodDisruptionBudget')).toEqual(['icsync-webhook', 'icsync-worker']);
    const ingress = find(m, 'NetworkPolicy', 'icsync-webhook').spec;
    expect(ingress.podSelector.matchLabels['app.kubernetes.io/component']).toBe('webhook');
    expect(ingress.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
    // The Redis port comes from config.redis.url (rediss://…:6380), not a second setting that could disagree.
    const egressPorts = find(m, 'NetworkPolicy', 'icsync').spec.egress.map(
      (r: { ports: { port: number }[] }) => r.ports[0]!.port,
    );
    expect(egressPorts).toEqual([53, 443, 6380]);
  });

  it('existing Secret and claim: no Secret or claim is created, the pods use the named ones, the image is pinned by digest', () => {
    const m = manifestsOf(set('existing-secret'));
    expect(names(m, 'Secret')).toEqual([]);
    expect(names(m, 'PersistentVolumeClaim')).toEqual([]);
    const spec = find(m, 'CronJob', 'icsync').spec.jobTemplate.spec.template.spec;
    expect(spec.volumes.find((v: { name: string }) => v.name === 'state').persistentVolumeClaim.claimName).toBe(
      'icsync-state',
    );
    expect(container(spec).image).toMatch(/^registry\.example\.com\/platform\/icsync@sha256:[0-9a-f]{64}$/);
  });

  it('names follow the release: `kubectl create job --from=cronjob/<release>-icsync-diff` finds the dry run', () => {
    const m = renderChart({ release: 'prod', values: [MINIMAL] }).manifests;
    expect(names(m, 'CronJob')).toEqual(['prod-icsync', 'prod-icsync-diff']);
    const long = renderChart({
      release: 'a-very-long-release-name-for-the-identity-team-prod',
      values: [MINIMAL],
    }).manifests;
    for (const cron of ofKind(long, 'CronJob')) expect(cron.metadata.name.length).toBeLessThanOrEqual(52);
  });

  it('a config change rolls the Deployments (checksum annotation)', () => {
    const base = [`ci/queue-values.yaml`];
    const a = find(renderChart({ values: base }).manifests, 'Deployment', 'icsync-worker');
    const b = find(
      renderChart({ values: [...base, { config: { log: { level: 'debug' } } }] }).manifests,
      'Deployment',
      'icsync-worker',
    );
    expect(a.spec.template.metadata.annotations['checksum/config']).not.toBe(
      b.spec.template.metadata.annotations['checksum/config'],
    );
  });
});

describe('chart: values that would break a guarantee are refused', () => {
  const cases: [string, Values[], string][] = [
    [
      'an { env } secret reference',
      ['ci/cron-values.yaml', { config: { redis: { password: { env: 'REDIS_PASSWORD' } } } }],
      'config.redis.password: secrets are mounted as files',
    ],
    [
      'a secret file the generated Secret lacks',
      ['ci/cron-values.yaml', { secrets: { values: { 'ldap-bind-password': null } } }],
      'config.sources[0].bindPassword: /var/run/secrets/icsync/ldap-bind-password names the Secret key "ldap-bind-password", which secrets.values does not set',
    ],
    [
      'a token set in the config',
      [MINIMAL, { config: { target: { token: { file: '/elsewhere' } } } }],
      'config.target.token is set by the chart',
    ],
    [
      'a secret passed in the environment',
      [MINIMAL, { extraEnv: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }],
      'extraEnv.TOKEN: secrets are mounted as files',
    ],
    [
      'a state path on the read-only root',
      [MINIMAL, { config: { state: { path: '/app/state.json' } } }],
      'config.state.path must be under persistence.mountPath',
    ],
    [
      'a serve port that disagrees with the probes',
      ['ci/webhook-values.yaml', { config: { serve: { port: 8443 } } }],
      'config.serve.port differs from webhook.port',
    ],
    [
      'a metrics port set in the config',
      ['ci/webhook-values.yaml', { config: { serve: { metricsPort: 9100 } } }],
      'config.serve.metricsPort is set by the chart from metrics.port',
    ],
    [
      'worker health set in the config',
      ['ci/queue-values.yaml', { config: { queue: { health: { port: 9100 } } } }],
      'config.queue.health is set by the chart',
    ],
    [
      'a pushgateway set in the config',
      [MINIMAL, { config: { metrics: { pushgateway: { url: 'http://pg:9091' } } } }],
      'config.metrics.pushgateway is set by the chart',
    ],
    [
      'metrics on the public webhook port',
      ['ci/webhook-values.yaml', { metrics: { port: 9090 } }],
      'metrics.port must differ from webhook.port',
    ],
  ];
  it.each(cases)('%s', (_name, values, message) => {
    expect(renderError({ values })).toContain(message);
  });

  it('the chart needs Kubernetes ≥ 1.27 (CronJob timeZone, podFailurePolicy)', () => {
    const { status, stderr } = runHelm([
      'template',
      'x',
      CHART_DIR,
      '--kube-version',
      '1.26.0',
      '-f',
      join(CHART_DIR, 'ci/cron-values.yaml'),
    ]);
    expect(status).not.toBe(0);
    expect(stderr).toContain('chart requires kubeVersion: >=1.27.0-0');
  });
});

describe('chart: the checks themselves catch a weakened render', () => {
  it('turning off the hardening is reported for every pod', () => {
    const weak = renderChart({
      values: [
        MINIMAL,
        {
          securityContext: {
            readOnlyRootFilesystem: false,
            allowPrivilegeEscalation: true,
            capabilities: { drop: [] },
          },
        },
      ],
    }).manifests;
    const violations = podSpecs(weak).flatMap(securityViolations);
    expect(violations).toContain('CronJob/icsync container icsync: readOnlyRootFilesystem is not true');
    expect(violations).toContain('CronJob/icsync-diff container icsync: allowPrivilegeEscalation is not false');
    expect(violations).toContain('Pod/icsync-validate-config container icsync: capabilities do not drop ALL');
  });

  it('a secret mounted elsewhere or writable is reported', () => {
    const [spec] = podSpecs(manifestsOf(VALUE_SETS[0]!));
    const mounts = container(spec!.spec).volumeMounts.map((m: { name: string }) =>
      m.name === 'secrets' ? { ...m, readOnly: false } : m,
    );
    const tampered = {
      ...spec!,
      spec: {
        ...spec!.spec,
        containers: [
          {
            ...container(spec!.spec),
            volumeMounts: mounts,
            env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'icsync', key: 'scim-token' } } }],
          },
        ],
      },
    };
    expect(secretHandlingViolations(tampered, 'icsync')).toEqual([
      `${spec!.owner}: env T from a Secret`,
      `${spec!.owner}: Secret mount is writable`,
    ]);
  });
});

describe('chart: helm lint', () => {
  it.each(CI_FILES)('ci/%s passes `helm lint --strict` (values.schema.json included)', (file) => {
    const { status, stdout, stderr } = runHelm(['lint', '--strict', CHART_DIR, '-f', join(CHART_DIR, 'ci', file)]);
    expect(`${stdout}${stderr}`).toContain('0 chart(s) failed');
    expect(status).toBe(0);
  });
});
