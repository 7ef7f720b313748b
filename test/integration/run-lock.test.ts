/**
 * One writer at a time in the default file-state mode: two `icsync sync` runs started together
 * against one tenant, through the CLI entry point with a config file and no injected dependency.
 */
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeSampleConfig } from '../helpers/sample-config.js';
import { main } from '../../src/cli/index.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { syncWaitingKey } from '../../src/queue/keys.js';
import { acquireRunLock } from '../../src/queue/run-lock.js';
import { EXIT } from '../../src/sync/exit-codes.js';

const TOKEN = 'run-lock-test-token';
const quiet = { stdout: () => undefined, stderr: () => undefined };

function configFor(
  emulator: RunningEmulator,
  lockWaitMs: number,
  redisPrefix?: string,
): Promise<{ path: string; dir: string }> {
  return writeSampleConfig({
    baseUrl: emulator.baseUrl,
    label: 'lock',
    sync: ['rateLimit: { requestsPerSecond: 500, burst: 50 }', `lockWaitMs: ${lockWaitMs}`],
    ...(redisPrefix ? { redisPrefix } : {}),
  });
}

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('the run lock in file-state mode', () => {
  it('lets exactly one of two concurrent syncs apply; the other exits locked, and total writes equal one plan', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const { path } = await configFor(emulator, 0);
    const env = { ...process.env, SCIM_TOKEN: TOKEN };
    const codes = await Promise.all([
      main(['sync', '--config', path], env, quiet),
      main(['sync', '--config', path], env, quiet),
    ]);
    expect(codes.sort()).toEqual([EXIT.success, EXIT.locked]);
    const writes = emulator.writes().length;

    const alone = await startEmulator({ tokens: [TOKEN] });
    try {
      const single = await configFor(alone, 0);
      expect(await main(['sync', '--config', single.path], env, quiet)).toBe(EXIT.success);
      expect(writes).toBe(alone.writes().length);
    } finally {
      await alone.close();
    }
  });

  it('makes a second sync wait for the first and then find nothing to do', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const { path } = await configFor(emulator, 60_000);
    const env = { ...process.env, SCIM_TOKEN: TOKEN };
    const first = main(['sync', '--config', path], env, quiet);
    const second = main(['sync', '--config', path], env, quiet);
    expect(await Promise.all([first, second])).toEqual([EXIT.success, EXIT.success]);
    const afterBoth = emulator.writes().length;
    expect(await main(['diff', '--config', path], env, quiet)).toBe(EXIT.success);
    expect(emulator.writes().length).toBe(afterBoth);
  });

  it('takes over a lock left by a crashed run once its heartbeat is older than the TTL', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const { path, dir } = await configFor(emulator, 0);
    const lockFile = join(dir, 'state', 'state.json.lock');
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(
      lockFile,
      JSON.stringify({ holder: 'crashed', pid: 1, host: 'gone', startedAt: '2026-01-01T00:00:00Z' }),
    );
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(lockFile, old, old);
    expect(await main(['sync', '--config', path], { ...process.env, SCIM_TOKEN: TOKEN }, quiet)).toBe(EXIT.success);
  });

  it('lets diff run while a sync holds the lock', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const { path, dir } = await configFor(emulator, 0);
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(
      join(dir, 'state', 'state.json.lock'),
      JSON.stringify({ holder: 'live', pid: 1, host: 'h', startedAt: new Date().toISOString() }),
    );
    expect(await main(['diff', '--config', path], { ...process.env, SCIM_TOKEN: TOKEN }, quiet)).toBe(
      EXIT.changesPending,
    );
    expect(await main(['sync', '--config', path], { ...process.env, SCIM_TOKEN: TOKEN }, quiet)).toBe(EXIT.locked);
  });

  it('with Redis, makes a full sync wait for a hint run that holds the lock, and never report success when it could not run', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const prefix = `icsync-lock-${randomUUID().slice(0, 8)}`;
    const redis = new Redis({ host: '127.0.0.1', port: 6379 });
    try {
      const env = { ...process.env, SCIM_TOKEN: TOKEN };
      const hintRun = await acquireRunLock(redis, prefix, 'sync', 60_000);
      const short = await configFor(emulator, 1_500, prefix);
      expect(await main(['sync', '--config', short.path], env, quiet)).toBe(EXIT.locked);
      expect(emulator.writes()).toHaveLength(0);

      const patient = await configFor(emulator, 60_000, prefix);
      const waiting = main(['sync', '--config', patient.path], env, quiet);
      await vi.waitFor(async () => expect(await redis.exists(syncWaitingKey(prefix))).toBe(1), { timeout: 10_000 });
      await hintRun?.release();
      expect(await waiting).toBe(EXIT.success);
      expect(emulator.writes().length).toBeGreaterThan(0);
      expect(await redis.exists(syncWaitingKey(prefix))).toBe(0);
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
