/**
 * Groups created with their first members in the POST (https://docs.aws.amazon.com/singlesignon/latest/developerguide/creategroup.html),
 * run as deployed: the built CLI syncs into `icsync emulator`, a child process, once as it ships and once refusing
 * inline members under read-after-write lag (https://github.com/awslabs/ssosync/issues/42). Both end with every
 * member in place and a rerun that writes nothing. An endpoint that drops them is found by reading one group back.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePod, podEnv, run, start, waitFor, writeConfig, type IcsyncProcess } from './cli-process.js';
import { writeDirectory } from './directory.js';

const TOKEN = 'inline-members-process-token-7c21';
const USERS = 5;

let emulator: IcsyncProcess | undefined;
afterEach(() => emulator?.kill());

interface Listed {
  Resources?: Array<{ id: string; displayName?: string; userName?: string }>;
}

async function syncInto(
  flags: string[],
): Promise<{ codes: number[]; members: Record<string, number>; rerunOps: number; warned: boolean }> {
  emulator = start(['emulator', '--port', '0', '--rate', '0', ...flags], podEnv({ ICSYNC_EMULATOR_TOKEN: TOKEN }));
  const baseUrl = await waitFor('the emulator to listen', () => /listening at (\S+)/.exec(emulator!.stdout)?.[1]);
  const pod = await makePod({ 'scim-token': TOKEN });
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(join(pod.dir, 'etc/icsync'), USERS) }],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    state: { kind: 'file', path: join(pod.stateDir, 'state.json') },
  });
  const get = async (path: string): Promise<Listed> =>
    (await (await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Listed;
  const sync = await run(['sync', '--config', pod.configPath], podEnv());
  const members: Record<string, number> = {};
  for (const g of (await get('/Groups')).Resources ?? []) {
    const filter = encodeURIComponent(`groups.value eq "${g.id}"`);
    members[g.displayName ?? ''] = (await get(`/Users?filter=${filter}`)).Resources?.length ?? -1;
  }
  const rerun = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
  const rerunOps = (JSON.parse(rerun.stdout) as { plan: { operations: unknown[] } }).plan.operations.length;
  const warned = /warning +group .*\[members\] AWS holds \d+ of the \d+ member\(s\) sent/.test(sync.stdout);
  return { codes: [sync.code ?? -1, rerun.code ?? -1], members, rerunOps, warned };
}

describe('icsync sync creating groups with their first members', () => {
  it('as the emulator ships: every member in place, the rerun writes nothing', async () => {
    expect(await syncInto([])).toEqual({
      codes: [0, 0],
      members: { Staff: USERS, Admins: 2 },
      rerunOps: 0,
      warned: false,
    });
  });

  it('against an endpoint that refuses inline members, with 1 s of read-after-write lag: the same end state', async () => {
    expect(await syncInto(['--inline-members', 'refuse', '--consistency-lag-ms', '1000'])).toEqual({
      codes: [0, 0],
      members: { Staff: USERS, Admins: 2 },
      rerunOps: 0,
      warned: false,
    });
  });

  it('against an endpoint that answers 201 and drops inline members: the sync warns, the next run adds them', async () => {
    expect(await syncInto(['--inline-members', 'ignore'])).toEqual({
      codes: [0, 0],
      members: { Staff: 0, Admins: 0 },
      rerunOps: 2,
      warned: true,
    });
  });
});
