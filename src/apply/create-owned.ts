import { asScimId, type ScimId } from '../model/ids.js';
import { ScimError } from '../scim/errors.js';
import { OperationError } from './outcome.js';
import type { ApplyContext } from './port.js';

/**
 * POST a user or group. After an ambiguous earlier attempt the target is searched by externalId
 * first; a 409 adopts the existing object only if it carries our externalId, so a reused userName or email
 * never takes over someone else's object (https://github.com/awslabs/ssosync/issues/358).
 */
export async function createOwned(
  kind: 'user' | 'group',
  externalId: string,
  ctx: ApplyContext,
  ambiguous: boolean,
  post: () => Promise<{ id: string }>,
): Promise<string | undefined> {
  const find = (): Promise<{ id: ScimId } | null> =>
    kind === 'user' ? ctx.scim.findUserByExternalId(externalId) : ctx.scim.findGroupByExternalId(externalId);
  if (ambiguous) {
    const existing = await find();
    if (existing) {
      await ctx.ids.set(kind, externalId, existing.id);
      return 'found after a lost response; not created twice';
    }
  }
  try {
    const created = await post();
    await ctx.ids.set(kind, externalId, asScimId(created.id));
    return undefined;
  } catch (err) {
    if (!(err instanceof ScimError && err.isConflict)) throw err;
    const existing = await find();
    if (!existing) {
      const holder = kind === 'user' ? 'userName or email held by a user' : 'displayName held by a group';
      throw new OperationError(
        'conflict',
        `${kind} ${externalId}: AWS refused the create as a duplicate (${holder} that is not ours)`,
        { cause: err },
      );
    }
    await ctx.ids.set(kind, externalId, existing.id);
    return 'already existed with our externalId; adopted';
  }
}
