import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = join(ROOT, 'examples', 'sample-directory.json');
const CANARY = 'canary-scim-token-7f3a9b2c1d';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `icsync` in this process, through the same entry point as the binary, for tests about what a
 * command does rather than about the process around it (exit status, signals, everything written).
 */
async function icsyncInProcess(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(
    args,
    { ...process.env, ...env },
    {
      stdout: (line) => stdout.push(`${line}\n`),
      stderr: (line) => stderr.push(`${line}\n`),
    },
  );
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** `icsync` as a child process, as an operator or a CronJob runs it. */
function icsync(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function configFor(emulator: RunningEmulator, extra = ''): Promise<{ path: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'icsync-cli-'));
  const path = join(dir, 'icsync.yaml');
  await writeFile(
    path,
    `sources:\n  - { type: file, id: demo-hr, path: ${JSON.stringify(SAMPLE)} }\ntarget:\n  baseUrl: ${emulator.baseUrl}\n  token: { env: SCIM_TOKEN }\n  allowLocalEmulator: true\nsync:\n  rateLimit: { requestsPerSecond: 200, burst: 20 }\n  retryBaseMs: 10\n  retryMaxMs: 100\nstate:\n  path: ${JSON.stringify(join(dir, 'state.json'))}\n${extra}`,
  );
  return { path, dir };
}

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('icsync CLI', () => {
  it('diff --json prints the plan, exits 2 and sends zero writes; sync then exits 0', async () => {
    emulator = await startEmulator({ tokens: [CANARY] });
    const { path, dir } = await configFor(emulator, 'log:\n  level: silent\n');
    const diff = await icsyncInProcess(['diff', '--config', path, '--json'], { SCIM_TOKEN: CANARY });
    expect(diff.code).toBe(2);
    const out = JSON.parse(diff.stdout) as {
      report: { status: string; plan: { hash: string } };
      plan: { operations: unknown[] };
    };
    expect(out.report.status).toBe('changes-pending');
    expect(out.plan.operations.length).toBeGreaterThan(100);
    expect(emulator.writes()).toEqual([]);
    const report = join(dir, 'report.json');
    const sync = await icsyncInProcess(['sync', '--config', path, '--report', report], { SCIM_TOKEN: CANARY });
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain(`Plan ${out.report.plan.hash}`);
    expect(JSON.parse(await readFile(report, 'utf8'))).toMatchObject({ status: 'success', exitCode: 0 });
  });

  it('never prints the SCIM token, even at trace level with failures', async () => {
    emulator = await startEmulator({ tokens: [CANARY] });
    emulator.injectFault({ method: 'POST', path: '/Users', times: 2, kind: 'status', status: 503 });
    emulator.injectFault({ method: 'POST', path: '/Groups', times: 1, kind: 'status', status: 401 });
    const { path, dir } = await configFor(emulator, 'log:\n  level: trace\n');
    const report = join(dir, 'report.json');
    const sync = await icsync(['sync', '--config', path, '--report', report, '--json'], { SCIM_TOKEN: CANARY });
    expect(sync.code).toBe(5);
    const everything = sync.stdout + sync.stderr + (await readFile(report, 'utf8'));
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).not.toContain(CANARY);
  }, 60_000);

  it('validate-config exits 6 and names each problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'icsync-cli-'));
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'sources: []\ntarget:\n  baseUrl: http://example.com\n  token: plain-text\n');
    const r = await icsyncInProcess(['validate-config', '--config', path]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('sources');
    expect(r.stderr).toContain('target.token');
  });

  it('runs the emulator as a command', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'emulator', '--port', '0'],
      {
        cwd: ROOT,
        env: { ...process.env, ICSYNC_EMULATOR_TOKEN: 'cli-token' },
      },
    );
    const baseUrl = await new Promise<string>((done) => {
      child.stdout.on('data', (d: Buffer) => {
        const m = /listening at (\S+)/.exec(d.toString());
        if (m) done(m[1]!);
      });
    });
    const res = await fetch(`${baseUrl}/ServiceProviderConfig`, { headers: { authorization: 'Bearer cli-token' } });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((done) => child.on('close', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
