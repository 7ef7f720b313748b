import type { Operation, Plan } from '../diff/index.js';
import type { RunReport } from '../sync/report.js';

const MAX_ROWS = 60;
/** Rows shown per operation kind in the table; `--json` carries every operation. */
const ROWS_PER_KIND = 8;

/** A readable plan table for operators reviewing a diff or a blocked sync. */
export function renderPlan(plan: Plan, perKind = ROWS_PER_KIND): string {
  const lines: string[] = [];
  lines.push(`Plan ${plan.hash}: ${plan.operations.length} operation(s)`);
  for (const [kind, n] of Object.entries(plan.counts)) if (n > 0) lines.push(`  ${kind.padEnd(15)} ${n}`);
  lines.push(`  membership changes: +${plan.membershipChanges.add} / -${plan.membershipChanges.remove}`);
  const b = plan.brake;
  lines.push(
    `Deletion brake: ${b.destructive} destructive change(s), threshold ${b.threshold} (of ${b.managedObjects} managed objects) → ${b.blocked ? 'BLOCKED' : 'ok'}`,
  );
  if (plan.operations.length > 0) {
    lines.push('', `${'OPERATION'.padEnd(15)} ${'TARGET'.padEnd(48)} DETAIL`);
    const shown = new Map<string, number>();
    for (const op of plan.operations) {
      const n = (shown.get(op.kind) ?? 0) + 1;
      shown.set(op.kind, n);
      if (n > perKind) continue;
      const [target, detail] = describe(op);
      lines.push(`${op.kind.padEnd(15)} ${target.padEnd(48)} ${detail}`);
    }
    const hidden = plan.operations.length - [...shown.values()].reduce((sum, n) => sum + Math.min(n, perKind), 0);
    if (hidden > 0) lines.push(`… ${hidden} more (at most ${perKind} per kind shown; use --json for the whole plan)`);
  }
  return lines.join('\n');
}

function describe(op: Operation): [string, string] {
  switch (op.kind) {
    case 'createUser':
      return [op.user.externalId, `userName=${op.user.userName}${op.user.active ? '' : ' (inactive)'}`];
    case 'patchUser':
    case 'adoptUser':
      return [
        `${op.target.externalId} (${op.target.id})`,
        op.changes.map((c) => (c.value === null ? `clear ${c.path}` : `set ${c.path}`)).join(', '),
      ];
    case 'deactivateUser':
      return [`${op.target.externalId} (${op.target.id})`, `active=false (${op.reason})`];
    case 'migrateExternalId':
      return [
        `${op.target.externalId} (${op.target.id})`,
        `${op.object} externalId ${op.from} → ${op.target.externalId} (legacy form AWS rejects)`,
      ];
    case 'deleteUser':
      return [`${op.target.externalId} (${op.target.id})`, `DELETE userName=${op.userName}`];
    case 'setManager':
      return [
        op.user.externalId,
        op.manager === null ? 'clear enterprise.manager' : `enterprise.manager=${op.manager.externalId}`,
      ];
    case 'createGroup':
      return [op.externalId, `displayName=${op.displayName}`];
    case 'adoptGroup':
      return [`${op.target.externalId} (${op.target.id})`, `claim as ${op.displayName}`];
    case 'renameGroup':
      return [`${op.target.externalId} (${op.target.id})`, `${op.from} → ${op.displayName}`];
    case 'deleteGroup':
      return [`${op.target.externalId} (${op.target.id})`, `DELETE ${op.displayName}`];
    case 'addMembers':
      return [op.group.externalId, `+${op.members.length} member(s)`];
    case 'removeMembers':
      return [op.group.externalId, `-${op.members.length} member(s)`];
  }
}

export function renderReport(report: RunReport, limit = MAX_ROWS): string {
  const lines: string[] = [];
  if (report.findings.length > 0) {
    lines.push(`Findings (${report.findings.length}):`);
    for (const f of report.findings.slice(0, limit)) {
      lines.push(
        `  ${f.action.padEnd(14)} ${f.object.padEnd(10)} ${f.externalId ?? `${f.source ?? ''}: ${f.ref ?? ''}`} ${f.field ? `[${f.field}] ` : ''}${f.reason}`,
      );
    }
    if (report.findings.length > limit) lines.push(`  … ${report.findings.length - limit} more (use --json)`);
  }
  if (report.applied) {
    const a = report.applied;
    lines.push(
      `Applied ${a.applied}, failed ${a.failed}, skipped ${a.skipped}${a.throttledMs > 0 ? `, throttled ${a.throttledMs} ms` : ''}`,
    );
    for (const f of a.failures.slice(0, limit))
      lines.push(`  ${f.status} ${f.kind} ${f.externalId}: ${f.error?.message ?? f.note ?? ''}`);
  }
  const t = report.timingsMs;
  lines.push(
    `Timings (ms): ${Object.entries(t)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  lines.push(`Result: ${report.status} (exit ${report.exitCode}): ${report.message}`);
  return lines.join('\n');
}
