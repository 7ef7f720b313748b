import type { RunResult } from '../sync/run.js';

/**
 * The version of the `--json` document (docs/plan-json.md, docs/plan.schema.json). It goes up when
 * a field is removed, renamed or changes meaning; a new field may appear within a version.
 */
export const PLAN_JSON_SCHEMA_VERSION = 1;

/** What `diff --json` and `sync --json` print: the run report and the plan's operations. */
export function planJson(result: Pick<RunResult, 'report'> & Partial<Pick<RunResult, 'plan' | 'shrinkHold'>>): string {
  const shrinkGuard = (result.shrinkHold ?? []).map(({ sourceId, kind, before, now }) => ({
    sourceId,
    kind,
    before,
    now,
  }));
  return JSON.stringify(
    {
      schemaVersion: PLAN_JSON_SCHEMA_VERSION,
      report: result.report,
      plan: result.plan
        ? {
            hash: result.plan.hash,
            operations: result.plan.operations,
            ...(shrinkGuard.length > 0 ? { shrinkGuard } : {}),
          }
        : null,
    },
    null,
    2,
  );
}
