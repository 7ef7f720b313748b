import { mkdtemp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { lockOwner, tryFileLock } from './file-lock.js';

const lockIn = async () => join(await mkdtemp(join(tmpdir(), 'icsync-file-lock-')), 'nested', 'state.json.lock');

describe('tryFileLock', () => {
  it('grants the lock to one holder at a time and frees it on release', async () => {
    const path = await lockIn();
    const first = await tryFileLock(path, { ttlMs: 60_000 });
    expect(first).not.toBeNull();
    expect(await tryFileLock(path, { ttlMs: 60_000 })).toBeNull();
    expect((await lockOwner(path))?.holder).toBe(first?.holder);
    await first?.release();
    await expect(stat(path)).rejects.toThrow();
    const second = await tryFileLock(path, { ttlMs: 60_000 });
    expect(second).not.toBeNull();
    await second?.release();
  });

  it('takes over a lock whose heartbeat is older than the TTL, never a fresh one', async () => {
    const path = await lockIn();
    const crashed = await tryFileLock(path, { ttlMs: 60_000 });
    expect(await tryFileLock(path, { ttlMs: 60_000 })).toBeNull();
    const old = new Date(Date.now() - 120_000);
    await utimes(path, old, old);
    const next = await tryFileLock(path, { ttlMs: 60_000 });
    expect(next?.holder).not.toBe(crashed?.holder);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ holder: next?.holder, pid: process.pid });
    await next?.release();
    await crashed?.release();
  });

  it('tells a holder whose lock was taken over that it lost it', async () => {
    const path = await lockIn();
    const onLost = vi.fn();
    const held = await tryFileLock(path, { ttlMs: 300, onLost });
    await writeFile(path, JSON.stringify({ holder: 'someone-else', pid: 1, host: 'h', startedAt: '' }));
    await vi.waitFor(() => expect(onLost).toHaveBeenCalledOnce(), { timeout: 5_000 });
    expect(held?.lost).toBe(true);
    await held?.release();
    expect((await lockOwner(path))?.holder).toBe('someone-else');
  });

  it('keeps a live lock fresh with its heartbeat', async () => {
    const path = await lockIn();
    const held = await tryFileLock(path, { ttlMs: 300 });
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    await vi.waitFor(async () => expect(Date.now() - (await stat(path)).mtimeMs).toBeLessThan(30_000), {
      timeout: 5_000,
    });
    expect(held?.lost).toBe(false);
    await held?.release();
  });
});
