import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT } from './helm.js';

/**
 * What the image's final stage holds, assembled without a container engine and run the way the
 * chart runs it: `npm ci --omit=dev --ignore-scripts` from the lockfile, `dist/` from the build
 * (tsconfig.build.json), package.json; then `icsync` as a non-root user (65532, as in the image)
 * with the application, config and secret read-only, writing only to the state volume and /tmp.
 * This catches a runtime import of a devDependency, a file the build leaves out, and a write
 * outside the mounted volumes, which a read-only root filesystem would turn into a crash.
 */

const UID = 65532;
const TOKEN = 'image-runtime-scim-token-canary';

let root: string;
let app: string;
let etc: string;
let stateDir: string;
let tmp: string;
let emulator: ChildProcess | undefined;

/** As root, drop to the image's user with setpriv (util-linux); as anyone else, run as is: the a-w files stay unwritable either way. */
function asImageUser(argv: string[]): string[] {
  if (process.getuid?.() !== 0) return argv;
  if (process.execPath.startsWith('/root/'))
    throw new Error(`node runs from ${process.execPath}, which uid ${UID} cannot reach; use a system-wide node`);
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  if (!setpriv)
    throw new Error('running as root, the image runtime test needs setpriv (util-linux) to drop to uid 65532');
  return [setpriv, `--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', ...argv];
}

const runtimeEnv = (): NodeJS.ProcessEnv => ({
  PATH: '/usr/bin:/bin',
  HOME: '/nonexistent',
  TMPDIR: tmp,
  NODE_ENV: 'production',
});

/**
 * Async, not spawnSync: the emulator is a child of this process, and a blocked event loop stops
 * draining its stdout, so a chatty emulator would fill the pipe and stall the very request icsync waits on.
 */
function icsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [cmd, ...rest] = asImageUser([process.execPath, 'dist/cli/main.js', ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, rest, { cwd: app, env: runtimeEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function must(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000, env: process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message}`);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .sort();
}

/** The test's AWS stand-in runs from the checkout: the image leaves the emulator out. */
function startEmulator(): Promise<string> {
  const [cmd, ...rest] = asImageUser([
    process.execPath,
    '--import',
    'tsx',
    join(REPO_ROOT, 'src/cli/main.ts'),
    'emulator',
    '--port',
    '0',
  ]);
  const child = spawn(cmd!, rest, {
    cwd: REPO_ROOT,
    env: { ...runtimeEnv(), ICSYNC_EMULATOR_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  emulator = child;
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening at (\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'icsync-image-'));
  app = join(root, 'app');
  etc = join(root, 'etc');
  stateDir = join(root, 'state');
  tmp = join(root, 'tmp');
  for (const d of [app, etc, stateDir, tmp]) mkdirSync(d);
  // The prod-deps stage: the lockfile's production tree, no install scripts.
  copyFileSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json'));
  copyFileSync(join(REPO_ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
  must('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], app);
  rmSync(join(app, 'package-lock.json'));
  must('find', ['node_modules', '-type', 'd', '-name', '@types', '-prune', '-exec', 'rm', '-rf', '{}', '+'], app);
  // The build stage's output, without the development tools.
  must(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(REPO_ROOT, 'tsconfig.build.json'),
      '--outDir',
      join(app, 'dist'),
    ],
    REPO_ROOT,
  );
  for (const dev of ['dist/emulator', 'dist/cli/emulator-command.js', 'dist/cli/demo.js'])
    rmSync(join(app, dev), { recursive: true });
  spawnSync('chmod', ['-R', 'a+rX,a-w', app]);
  chmodSync(root, 0o755);
  if (process.getuid?.() === 0) for (const d of [stateDir, tmp]) chownSync(d, UID, UID);
  const baseUrl = await startEmulator();
  // The mounted config and Secret, read-only like a ConfigMap and a Secret volume.
  writeFileSync(join(etc, 'scim-token'), `${TOKEN}\n`);
  copyFileSync(join(REPO_ROOT, 'examples/sample-directory.json'), join(etc, 'directory.json'));
  writeFileSync(
    join(etc, 'config.yaml'),
    stringify({
      sources: [{ type: 'file', id: 'sample', path: join(etc, 'directory.json') }],
      target: { baseUrl, token: { file: join(etc, 'scim-token') }, allowLocalEmulator: true },
      sync: { rateLimit: { requestsPerSecond: 200, burst: 50 } },
      state: { kind: 'file', path: join(stateDir, 'state.json') },
    }),
  );
  spawnSync('chmod', ['-R', 'a+rX,a-w', etc]);
}, 240_000);

afterAll(() => {
  emulator?.kill('SIGTERM');
  if (root) {
    spawnSync('chmod', ['-R', 'u+w', root]);
    rmSync(root, { recursive: true, force: true });
  }
});

describe('image runtime layout (the final stage, without an engine)', () => {
  it('`icsync --help` runs from dist/ with production dependencies only', async () => {
    const r = await icsync(['--help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: icsync/);
  }, 60_000);

  it('holds neither the emulator nor type declarations; `icsync emulator` says so and exits 6', async () => {
    const files = listFiles(app);
    expect(files.filter((f) => f.startsWith('dist/emulator/') || f.includes('/@types/'))).toEqual([]);
    const r = await icsync(['emulator', '--port', '0']);
    expect(r.status).toBe(6);
    expect(r.stderr).toContain('the SCIM emulator is not part of this build');
  });

  it('sync and diff against the emulator with a read-only app, config and secret: writes land only in the state volume, the token in no output', async () => {
    const appFiles = listFiles(app);
    const etcFiles = listFiles(etc);
    const sync = await icsync(['sync', '--config', join(etc, 'config.yaml')]);
    expect(sync.stderr + sync.stdout).not.toContain(TOKEN);
    expect(sync.status, sync.stderr).toBe(0);
    expect(sync.stdout).toContain('Result: success (exit 0)');

    const diff = await icsync(['diff', '--config', join(etc, 'config.yaml')]);
    expect(diff.stderr + diff.stdout).not.toContain(TOKEN);
    expect(diff.status, diff.stderr).toBe(0);

    expect(listFiles(app)).toEqual(appFiles);
    expect(listFiles(stateDir)).toContain('state.json');
    expect(listFiles(etc)).toEqual(etcFiles);
  }, 120_000);
});
