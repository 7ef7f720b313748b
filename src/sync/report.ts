import type { ExecutionResult } from '../apply/executor.js';
import type { OperationResult } from '../apply/outcome.js';
import type { Finding, Plan } from '../diff/index.js';
import { randomUUID } from 'node:crypto';
import { exitCodeFor, type RunStatus } from './exit-codes.js';

/** The JSON run report: what was read, planned, applied, skipped and why. No secrets, no attributes beyond ids. */
export interface RunReport {
  runId: string;
  mode: 'diff' | 'sync' | 'targeted';
  status: RunStatus;
  exitCode: number;
  message: string;
  startedAt: string;
  finishedAt: string;
  timingsMs: Record<string, number>;
  sources: { id: string; kind: string; users: number; groups: number }[];
  target: { users: number; groups: number; membershipsRead: number; membershipsAssumed: number };
  plan?: {
    hash: string;
    operations: number;
    counts: Plan['counts'];
    membershipChanges: Plan['membershipChanges'];
    brake: Plan['brake'];
  };
  applied?: {
    applied: number;
    failed: number;
    skipped: number;
    byKind: Record<string, { applied: number; failed: number; skipped: number }>;
    throttledMs: number;
    failures: OperationResult[];
    /** Objects moved off the legacy `<sourceId>:<id>` externalId this run (`note` names the old value). */
    migrated: OperationResult[];
    /** Applied operations that needed more than one plain request: read-after-write retries, membership re-reads. */
    notes: OperationResult[];
  };
  findings: Finding[];
}

export function summarizeExecution(exec: ExecutionResult): NonNullable<RunReport['applied']> {
  const byKind: Record<string, { applied: number; failed: number; skipped: number }> = {};
  let applied = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of exec.results) {
    const k = (byKind[r.kind] ??= { applied: 0, failed: 0, skipped: 0 });
    k[r.status] += 1;
    if (r.status === 'applied') applied += 1;
    else if (r.status === 'failed') failed += 1;
    else skipped += 1;
  }
  const done = exec.results.filter((r) => r.status === 'applied');
  return {
    applied,
    failed,
    skipped,
    byKind,
    throttledMs: exec.throttledMs,
    failures: exec.results.filter((r) => r.status !== 'applied'),
    migrated: done.filter((r) => r.kind === 'migrateExternalId'),
    notes: done.filter((r) => r.note !== undefined && r.kind !== 'migrateExternalId'),
  };
}

export function planSummary(plan: Plan): NonNullable<RunReport['plan']> {
  return {
    hash: plan.hash,
    operations: plan.operations.length,
    counts: plan.counts,
    membershipChanges: plan.membershipChanges,
    brake: plan.brake,
  };
}

/** What held a plan at the brake: too many destructive changes, too many takeovers, or both. */
export function brakeCause(plan: Plan): string {
  const { destructive, takeovers, threshold } = plan.brake;
  const causes = [
    ...(destructive > threshold ? [`deactivate, delete or remove ${destructive} objects/memberships`] : []),
    ...(takeovers > threshold ? [`take over ${takeovers} objects another provisioner created`] : []),
  ];
  return `the plan would ${causes.join(' and ')}`;
}

/** The phases a run reports timings for, in the order they run. */
export type RunPhase = 'readSources' | 'readTarget' | 'readMemberships' | 'plan' | 'apply';

/** A run's identity and start, the per-phase timer, and how the run's report ends. */
export interface RunRecorder {
  readonly runId: string;
  /** When the run started (epoch ms): the planner's "now", so one run plans against one instant. */
  readonly started: number;
  readonly timingsMs: Record<string, number>;
  readonly timed: <T>(phase: RunPhase, fn: () => Promise<T> | T) => Promise<T>;
  readonly finish: (status: RunStatus, message: string, rest?: Partial<RunReport>) => RunReport;
}

export function startRun(
  mode: RunReport['mode'],
  now: () => number = Date.now,
  onPhase?: (phase: RunPhase) => void,
): RunRecorder {
  const started = now();
  const timingsMs: Record<string, number> = {};
  const head = { runId: randomUUID(), mode, startedAt: new Date(started).toISOString(), timingsMs };
  return {
    runId: head.runId,
    started,
    timingsMs,
    timed: async (phase, fn) => {
      onPhase?.(phase);
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timingsMs[phase] = Math.round(performance.now() - t0);
      }
    },
    finish: (status, message, rest = {}) => endReport(head, status, message, new Date(now()).toISOString(), rest),
  };
}

/** A report for the outcome `status`: nothing read or applied unless `rest` says otherwise. */
export function endReport(
  head: Pick<RunReport, 'runId' | 'mode' | 'startedAt' | 'timingsMs'>,
  status: RunStatus,
  message: string,
  finishedAt: string,
  rest: Partial<RunReport> = {},
): RunReport {
  return {
    ...head,
    status,
    exitCode: exitCodeFor(status),
    message,
    finishedAt,
    sources: [],
    target: { users: 0, groups: 0, membershipsRead: 0, membershipsAssumed: 0 },
    findings: [],
    ...rest,
  };
}
