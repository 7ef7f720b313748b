import { stringify } from 'yaml';
import { loadConfig } from '../config/load.js';
import { SyncError } from '../errors.js';
import { scrub } from '../log/scrub.js';
import { EXIT } from '../sync/exit-codes.js';
import { exportGroups, exportUsers, GROUP_COLUMNS, USER_COLUMNS } from '../sync/export.js';
import { compose, configSecrets } from './compose.js';
import type { Out } from './out.js';

export const EXPORT_USAGE = 'usage: icsync export groups|users [--format json|csv|yaml] [--config <path>]';

const FORMATS = ['json', 'csv', 'yaml'] as const;
type Format = (typeof FORMATS)[number];

/**
 * `icsync export groups|users`: every managed object with its source id and its AWS id, read from
 * AWS (and the state, for when group members were last verified). Sends no write and takes no run
 * lock, so it can run beside a sync.
 */
export async function exportCommand(
  what: string | undefined,
  configPath: string,
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  out: Out,
): Promise<number> {
  const format = values.format ?? 'json';
  if ((what !== 'groups' && what !== 'users') || !FORMATS.includes(format as Format)) {
    out.stderr(EXPORT_USAGE);
    return EXIT.usage;
  }
  const config = await loadConfig(configPath, env);
  const deps = await compose(config, env);
  try {
    const sourceIds = config.sources.map((s) => s.id);
    const rows: Record<string, unknown>[] =
      what === 'groups'
        ? await exportGroups(deps.scim, sourceIds, await deps.state.load(), config.sync.readConcurrency)
        : await exportUsers(deps.scim, sourceIds);
    const columns = what === 'groups' ? GROUP_COLUMNS : USER_COLUMNS;
    out.stdout(scrub(render(rows, columns, format as Format), await configSecrets(config, env)));
    return EXIT.success;
  } catch (err) {
    // A token AWS refuses is the operator's to fix, not a bug: the run's credentials code (README).
    if (!(err instanceof SyncError) || err.code !== 'CREDENTIALS_INVALID') throw err;
    const message = `${err.message}; check target.token (a current access token) and target.baseUrl`;
    out.stderr(scrub(`icsync export: ${message}`, await configSecrets(config, env)));
    return EXIT.credentialsInvalid;
  } finally {
    await deps.close();
  }
}

function render(rows: readonly Record<string, unknown>[], columns: readonly string[], format: Format): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  if (format === 'yaml') return stringify(rows).trimEnd();
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n');
}

/** RFC 4180 §2: a field holding a comma, a double quote or a line break is quoted, its quotes doubled. */
function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
