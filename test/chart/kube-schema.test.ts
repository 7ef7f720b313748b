import { describe, expect, it } from 'vitest';
import { find } from './manifests.js';
import { schemaViolations } from './kube-schema.js';
import { manifestsOf, set, VALUE_SETS } from './value-sets.js';

/** The rendered manifests of every ci/ values file (and the defaults) against the Kubernetes API schemas. */
describe('rendered manifests match the Kubernetes API schemas', () => {
  it.each(VALUE_SETS.map((s) => [s.name, s] as const))('%s', async (_name, valueSet) => {
    const manifests = manifestsOf(valueSet);
    expect(manifests.length).toBeGreaterThan(0);
    expect(await schemaViolations(manifests)).toEqual([]);
  });

  it('covers the optional kinds too: Deployments, Services, PDBs, NetworkPolicies, ServiceMonitor, PrometheusRule', () => {
    const kinds = new Set(VALUE_SETS.flatMap((s) => manifestsOf(s).map((m) => m.kind)));
    for (const kind of [
      'CronJob',
      'Deployment',
      'Service',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'ServiceMonitor',
      'PrometheusRule',
      'Pod',
      'PersistentVolumeClaim',
    ]) {
      expect([...kinds]).toContain(kind);
    }
  });

  it('the validator catches a broken object: a wrong type, a missing required field, a value outside an enum', async () => {
    const cron = structuredClone(find(manifestsOf(set('cron')), 'CronJob', 'icsync'));
    cron.spec.jobTemplate.spec.template.spec.containers[0].ports = [{ containerPort: 'http' }];
    const deployment = structuredClone(find(manifestsOf(set('queue')), 'Deployment', 'icsync-worker'));
    delete deployment.spec.selector;
    const monitor = structuredClone(find(manifestsOf(set('monitoring')), 'ServiceMonitor', 'icsync'));
    monitor.spec.endpoints[0].scheme = 'gopher';
    const violations = await schemaViolations([cron, deployment, monitor]);
    expect(violations).toHaveLength(3);
    expect(violations[0]).toMatch(/^CronJob\/icsync: .*containerPort must be integer/);
    expect(violations[1]).toMatch(/^Deployment\/icsync-worker: .*selector/);
    expect(violations[2]).toMatch(/^ServiceMonitor\/icsync: .*scheme/);
  });
});
