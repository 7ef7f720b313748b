/**
 * A throttling storm as the operator meets it: the built CLI (`node dist/cli/main.js sync`) against
 * the emulator answering 429 to every request, reads included, for BENCH_STORM_SECONDS (default 60),
 * then recovering. Reports the exit code (target 0), the run's wall time against the storm's length,
 * and how many 429s it rode out. Prints one JSON line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../src/emulator/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_STORM_SECONDS ?? 60);
const TOKEN = 'bench-storm-token';

spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
const emulator = await startEmulator({ tokens: [TOKEN] });
const dir = mkdtempSync(join(tmpdir(), 'icsync-storm-'));
const config = join(dir, 'icsync.yaml');
writeFileSync(
  config,
  [
    'sources:',
    `  - { type: file, id: demo-hr, path: ${JSON.stringify(join(ROOT, 'examples', 'sample-directory.json'))} }`,
    'target:',
    `  baseUrl: ${emulator.baseUrl}`,
    '  token: { env: SCIM_TOKEN }',
    '  allowLocalEmulator: true',
    'sync: { rateLimit: { requestsPerSecond: 20, burst: 5 } }',
    `state: { path: ${JSON.stringify(join(dir, 'state.json'))} }`,
    'log: { level: warn }',
    '',
  ].join('\n'),
);
emulator.injectFault({ times: 1_000_000, kind: 'status', status: 429, retryAfter: 'seconds', retryAfterSeconds: 1 });
const lifted = setTimeout(() => emulator.clearFaults(), seconds * 1000);
const started = performance.now();
// Asynchronous spawn: the storm is lifted by a timer in this process while the CLI runs.
const run = await new Promise<number | null>((done) => {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'sync', '--config', config], {
    cwd: ROOT,
    env: { ...process.env, SCIM_TOKEN: TOKEN },
    stdio: 'ignore',
  });
  child.on('close', (code) => done(code));
});
clearTimeout(lifted);
const throttled = emulator.requestLog.filter((e) => e.status === 429);
console.log(
  JSON.stringify({
    name: `429 storm on every request for ${seconds} s`,
    exitCode: run,
    targetExitCode: 0,
    wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    stormSeconds: seconds,
    throttled: throttled.length,
    throttledReads: throttled.filter((e) => e.method === 'GET').length,
    writes: emulator.writes().length,
  }),
);
await emulator.close();
