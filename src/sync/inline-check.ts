import { READ_AFTER_WRITE_DELAYS_MS } from '../apply/port.js';
import type { OperationResult } from '../apply/outcome.js';
import type { Finding, Plan } from '../diff/index.js';
import type { TargetUser } from '../model/aws.js';
import type { Logger } from '../log/logger.js';
import { sleep } from '../scim/backoff.js';

export interface InlineMembersCheck {
  /** The group read back: the first this run created with members in the POST. */
  externalId: string;
  sent: number;
  /** Members sent in the POST that AWS did not hold once read-after-write lag had passed. */
  missing: string[];
}

/**
 * CreateGroup documents up to 100 members in the POST
 * (https://docs.aws.amazon.com/singlesignon/latest/developerguide/creategroup.html), but no public
 * capture shows AWS's answer to one, and a SCIM server has been reported answering 201 while keeping
 * none (https://github.com/wso2/product-is/issues/9619). So a run that created groups that way reads
 * the first of them back once, allowing for read-after-write lag
 * (https://github.com/awslabs/ssosync/issues/42): one request in the usual case. When members are
 * missing, no group created that way this run is trusted (`nextState`), so the next run reads them
 * back and adds what is missing.
 */
export async function checkInlineMembers(
  reader: { listGroupMembers(groupId: string): AsyncIterable<TargetUser> },
  plan: Plan,
  results: readonly OperationResult[],
  delaysMs: readonly number[] = READ_AFTER_WRITE_DELAYS_MS,
): Promise<InlineMembersCheck | undefined> {
  const index = plan.operations.findIndex((op, i) => {
    const r = results[i];
    return op.kind === 'createGroup' && op.members && r?.status === 'applied' && r.note === undefined && r.scimId;
  });
  const op = plan.operations[index];
  const groupId = results[index]?.scimId;
  if (op?.kind !== 'createGroup' || !op.members || groupId === undefined) return undefined;
  for (let attempt = 0; ; attempt += 1) {
    const held = new Set<string>();
    for await (const u of reader.listGroupMembers(groupId)) if (u.externalId) held.add(u.externalId);
    const missing = op.members.map((m) => m.externalId).filter((ext) => !held.has(ext));
    const delay = delaysMs[attempt];
    if (missing.length === 0 || delay === undefined)
      return { externalId: op.externalId, sent: op.members.length, missing };
    await sleep(delay);
  }
}

/**
 * The report's warning when AWS did not keep the members sent in this run's creates, or when the
 * read back failed; either way `nextState` trusts none of those groups.
 */
export async function confirmInlineMembers(
  reader: { listGroupMembers(groupId: string): AsyncIterable<TargetUser> },
  plan: Plan,
  results: readonly OperationResult[],
  logger: Logger,
  delaysMs?: readonly number[],
): Promise<Finding | undefined> {
  const next = 'every group this run created with members is read back by the next run, which adds what is missing';
  try {
    const check = await checkInlineMembers(reader, plan, results, delaysMs);
    if (!check || check.missing.length === 0) return undefined;
    logger.warn(
      { group: check.externalId, sent: check.sent, missing: check.missing.length },
      'AWS did not keep members sent in CreateGroup',
    );
    const held = check.sent - check.missing.length;
    return warning(
      check.externalId,
      `AWS holds ${held} of the ${check.sent} member(s) sent in its CreateGroup request; ${next}. Set sync.groupCreateMembers: patch if this repeats`,
    );
  } catch (err) {
    logger.warn({ err }, 'could not read back a group created with members');
    return warning(
      undefined,
      `a group created with members could not be read back (${(err as Error).message}); ${next}`,
    );
  }
}

function warning(externalId: string | undefined, reason: string): Finding {
  return { object: 'group', ...(externalId ? { externalId } : {}), action: 'warning', field: 'members', reason };
}
