/**
 * Canary secrets against upstreams that echo the request's Authorization header in their error
 * text, as HTTP client errors and proxies do: nothing that leaves the process may carry them —
 * stdout, stderr, the run report, the state files, or any Redis key (BullMQ keeps a failed job's
 * `failedReason` and `stacktrace` in clear text).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Worker } from 'bullmq';
import { type Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSampleConfig } from '../helpers/sample-config.js';
import type { User } from '../../src/model/user.js';
import { QueueHintSink } from '../../src/webhook/hint-queue.js';
import type { ReReadHint } from '../../src/model/hints.js';
import { snapshot, user } from '../helpers/builders.js';
import { openHintQueue } from '../helpers/hint-queue.js';
import { ScriptedSource, startHarness } from '../helpers/harness.js';
import { captureLogger } from '../helpers/webhook.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCIM_CANARY = `scim-canary-${randomUUID()}`;
const OKTA_CANARY = `okta-canary-${randomUUID()}`;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Everything stored under a key prefix, as text: strings, hashes, lists, sets, sorted sets, streams. */
async function dumpRedis(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await redis.keys(`${prefix}:*`)) {
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return parts.join('\n');
}

/** A source whose single-object re-read fails the way an SDK error that echoes its request does. */
class EchoingSource extends ScriptedSource {
  override async rereadUser(): Promise<User | null> {
    throw new Error(`GET /api/v1/users/a failed: 500 {"request":{"headers":{"Authorization":"SSWS ${OKTA_CANARY}"}}}`);
  }
}

/** An upstream SCIM endpoint that answers every request with 500 and the request's headers. */
async function echoingScim(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        detail: `internal error for ${req.method} ${req.url}`,
        debug: { authorization: req.headers.authorization },
      }),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant/scim/v2` };
}

describe('canary secrets with upstreams that echo Authorization', () => {
  it('keeps them out of a failed hint job in Redis and out of the logs, and logs the failure', async () => {
    const source = new EchoingSource(snapshot([user('a')]));
    const h = await startHarness(source);
    cleanup.push(() => h.close());
    const hints = openHintQueue('canary');
    cleanup.push(() => hints.close());
    const { queue, redis, prefix } = hints;
    const { logger, text } = captureLogger();
    await new QueueHintSink(queue).enqueue([
      { sourceId: source.id, kind: 'user', id: 'a', origin: 'okta', receivedAt: new Date().toISOString() },
    ]);
    const worker: Worker<ReReadHint> = hints.startWorker(h.deps, { logger, secrets: [OKTA_CANARY] });
    cleanup.push(() => worker.close());
    const failed = new Promise<void>((done) => worker.once('failed', () => done()));
    await failed;
    const stored = await dumpRedis(redis, prefix);
    expect(stored).toContain('failed: 500');
    expect(stored).not.toContain(OKTA_CANARY);
    expect(text()).toContain('hint run failed');
    expect(text()).not.toContain(OKTA_CANARY);
  });

  it('keeps them out of stdout, stderr, the report and the state of a sync at trace level', async () => {
    const { server, url } = await echoingScim();
    cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
    // Mounted like a Secret volume: beside the config, not inside it.
    const tokenFile = join(await mkdtemp(join(tmpdir(), 'icsync-canary-secret-')), 'scim-token');
    await writeFile(tokenFile, SCIM_CANARY, { mode: 0o600 });
    const { path: config, dir } = await writeSampleConfig({
      baseUrl: url,
      label: 'canary',
      token: `{ file: ${JSON.stringify(tokenFile)} }`,
      sync: ['retryBaseMs: 10', 'retryMaxMs: 100'],
      log: 'trace',
    });
    const report = join(dir, 'report.json');
    const ran = await new Promise<{ code: number | null; out: string }>((done, fail) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'sync', '--config', config, '--json', '--report', report],
        { cwd: ROOT },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, out }));
    });
    const stateDir = join(dir, 'state');
    const stateFiles = await readdir(stateDir).catch(() => [] as string[]);
    const state = (await Promise.all(stateFiles.map((f) => readFile(join(stateDir, f), 'utf8')))).join('\n');
    const reportText = await readFile(report, 'utf8').catch(() => '');
    expect(ran.out).toContain('internal error for GET');
    expect(ran.code).not.toBe(0);
    expect(ran.out + reportText + state).not.toContain(SCIM_CANARY);
  }, 60_000); // a whole `icsync` process under tsx: heavy work on a busy machine
});
