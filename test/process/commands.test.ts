/**
 * `validate-config`, `emulator`, `diff` and `sync` as the chart runs them: the built
 * `dist/cli/main.js` as a child process, the config file at /etc/icsync/config.yaml, the SCIM token
 * a 0440 file under the Secret mount, the state on its own volume, nothing secret in the
 * environment. The target is `icsync emulator` itself, also a child process; every check is made
 * from outside: exit code, stdout, stderr, what the emulator holds afterwards.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  logLines,
  makePod,
  podEnv,
  run,
  start,
  waitFor,
  writeConfig,
  type IcsyncProcess,
  type Pod,
} from './cli-process.js';
import { writeDirectory } from './directory.js';

const TOKEN = 'canary-process-scim-token-4b7e19d2';
const USERS = 6;

let emulator: IcsyncProcess;
let baseUrl: string;
let pod: Pod;

async function scimGet(
  path: string,
  token = TOKEN,
): Promise<{ status: number; json: { totalResults?: number; Resources?: Array<Record<string, unknown>> } }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as { totalResults?: number } };
}

beforeAll(async () => {
  emulator = start(['emulator', '--port', '0'], podEnv({ ICSYNC_EMULATOR_TOKEN: TOKEN }));
  baseUrl = await waitFor('the emulator to listen', () => /listening at (\S+)/.exec(emulator.stdout)?.[1]);
  pod = await makePod({ 'scim-token': TOKEN });
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(join(pod.dir, 'etc/icsync'), USERS) }],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 200, burst: 20 } },
    state: { kind: 'file', path: join(pod.stateDir, 'state.json') },
    log: { level: 'debug' },
  });
});

afterAll(() => emulator.kill());

describe('commands as deployed (file state, secrets as mounted files)', () => {
  it('icsync emulator serves SCIM with the token from ICSYNC_EMULATOR_TOKEN and refuses any other', async () => {
    expect(emulator.stdout).not.toContain(TOKEN);
    expect((await scimGet('/ServiceProviderConfig')).status).toBe(200);
    expect((await scimGet('/Users', 'some-other-token')).status).toBe(401);
  });

  it('validate-config accepts the mounted config and secret, and exits 6 naming an unreadable secret file', async () => {
    const ok = await run(['validate-config', '--config', pod.configPath], podEnv());
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('1 source(s) [file:hr-export]');
    const broken = await makePod({});
    await writeConfig(broken, {
      sources: [{ type: 'file', id: 'hr-export', path: '/nonexistent.json' }],
      target: { baseUrl, token: broken.secret('scim-token'), allowLocalEmulator: true },
    });
    const bad = await run(['validate-config', '--config', broken.configPath], podEnv());
    expect(bad.code).toBe(6);
    expect(bad.stderr).toContain(join(broken.secretsDir, 'scim-token'));
  });

  it('diff prints the plan on stdout, logs JSON on stderr, exits 2 and leaves AWS empty', async () => {
    const diff = await run(['diff', '--config', pod.configPath], podEnv());
    expect(diff.code).toBe(2);
    expect(diff.stdout).toMatch(/Plan [0-9a-f]{16}/);
    expect(logLines(diff.stderr).some((l) => l.msg === 'plan computed')).toBe(true);
    expect((await scimGet('/Users')).json.totalResults).toBe(0);
    expect((await scimGet('/Groups')).json.totalResults).toBe(0);
  });

  it('sync applies the same plan, writes the report and the state volume, and a rerun writes nothing', async () => {
    const diff = await run(['diff', '--config', pod.configPath, '--json'], podEnv());
    const planned = (JSON.parse(diff.stdout) as { report: { plan: { hash: string } } }).report.plan.hash;
    const reportPath = join(pod.dir, 'report.json');
    const sync = await run(['sync', '--config', pod.configPath, '--report', reportPath], podEnv());
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain(`Plan ${planned}`);
    expect(JSON.parse(await readFile(reportPath, 'utf8'))).toMatchObject({ status: 'success', exitCode: 0 });
    expect((await scimGet('/Users')).json.totalResults).toBe(USERS);
    expect((await scimGet('/Groups')).json.totalResults).toBe(2);
    expect(await readdir(pod.stateDir)).toContain('state.json');
    const rerun = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
    expect(rerun.code).toBe(0);
    expect((JSON.parse(rerun.stdout) as { plan: { operations: unknown[] } }).plan.operations).toEqual([]);
    const everything =
      [diff, sync, rerun].map((r) => r.stdout + r.stderr).join('') +
      (await readFile(reportPath, 'utf8')) +
      (await readFile(join(pod.stateDir, 'state.json'), 'utf8'));
    expect(everything).not.toContain(TOKEN);
  });

  it('icsync emulator stops on SIGTERM with exit 0', async () => {
    expect(await emulator.stop()).toMatchObject({ code: 0 });
  });
});
