import { DETAIL_NO_USER, ScimError, duplicate, groupNotFound, invalid } from './errors.js';
import { isLagging } from './lag.js';
import { listResponse, readListQuery } from './paging.js';
import { patchGroup } from './patch-group.js';
import { queryGroups } from './query.js';
import { renderGroup, renderListedGroup } from './render.js';
import { mapResult } from './result-set.js';
import { requireBody, type RouteContext, type RouteResult } from './route-context.js';
import { validateGroup } from './validate-group.js';

/** `/Groups` and `/Groups/{id}` (DG/creategroup, getgroup, listgroups, patchgroup, deletegroup). */
export function routeGroups(ctx: RouteContext, id: string | undefined): RouteResult {
  if (id === '.search') throw invalid('/Groups/.search: not supported');
  if (id === undefined) {
    if (ctx.method === 'GET') return listGroups(ctx);
    if (ctx.method === 'POST') return createGroup(ctx);
    throw invalid(`${ctx.method} /Groups: not supported`);
  }
  // DG/supported-apis: there is no PutGroup; groups change only through PATCH.
  if (ctx.method === 'PUT') throw invalid('PUT /Groups/{id}: not supported');
  const stored = ctx.store.getGroup(id);
  if (!stored || isLagging(stored, ctx.options)) throw groupNotFound();
  switch (ctx.method) {
    case 'GET':
      return { status: 200, body: renderGroup(stored) };
    case 'PATCH':
      // DG/patchgroup: 204 with no body.
      patchGroup(ctx.store, stored, requireBody(ctx), ctx.options);
      return { status: 204 };
    case 'DELETE':
      ctx.store.deleteGroup(id);
      return { status: 204 };
    default:
      throw invalid(`${ctx.method} /Groups/{id}: not supported`);
  }
}

function listGroups(ctx: RouteContext): RouteResult {
  const query = readListQuery(ctx.query);
  const results = mapResult(queryGroups(query.filter, ctx.store, ctx.options), renderListedGroup);
  return { status: 200, body: listResponse('Groups', query, results, ctx.options) };
}

/** DG/creategroup: 201 with the group, members not echoed; 409 on a duplicate displayName. */
function createGroup(ctx: RouteContext): RouteResult {
  const group = validateGroup(requireBody(ctx), ctx.options);
  if (group.memberIds.length > 0 && ctx.options.inlineMembers === 'refuse')
    throw invalid('members: not accepted on create');
  if (ctx.store.groupConflict(group.displayName)) throw duplicate('displayName: taken by another group');
  // An unknown inline member is undocumented; answered like the ListGroups member filter (DG/listgroups),
  // and a user still inside its read-after-write lag like a member PATCH naming it.
  if (
    group.memberIds.some((userId) => {
      const user = ctx.store.getUser(userId);
      return !user || isLagging(user, ctx.options);
    })
  ) {
    throw new ScimError(404, 'members: unknown user', DETAIL_NO_USER);
  }
  const stored = ctx.store.insertGroup({
    displayName: group.displayName,
    ...(group.externalId === undefined ? {} : { externalId: group.externalId }),
  });
  if (ctx.options.inlineMembers === 'accept')
    for (const userId of group.memberIds) ctx.store.addMember(stored.id, userId);
  return { status: 201, body: renderGroup(stored) };
}
