import type { ObjectRef, Operation } from '../diff/plan.js';
import type { ScimId } from '../model/ids.js';
import { ScimError } from '../scim/errors.js';
import { memberPatch } from '../scim/patch.js';
import { sleep } from '../scim/backoff.js';
import { OperationError } from './outcome.js';
import { READ_AFTER_WRITE_DELAYS_MS, type ApplyContext } from './port.js';

type MemberOp = Extract<Operation, { kind: 'addMembers' | 'removeMembers' }>;

interface Target {
  op: MemberOp;
  groupId: string;
  /** The group or a member was created by this plan (its ref had no AWS id), so AWS may still lag. */
  fresh: boolean;
  notes: string[];
}

/**
 * One membership PATCH (≤100 members, DG/patchgroup). Whether AWS accepts adding a member that is
 * already present, or removing one that is absent, is undocumented, and a refused PATCH has been
 * seen changing state anyway (400 that emptied a group, https://github.com/lichti/aws-iam-scim-problem).
 * So after a refusal, or when an earlier attempt may have landed, the group's membership is re-read
 * and only what is still missing is sent again; the report says the group was re-read.
 */
export async function applyMemberChange(
  op: MemberOp,
  ctx: ApplyContext,
  ambiguous: boolean,
): Promise<string | undefined> {
  const groupId = await resolve(ctx, 'group', op.group);
  if (!groupId)
    throw new OperationError('dependency', `group ${op.group.externalId} does not exist in AWS (its create failed)`);
  const { ids: members, missing } = await resolveUsers(ctx, op.members);
  const target: Target = { op, groupId, fresh: !op.group.id || op.members.some((m) => !m.id), notes: [] };
  const wantMember = op.kind === 'addMembers';
  const pending = ambiguous ? await stillPending(ctx, target, members, wantMember) : members;
  if (pending.length > 0) await patchWithConfirmation(ctx, target, pending, wantMember);
  if (missing.length > 0 && wantMember) {
    throw new OperationError(
      'dependency',
      `group ${op.group.externalId}: ${missing.length} member(s) do not exist in AWS (their create failed): ${missing.slice(0, 5).join(', ')}`,
    );
  }
  if (missing.length > 0) target.notes.push(`${missing.length} member(s) already gone from AWS`);
  return target.notes.length > 0 ? target.notes.join('; ') : undefined;
}

async function patchWithConfirmation(
  ctx: ApplyContext,
  target: Target,
  members: ScimId[],
  wantMember: boolean,
): Promise<void> {
  try {
    await patchMembers(ctx, target, members, wantMember);
  } catch (err) {
    if (!(err instanceof ScimError) || !(err.isValidation || err.isConflict)) throw err;
    const left = await stillPending(ctx, target, members, wantMember);
    target.notes.push(
      `HTTP ${err.status} on the member PATCH; membership re-read, ${left.length} of ${members.length} still pending`,
    );
    if (left.length === 0) return;
    if (left.length === members.length) throw err;
    try {
      await patchMembers(ctx, target, left, wantMember);
    } catch (second) {
      const stubborn = await stillPending(ctx, target, left, wantMember);
      if (stubborn.length > 0)
        throw new OperationError(
          'unconfirmed',
          `group ${target.op.group.externalId}: ${stubborn.length} membership change(s) were refused and could not be confirmed`,
          { cause: second },
        );
    }
  }
}

/**
 * A 404 right after a create is read-after-write lag: retried within READ_AFTER_WRITE_DELAYS_MS. A
 * 404 that persists, or one for an object that was not just created, is settled by re-reading the
 * group: gone (the next run re-plans it) or still there (lag outlasted the bound, or a member left).
 */
async function patchMembers(ctx: ApplyContext, target: Target, members: ScimId[], wantMember: boolean): Promise<void> {
  const delays = target.fresh ? (ctx.readAfterWriteDelaysMs ?? READ_AFTER_WRITE_DELAYS_MS) : [];
  let waited = 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await ctx.scim.patchGroup(target.groupId, [memberPatch(wantMember ? 'add' : 'remove', members)]);
      if (waited > 0)
        target.notes.push(
          `AWS answered 404 for ${waited} ms after the create (read-after-write lag); applied on retry`,
        );
      return;
    } catch (err) {
      if (!(err instanceof ScimError && err.isNotFound)) throw err;
      const delay = delays[attempt];
      if (delay === undefined) throw await explainNotFound(ctx, target, waited, err);
      await sleep(delay);
      waited += delay;
    }
  }
}

async function explainNotFound(
  ctx: ApplyContext,
  target: Target,
  waited: number,
  cause: ScimError,
): Promise<OperationError> {
  const name = `group ${target.op.group.externalId} (${target.groupId})`;
  if (!(await ctx.scim.getGroup(target.groupId))) {
    return new OperationError(
      'not-found',
      `${name} is gone from AWS (re-read after a 404 found no group); the next run re-plans it`,
      { cause },
    );
  }
  const lag = waited > 0 ? `still 404 after ${waited} ms of read-after-write retries; ` : '';
  return new OperationError(
    'not-found',
    `${name} exists (re-read after a 404), but ${lag}AWS does not accept the member change: a member user may be gone or AWS still lags; the next run re-plans it`,
    { cause },
  );
}

/** Re-reads the group's whole membership (one paged `groups.value` read) and returns what is not there yet. */
async function stillPending(
  ctx: ApplyContext,
  target: Target,
  members: ScimId[],
  wantMember: boolean,
): Promise<ScimId[]> {
  const current = new Set<string>();
  for await (const u of ctx.scim.listGroupMembers(target.groupId)) current.add(u.id);
  return members.filter((id) => current.has(id) !== wantMember);
}

/** AWS ids of the referenced users, and the externalIds of those that do not exist in AWS. */
export async function resolveUsers(
  ctx: ApplyContext,
  refs: readonly ObjectRef[],
): Promise<{ ids: ScimId[]; missing: string[] }> {
  const ids: ScimId[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const id = await resolve(ctx, 'user', ref);
    if (id) ids.push(id);
    else missing.push(ref.externalId);
  }
  return { ids, missing };
}

/** The AWS id of a referenced object: from the plan, from this run's creates, or by externalId from AWS. */
export async function resolve(ctx: ApplyContext, kind: 'user' | 'group', ref: ObjectRef): Promise<ScimId | undefined> {
  if (ref.id) return ref.id;
  const known = await ctx.ids.get(kind, ref.externalId);
  if (known) return known;
  const found =
    kind === 'user'
      ? await ctx.scim.findUserByExternalId(ref.externalId)
      : await ctx.scim.findGroupByExternalId(ref.externalId);
  if (!found) return undefined;
  await ctx.ids.set(kind, ref.externalId, found.id);
  return found.id;
}
