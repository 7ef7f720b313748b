import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './index.js';
import { AWS_REPORTED_RATE_LIMIT, startEmulator } from '../emulator/index.js';

/**
 * `npm run demo`: a real sync of the bundled sample directory into the local AWS SCIM emulator,
 * through the same CLI an operator runs. It shows the dry-run plan, applies it, then runs again to
 * show that a rerun plans nothing. Exits non-zero if anything in that story does not hold.
 *
 * The emulator runs with its strict defaults and the rate limit the real endpoint is reported to
 * enforce, so the sync meets 429s and must still exit 0. `ICSYNC_DEMO_LAG_MS` adds read-after-write
 * lag (e.g. 3000): freshly created objects answer 404 that long, and the sync must still converge.
 */
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const SAMPLE = join(ROOT, 'examples', 'sample-directory.json');
const TOKEN = 'demo-token-not-a-secret';

async function demo(): Promise<number> {
  const lagMs = Number(process.env.ICSYNC_DEMO_LAG_MS ?? 0);
  const emulator = await startEmulator({
    tokens: [TOKEN],
    rateLimit: { ...AWS_REPORTED_RATE_LIMIT },
    consistencyLagMs: lagMs,
  });
  const dir = await mkdtemp(join(tmpdir(), 'icsync-demo-'));
  try {
    const admin = emulator.seedUser({
      userName: 'Administrator',
      displayName: 'Administrator',
      name: { givenName: 'Admin', familyName: 'Istrator' },
    });
    emulator.seedGroup({ displayName: 'AWSControlTowerAdmins' });
    const configPath = join(dir, 'icsync.yaml');
    await writeFile(configPath, demoConfig(emulator.baseUrl, join(dir, 'state.json')));
    const env = { ...process.env, ICSYNC_DEMO_SCIM_TOKEN: TOKEN, ICSYNC__LOG__LEVEL: 'error' };

    banner(
      `Emulator at ${emulator.baseUrl} (tenant id in the path; ${AWS_REPORTED_RATE_LIMIT.requestsPerSecond} req/s like the real endpoint${lagMs > 0 ? `; ${lagMs} ms read-after-write lag` : ''}); ` +
        'pre-existing hand-made objects: user "Administrator", group "AWSControlTowerAdmins". icsync names what it creates by externalId "demo-hr/<id in the file>".',
    );
    banner('1. icsync diff  (dry run: prints the plan, sends no write)');
    const diffCode = await main(['diff', '--config', configPath], env);
    const writesAfterDiff = emulator.writes().length;
    console.log(`\n→ exit ${diffCode}; writes received by the emulator during diff: ${writesAfterDiff}`);

    banner('2. icsync sync  (applies the plan)');
    const syncCode = await main(['sync', '--config', configPath], env);
    const writesAfterSync = emulator.writes().length;
    const throttled = emulator.counters().throttled ?? 0;
    const lagged = emulator.requestLog.filter((e) => e.method === 'PATCH' && e.status === 404).length;
    console.log(
      `\n→ exit ${syncCode}; writes applied: ${writesAfterSync}; AWS now holds ${emulator.users().length} users and ${emulator.groups().length} groups`,
    );
    console.log(
      `  throttled (429) ${throttled} time(s) and retried; member PATCHes answered 404 by read-after-write lag and retried: ${lagged}`,
    );

    banner('3. icsync sync again  (nothing changed in the directory, so nothing is written)');
    const rerunCode = await main(['sync', '--config', configPath], env);
    const rerunWrites = emulator.writes().length - writesAfterSync;
    const adminAfter = emulator.users().find((u) => u.id === admin.id);
    console.log(
      `\n→ exit ${rerunCode}; writes on the rerun: ${rerunWrites}; "Administrator" untouched: ${JSON.stringify(adminAfter) === JSON.stringify(admin)}`,
    );

    const ok =
      diffCode === 2 &&
      writesAfterDiff === 0 &&
      syncCode === 0 &&
      rerunCode === 0 &&
      rerunWrites === 0 &&
      adminAfter !== undefined;
    banner(
      ok
        ? 'Demo complete: diff sent no write, sync applied the plan, the rerun was a no-op.'
        : 'Demo FAILED: see above.',
    );
    return ok ? 0 : 1;
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function demoConfig(baseUrl: string, statePath: string): string {
  return `sources:
  - type: file
    id: demo-hr
    path: ${JSON.stringify(SAMPLE)}
target:
  baseUrl: ${baseUrl}
  token: { env: ICSYNC_DEMO_SCIM_TOKEN }
  allowLocalEmulator: true
sync:
  rateLimit: { requestsPerSecond: 50, burst: 10 }
  concurrency: 8
state:
  path: ${JSON.stringify(statePath)}
`;
}

function banner(text: string): void {
  console.log(`\n${'='.repeat(100)}\n${text}\n${'='.repeat(100)}`);
}

process.exitCode = await demo();
