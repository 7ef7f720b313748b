import {
  userChanges,
  type AttributeChange,
  type ObjectRef,
  type Operation,
  type Plan,
  type SourceShrink,
} from '../diff/index.js';
import type { AwsUserAttributes } from '../model/aws.js';
import { SCHEMA_ENTERPRISE_USER } from '../model/aws.js';
import { formatValue, isPiiPath, mask, printable } from './plan-values.js';

/** Rows shown per operation kind, and members per membership row, unless `--full`. */
export const ROWS_PER_KIND = 8;
export const MEMBERS_PER_ROW = 5;

export interface PlanView {
  /** Every row and every member (`--full`). */
  full?: boolean;
  /** `output.maskPii`: names, emails, phone numbers, addresses and employee numbers masked. */
  maskPii?: boolean;
  /** The shrunk sources when the shrink guard holds the plan, so the header never reads "ok" for a held plan. */
  shrinkHold?: readonly SourceShrink[];
}

/** A user with nothing set: a created user's attributes diff against it as "everything new". */
const NOTHING: AwsUserAttributes = {
  userName: '',
  displayName: '',
  name: { givenName: '', familyName: '' },
  emails: [],
  phoneNumbers: [],
  addresses: [],
  enterprise: {},
  active: true,
};

/**
 * The counts, membership totals and brake verdict (what `sync` prints before it starts applying),
 * and a line per shrunk source when the shrink guard holds the plan.
 */
export function renderPlanSummary(plan: Plan, shrinkHold: readonly SourceShrink[] = []): string {
  const lines = [`Plan ${plan.hash}: ${plan.operations.length} operation(s)`];
  for (const [kind, n] of Object.entries(plan.counts)) if (n > 0) lines.push(`  ${kind.padEnd(15)} ${n}`);
  lines.push(`  membership changes: +${plan.membershipChanges.add} / -${plan.membershipChanges.remove}`);
  const b = plan.brake;
  lines.push(
    `Deletion brake: ${b.destructive} destructive change(s)${b.takeovers > 0 ? `, ${b.takeovers} takeover(s)` : ''}, threshold ${b.threshold} (of ${b.managedObjects} managed objects) → ${b.blocked ? 'BLOCKED' : 'ok'}`,
  );
  for (const s of shrinkHold)
    lines.push(
      `Shrink guard: source ${s.sourceId} shrank from ${s.before} to ${s.now} ${s.kind} → BLOCKED; approve with 'icsync sync --approve ${plan.hash}'`,
    );
  return lines.join('\n');
}

/**
 * A readable plan for operators reviewing a diff or a blocked sync, in the spirit of `terraform
 * plan`: each changed attribute as old → new, members by name and id. `--json` carries the same
 * plan for scripts.
 */
export function renderPlan(plan: Plan, view: PlanView = {}): string {
  const lines = [renderPlanSummary(plan, view.shrinkHold)];
  if (plan.operations.length === 0) return lines.join('\n');
  lines.push('', `${'OPERATION'.padEnd(15)} ${'TARGET'.padEnd(48)} DETAIL`);
  const shown = new Map<string, number>();
  const hidden = new Map<string, number>();
  for (const op of plan.operations) {
    const n = (shown.get(op.kind) ?? 0) + 1;
    if (!view.full && n > ROWS_PER_KIND) {
      hidden.set(op.kind, (hidden.get(op.kind) ?? 0) + 1);
      continue;
    }
    shown.set(op.kind, n);
    const row = describe(op, view);
    lines.push(`${op.kind.padEnd(15)} ${row.target.padEnd(48)} ${row.detail}`.trimEnd());
    for (const line of row.more) lines.push(`${' '.repeat(16)}${line}`);
  }
  if (hidden.size > 0) {
    const total = [...hidden.values()].reduce((a, b) => a + b, 0);
    const which = [...hidden].map(([kind, n]) => `${n} ${kind}`).join(', ');
    lines.push(
      `… ${total} more row(s) not shown (${which}); at most ${ROWS_PER_KIND} per kind. Run with --full for the whole plan, or --json for scripts.`,
    );
  }
  return lines.join('\n');
}

interface Row {
  target: string;
  detail: string;
  more: string[];
}

function describe(op: Operation, view: PlanView): Row {
  const user = (ref: ObjectRef): string => refLabel(ref, view.maskPii ?? false);
  const group = (ref: ObjectRef): string => refLabel(ref, false);
  const row = (target: string, detail: string, more: string[] = []): Row => ({ target, detail, more });
  switch (op.kind) {
    case 'createUser':
      return row(
        user({ externalId: op.user.externalId, name: op.user.userName }),
        op.user.active ? 'new user' : 'new user (inactive)',
        changeLines(userChanges(op.user, NOTHING), view, true),
      );
    case 'patchUser':
    case 'adoptUser':
      return row(user(op.target), `${op.changes.length} attribute(s)`, changeLines(op.changes, view, false));
    case 'deactivateUser':
      return row(user(op.target), `active: true → false (${op.reason})`);
    case 'migrateExternalId': {
      const ref = op.object === 'user' ? user(op.target) : group(op.target);
      return row(
        ref,
        op.takeover
          ? `TAKEOVER ${op.object} externalId ${op.from} → ${op.target.externalId} (another provisioner's id matched by ${op.takeover})`
          : `${op.object} externalId ${op.from} → ${op.target.externalId} (legacy form AWS rejects)`,
      );
    }
    case 'deleteUser':
      return row(user(op.target), 'DELETE');
    case 'setManager':
      return row(
        user(op.user),
        op.manager === null ? 'enterprise.manager: cleared' : `enterprise.manager → ${user(op.manager)}`,
      );
    case 'createGroup': {
      const target = group({ externalId: op.externalId, name: op.displayName });
      return op.members ? memberRow(target, 'new group with', '+', op.members, view) : row(target, 'new group');
    }
    case 'adoptGroup':
      return row(group(op.target), `claim as ${printable(op.displayName)}`);
    case 'renameGroup':
      return row(group(op.target), `displayName: ${formatValue(op.from)} → ${formatValue(op.displayName)}`);
    case 'deleteGroup':
      return row(group(op.target), 'DELETE');
    case 'addMembers':
    case 'removeMembers':
      return memberRow(group(op.group), '', op.kind === 'addMembers' ? '+' : '-', op.members, view);
  }
}

/** A group row with its member list, cut to MEMBERS_PER_ROW unless --full. */
function memberRow(target: string, lead: string, sign: '+' | '-', members: readonly ObjectRef[], view: PlanView): Row {
  const limit = view.full ? members.length : MEMBERS_PER_ROW;
  const more = members.slice(0, limit).map((m) => `${sign} ${refLabel(m, view.maskPii ?? false)}`);
  if (members.length > limit) more.push(`… ${members.length - limit} more member(s) (--full lists them)`);
  return { target, detail: `${lead ? `${lead} ` : ''}${sign}${members.length} member(s)`, more };
}

/** `name (externalId, AWS id)`; the name is masked when it is a person's and masking is on. */
function refLabel(ref: ObjectRef, maskName: boolean): string {
  const ids = ref.id ? `${ref.externalId}, ${ref.id}` : ref.externalId;
  if (ref.name === undefined) return ids;
  return `${maskName ? mask(ref.name) : printable(ref.name)} (${ids})`;
}

function changeLines(changes: readonly AttributeChange[], view: PlanView, created: boolean): string[] {
  const width = Math.max(...changes.map((c) => shortPath(c.path).length));
  return changes.map((c) => {
    const masked = (view.maskPii ?? false) && isPiiPath(c.path);
    const to = formatValue(c.value, masked);
    const path = shortPath(c.path).padEnd(width);
    if (created) return `+ ${path}  ${to}`;
    const from = c.from === undefined ? '(not known)' : formatValue(c.from, masked);
    return `~ ${path}  ${from} → ${to}`;
  });
}

/** Enterprise attributes by their short name; the full URN path is in `--json`. */
function shortPath(path: string): string {
  return path.startsWith(`${SCHEMA_ENTERPRISE_USER}:`)
    ? `enterprise.${path.slice(SCHEMA_ENTERPRISE_USER.length + 1)}`
    : path;
}
