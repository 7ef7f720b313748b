import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SAMPLE_DIRECTORY = resolve(import.meta.dirname, '../../examples/sample-directory.json');

export interface SampleConfigOptions {
  /** The SCIM base URL: the emulator's, or a stand-in upstream's. */
  baseUrl: string;
  /** Names the temp dir, so a leftover one tells which test made it. */
  label: string;
  /** The token reference as YAML; the `SCIM_TOKEN` environment variable by default. */
  token?: string;
  /** Lines under `sync:`; a fast rate limit by default, so tests wait on behaviour, not on throttling. */
  sync?: string[];
  log?: 'silent' | 'trace';
  /** Redis state and run lock under this key prefix; file state otherwise. */
  redisPrefix?: string;
}

/**
 * An icsync.yaml as an operator writes it: the bundled sample directory as a file source, the
 * target, and the state under `<dir>/state/` (the mounted volume in the chart).
 */
export async function writeSampleConfig(o: SampleConfigOptions): Promise<{ path: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), `icsync-${o.label}-`));
  const path = join(dir, 'icsync.yaml');
  const sync = o.sync ?? ['rateLimit: { requestsPerSecond: 500, burst: 50 }'];
  await writeFile(
    path,
    [
      'sources:',
      `  - { type: file, id: demo-hr, path: ${JSON.stringify(SAMPLE_DIRECTORY)} }`,
      'target:',
      `  baseUrl: ${o.baseUrl}`,
      `  token: ${o.token ?? '{ env: SCIM_TOKEN }'}`,
      '  allowLocalEmulator: true',
      'sync:',
      ...sync.map((line) => `  ${line}`),
      'state:',
      ...(o.redisPrefix ? ['  kind: redis'] : []),
      `  path: ${JSON.stringify(join(dir, 'state', 'state.json'))}`,
      `log: { level: ${o.log ?? 'silent'} }`,
      ...(o.redisPrefix ? [`redis: { url: "redis://127.0.0.1:6379", keyPrefix: ${o.redisPrefix} }`] : []),
      '',
    ].join('\n'),
  );
  return { path, dir };
}
