/**
 * `icsync serve` as the chart's webhook Deployment runs it: the built binary, `serve --config
 * /etc/icsync/config.yaml`, Redis state and queue, the Okta event-hook secret and the source
 * credential as mounted files. Checked from outside like the kubelet's probes: the port opens,
 * GET /healthz answers, GET /readyz follows Redis, and SIGTERM ends the process with exit 0.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  makePod,
  podEnv,
  start,
  tryGet,
  waitFor,
  writeConfig,
  type IcsyncProcess,
  type Pod,
} from './cli-process.js';
import { drainPrefix, REDIS_URL, uniquePrefix } from './redis-keys.js';

const SECRETS = {
  'scim-token': 'canary-serve-scim-token-0d5e8c1f',
  'okta-api-token': 'canary-serve-okta-token-77ab2e90',
  'okta-event-hook-secret': 'canary-serve-hook-secret-5f1c3d9e2a',
};
const prefix = uniquePrefix('serve');

let serve: IcsyncProcess | undefined;
afterEach(() => serve?.kill());
afterAll(() => drainPrefix(prefix));

async function webhookPod(redisUrl: string, port: number): Promise<Pod> {
  const pod = await makePod(SECRETS);
  await writeConfig(pod, {
    sources: [
      {
        type: 'okta',
        id: 'corp-okta',
        orgUrl: 'https://acme.okta.com',
        auth: { apiToken: pod.secret('okta-api-token') },
        scope: { type: 'groups', ids: ['00g1'] },
      },
    ],
    target: {
      baseUrl: 'https://scim.us-east-1.amazonaws.com/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111/scim/v2',
      token: pod.secret('scim-token'),
    },
    state: { kind: 'redis' },
    redis: { url: redisUrl, keyPrefix: prefix },
    queue: { enabled: true },
    serve: { port, host: '127.0.0.1', okta: { sourceId: 'corp-okta', secret: pod.secret('okta-event-hook-secret') } },
  });
  return pod;
}

function noSecretIn(text: string): void {
  for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
}

describe('icsync serve as deployed', () => {
  it('with Redis up: opens its port, /healthz and /readyz answer 200, the Okta challenge is answered, SIGTERM exits 0', async () => {
    const port = await freePort();
    const pod = await webhookPod(REDIS_URL, port);
    serve = start(['serve', '--config', pod.configPath], podEnv());
    const base = `http://127.0.0.1:${port}`;
    const health = await waitFor('GET /healthz to answer', () =>
      serve!.running ? tryGet(`${base}/healthz`) : Promise.reject(new Error(`serve exited: ${serve!.stderr}`)),
    );
    expect(health.status).toBe(200);
    expect((await tryGet(`${base}/readyz`))?.status).toBe(200);
    // https://developer.okta.com/docs/concepts/event-hooks/#one-time-verification-request
    const challenge = await tryGet(`${base}/webhooks/okta`, {
      authorization: SECRETS['okta-event-hook-secret'],
      'x-okta-verification-challenge': 'process-test-challenge',
    });
    expect(challenge).toEqual({ status: 200, body: JSON.stringify({ verification: 'process-test-challenge' }) });
    expect((await tryGet(`${base}/webhooks/okta`, { 'x-okta-verification-challenge': 'x' }))?.status).toBe(401);
    const stopped = await serve.stop();
    expect(stopped.code).toBe(0);
    noSecretIn(stopped.stdout + stopped.stderr);
  });

  it('with Redis down: still listens, /healthz answers 200 and /readyz 503, so the pod gets no traffic until Redis is back', async () => {
    const port = await freePort();
    const pod = await webhookPod(`redis://127.0.0.1:${await freePort()}`, port);
    serve = start(['serve', '--config', pod.configPath], podEnv());
    const base = `http://127.0.0.1:${port}`;
    const health = await waitFor('GET /healthz to answer', () =>
      serve!.running ? tryGet(`${base}/healthz`) : Promise.reject(new Error(`serve exited: ${serve!.stderr}`)),
    );
    expect(health.status).toBe(200);
    expect((await tryGet(`${base}/readyz`))?.status).toBe(503);
    const stopped = await serve.stop();
    expect(stopped.code).toBe(0);
    noSecretIn(stopped.stdout + stopped.stderr);
  });
});
