/**
 * `--report` names a file the operator wants; a path that cannot be written is caught before
 * anything is read or applied (exit 6), never after the plan was applied (which used to end in an
 * internal error with the run's real outcome lost).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSampleConfig } from '../helpers/sample-config.js';
import { main } from '../../src/cli/index.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { EXIT } from '../../src/sync/exit-codes.js';

const TOKEN = 'report-test-token';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('sync --report', () => {
  it('refuses a report path in a directory that does not exist before any write, with the config exit code', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const { path: config, dir } = await writeSampleConfig({ baseUrl: emulator.baseUrl, label: 'report' });
    const errors: string[] = [];
    const out = { stdout: () => undefined, stderr: (s: string) => errors.push(s) };
    const code = await main(
      ['sync', '--config', config, '--report', join(dir, 'missing', 'r.json')],
      { ...process.env, SCIM_TOKEN: TOKEN },
      out,
    );
    expect(code).toBe(EXIT.configInvalid);
    expect(errors.join('\n')).toContain('--report');
    expect(emulator.writes()).toHaveLength(0);
  });
});
