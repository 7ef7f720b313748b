import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '../..');
export const MAIN = join(ROOT, 'dist/cli/main.js');

/**
 * The environment of a pod the Helm chart renders: no secret in any variable (they are files under
 * the Secret mount), only PATH and the non-secret extras a values file may add. The test CA stands
 * in for a cluster CA bundle set through `extraEnv: NODE_EXTRA_CA_CERTS`.
 */
export function podEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: join(ROOT, 'test/.tls/cert.pem'), ...extra };
}

/** A pod's filesystem: the config at <dir>/etc/icsync/config.yaml, Secret keys as 0440 files, a state volume. */
export interface Pod {
  dir: string;
  configPath: string;
  secretsDir: string;
  stateDir: string;
  /** `{ file: <secrets mount>/<key> }`, the only secret form the chart allows. */
  secret(key: string): { file: string };
}

export async function makePod(secrets: Record<string, string>): Promise<Pod> {
  const dir = await mkdtemp(join(tmpdir(), 'icsync-pod-'));
  const secretsDir = join(dir, 'var/run/secrets/icsync');
  const stateDir = join(dir, 'var/lib/icsync');
  await mkdir(secretsDir, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  await mkdir(join(dir, 'etc/icsync'), { recursive: true });
  for (const [key, value] of Object.entries(secrets)) {
    const path = join(secretsDir, key);
    await writeFile(path, value);
    await chmod(path, 0o440);
  }
  return {
    dir,
    configPath: join(dir, 'etc/icsync/config.yaml'),
    secretsDir,
    stateDir,
    secret: (key) => ({ file: join(secretsDir, key) }),
  };
}

export async function writeConfig(pod: Pod, config: Record<string, unknown>): Promise<void> {
  await writeFile(pod.configPath, stringify(config));
}

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `node dist/cli/main.js …` with its output collected. */
export class IcsyncProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exited>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env });
    this.child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((done, fail) => {
      this.child.on('error', fail);
      this.child.on('close', (code) => done({ code, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** SIGTERM, as the kubelet sends it, then the exit. */
  async stop(): Promise<Exited> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGINT, as Ctrl-C in a terminal sends it, then the exit. */
  async interrupt(): Promise<Exited> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.exited;
  }

  /** Makes sure nothing is left running after a failed test. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

export function start(args: string[], env: Record<string, string>): IcsyncProcess {
  return new IcsyncProcess(args, env);
}

export function run(args: string[], env: Record<string, string>): Promise<Exited> {
  return new IcsyncProcess(args, env).exited;
}

/**
 * Polls until `check` returns a value (not undefined) or the bound passes. The bound only turns a
 * hang into a failure; nothing here measures speed.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  boundMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A TCP port nothing listens on right now (bound and released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** GET a URL; undefined when nothing answers yet (connection refused), for use with waitFor. */
export async function tryGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

/** The pino JSON lines of a process's stderr that parse. */
export function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr.split('\n').flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as unknown;
      return typeof parsed === 'object' && parsed !== null ? [Object.fromEntries(Object.entries(parsed))] : [];
    } catch {
      return [];
    }
  });
}
