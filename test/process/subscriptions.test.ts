/**
 * `icsync subscriptions ensure` as the built binary: the Entra app's client secret and the
 * clientState as mounted files, Microsoft Graph played by the https fake (trusted through
 * NODE_EXTRA_CA_CERTS, as a cluster CA bundle would be). Checked from outside: exit code, stdout,
 * and the calls Graph received with the token its own authority issued.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFake } from '../helpers/graphFake.js';
import { makePod, podEnv, run, writeConfig } from './cli-process.js';
import { entraSource, startEntraFake } from './entra-pod.js';

const SECRETS = {
  'scim-token': 'canary-subs-scim-token-2a9d4c1b',
  'entra-client-secret': 'canary-subs-entra-secret-Hq3Lm8Tz',
  'graph-client-state': `canary-subs-client-state-${'k'.repeat(24)}`,
};
const NOTIFY = 'https://hooks.example.com/webhooks/graph';

let graph: GraphFake;
beforeAll(async () => {
  graph = await startEntraFake(SECRETS['entra-client-secret']);
  // The fake serves directory reads only; these answers stand in for Graph's subscription API
  // (https://learn.microsoft.com/en-us/graph/api/subscription-post-subscriptions).
  graph.inject((r) => {
    if (r.path !== '/subscriptions') return undefined;
    if (r.method === 'GET') return { status: 200, body: { value: [] } };
    const expirationDateTime = new Date(Date.now() + 28 * 86_400_000).toISOString();
    return {
      status: 201,
      body: {
        id: randomUUID(),
        resource: '/users',
        changeType: 'updated,deleted',
        notificationUrl: NOTIFY,
        expirationDateTime,
      },
    };
  });
});
afterAll(() => graph.close());

describe('icsync subscriptions ensure as deployed', () => {
  it('creates the missing users subscription with a token from the app credential, prints it, and exits 0', async () => {
    const pod = await makePod(SECRETS);
    await writeConfig(pod, {
      sources: [entraSource(pod, graph)],
      target: {
        baseUrl: 'https://scim.us-east-1.amazonaws.com/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111/scim/v2',
        token: pod.secret('scim-token'),
      },
      state: { kind: 'redis' },
      serve: {
        graph: {
          sourceId: 'corp-entra',
          clientState: pod.secret('graph-client-state'),
          subscriptions: { notificationUrl: NOTIFY, resources: ['users'] },
        },
      },
    });
    const ensured = await run(['subscriptions', 'ensure', '--config', pod.configPath], podEnv());
    expect(ensured.code).toBe(0);
    expect(ensured.stdout).toMatch(/^users: created subscription [0-9a-f-]{36}, expires \d{4}-/m);
    expect(graph.calls('/subscriptions').map((c) => c.method)).toEqual(['GET', 'POST']);
    expect(graph.unauthorizedCalls).toBe(0);
    for (const value of Object.values(SECRETS)) expect(ensured.stdout + ensured.stderr).not.toContain(value);
  });
});
