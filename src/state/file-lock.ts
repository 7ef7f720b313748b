/**
 * The run lock of the file-state mode: one writer at a time, also across pods that share the state
 * volume. The lock is a file created with O_EXCL (`wx`), which is atomic on local file systems and
 * on NFSv3+ (open(2), O_EXCL). It names its holder; the holder refreshes its mtime as a heartbeat
 * and checks that the file is still its own. A lock whose heartbeat is older than the TTL belongs
 * to a crashed run and is taken over.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export interface FileLockOptions {
  /** A heartbeat older than this marks the lock stale (its holder crashed). */
  ttlMs: number;
  /** Called once if the lock was lost (taken over, or its file removed): stop applying. */
  onLost?: () => void;
  now?: () => number;
}

export interface HeldFileLock {
  readonly holder: string;
  readonly lost: boolean;
  release(): Promise<void>;
}

export interface LockOwner {
  holder: string;
  pid: number;
  host: string;
  startedAt: string;
}

/** Tries once; resolves null when a live run holds the lock. */
export async function tryFileLock(path: string, options: FileLockOptions): Promise<HeldFileLock | null> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const owner: LockOwner = {
    holder: randomUUID(),
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  if (await create(path, owner)) return hold(path, owner, options);
  if (!(await takeOverIfStale(path, options))) return null;
  return (await create(path, owner)) ? hold(path, owner, options) : null;
}

/** Who holds the lock, for the "waiting for…" message; undefined when no lock file is readable. */
export async function lockOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

async function create(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(owner));
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Moves a stale lock aside under a unique name, so of two runs that both saw it stale only one
 * succeeds. If what was moved turns out to be live (its holder heartbeated in between), it is put
 * back with link(2), which never overwrites; its holder notices a replaced file at its heartbeat.
 */
async function takeOverIfStale(path: string, options: FileLockOptions): Promise<boolean> {
  const now = options.now ?? Date.now;
  const seen = await stat(path).catch(() => undefined);
  if (seen !== undefined && now() - seen.mtimeMs <= options.ttlMs) return false;
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  const moved = await stat(aside);
  if (now() - moved.mtimeMs <= options.ttlMs) {
    await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

function hold(path: string, owner: LockOwner, options: FileLockOptions): HeldFileLock {
  let lost = false;
  const markLost = (): void => {
    if (lost) return;
    lost = true;
    options.onLost?.();
  };
  const heartbeat = async (): Promise<void> => {
    const current = await lockOwner(path);
    if (current?.holder !== owner.holder) return markLost();
    const at = new Date((options.now ?? Date.now)());
    await utimes(path, at, at).catch(markLost);
  };
  const timer = setInterval(() => void heartbeat(), Math.max(250, Math.floor(options.ttlMs / 3)));
  timer.unref();
  return {
    holder: owner.holder,
    get lost() {
      return lost;
    },
    async release() {
      clearInterval(timer);
      if ((await lockOwner(path))?.holder === owner.holder) await unlink(path).catch(() => undefined);
    },
  };
}
