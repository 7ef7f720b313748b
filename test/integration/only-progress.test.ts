/**
 * `sync --only` on a terminal draws the same progress display as a full sync: each phase as a
 * finished line, the plan summary before applying, and the applied count. Composed as `icsync sync`
 * composes it (runProgress on a terminal stream, compose, its hooks), against the emulator.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/cli/compose.js';
import { runProgress } from '../../src/cli/run-progress.js';
import { loadConfig } from '../../src/config/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { parseOnlySelectors } from '../../src/sync/only-select.js';
import { runOnly } from '../../src/sync/only.js';

const TOKEN = 'only-progress-token'; // test-only token for the local emulator

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
  dir = await mkdtemp(join(tmpdir(), 'icsync-only-progress-'));
});

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What a terminal shows once `\r` and erase-line are applied: the lines that stay. */
function screen(written: string): string[] {
  return written.split('\n').map((line) => line.split('\r').at(-1)!.replaceAll('\x1b[2K', ''));
}

describe('sync --only on a terminal', () => {
  it('draws the phases, the plan summary and the applied count, as a full sync does', async () => {
    const directory = join(dir, 'directory.json');
    await writeFile(
      directory,
      JSON.stringify({
        users: [{ id: 'u1', userName: 'one@example.com', displayName: 'One', givenName: 'O', familyName: 'Ne' }],
        groups: [{ id: 'staff', displayName: 'Staff', members: ['u1'] }],
      }),
    );
    const path = join(dir, 'icsync.yaml');
    await writeFile(
      path,
      [
        'sources:',
        `  - { type: file, id: hr, path: ${JSON.stringify(directory)} }`,
        'target:',
        `  baseUrl: ${emulator.baseUrl}`,
        '  token: { env: SCIM_TOKEN }',
        '  allowLocalEmulator: true',
        'state:',
        `  path: ${JSON.stringify(join(dir, 'state.json'))}`,
      ].join('\n'),
    );
    const env = { SCIM_TOKEN: TOKEN };
    const config = await loadConfig(path, env);
    let written = '';
    const terminal = { isTTY: true, columns: 120, write: (s: string) => ((written += s), true) };
    const progress = runProgress(config, [TOKEN], terminal as unknown as NodeJS.WriteStream);
    const deps = await compose(config, env, progress.logger);
    try {
      const result = await runOnly(deps, {
        mode: 'sync',
        selectors: parseOnlySelectors(['user:one@example.com']),
        ...progress.hooks(deps),
      });
      progress.stop();
      expect(result.report.status).toBe('success');
      const lines = screen(written);
      const operations = result.plan!.operations.length;
      expect(lines.find((l) => l.startsWith('reading sources done in'))).toBeDefined();
      expect(lines.find((l) => l.startsWith('reading AWS done in'))).toBeDefined();
      expect(lines.find((l) => l.startsWith('planning done in'))).toBeDefined();
      expect(lines).toContain(`Plan ${result.plan!.hash}: ${operations} operation(s)`);
      expect(lines.find((l) => l.startsWith(`applying ${operations}/${operations} done in`))).toBeDefined();
    } finally {
      progress.stop();
      await deps.close();
    }
  });
});
