import { duplicate, invalid, userNotFound } from './errors.js';
import { isLagging } from './lag.js';
import { listResponse, readListQuery } from './paging.js';
import { patchUser } from './patch-user.js';
import { queryUsers } from './query.js';
import { renderUser } from './render.js';
import { mapResult } from './result-set.js';
import { requireBody, type RouteContext, type RouteResult } from './route-context.js';
import type { StoredUser } from './store.js';
import { validateUser } from './validate-user.js';

/** `/Users` and `/Users/{id}` (DG/createuser, getuser, listusers, putuser, patchuser, deleteuser). */
export function routeUsers(ctx: RouteContext, id: string | undefined): RouteResult {
  if (id === '.search') throw invalid('/Users/.search: not supported');
  if (id === undefined) {
    if (ctx.method === 'GET') return listUsers(ctx);
    if (ctx.method === 'POST') return createUser(ctx);
    throw invalid(`${ctx.method} /Users: not supported`);
  }
  const stored = ctx.store.getUser(id);
  if (!stored || isLagging(stored, ctx.options)) throw userNotFound();
  switch (ctx.method) {
    case 'GET':
      return { status: 200, body: renderUser(stored) };
    case 'PUT':
      return putUser(ctx, stored);
    case 'PATCH':
      // DG/patchuser: 200 with the full user body.
      return { status: 200, body: renderUser(patchUser(ctx.store, stored, requireBody(ctx), ctx.options)) };
    case 'DELETE':
      // DG/deleteuser: 204; the user's memberships end with it.
      ctx.store.deleteUser(id);
      return { status: 204 };
    default:
      throw invalid(`${ctx.method} /Users/{id}: not supported`);
  }
}

function listUsers(ctx: RouteContext): RouteResult {
  const query = readListQuery(ctx.query);
  const results = mapResult(queryUsers(query.filter, ctx.store, ctx.options), renderUser);
  return { status: 200, body: listResponse('Users', query, results, ctx.options) };
}

/** DG/createuser: 201 with the full user; 409 on a duplicate userName, primary email or externalId. */
function createUser(ctx: RouteContext): RouteResult {
  const user = validateUser(requireBody(ctx), ctx.options);
  const conflict = ctx.store.userConflict(user);
  if (conflict) throw duplicate(`${conflict}: taken by another user`);
  return { status: 201, body: renderUser(ctx.store.insertUser(user)) };
}

/** DG/putuser: overwrites the user; same required fields and 409 as CreateUser. The 200 reply is assumed. */
function putUser(ctx: RouteContext, stored: StoredUser): RouteResult {
  const user = validateUser(requireBody(ctx), ctx.options, stored.data.userName);
  const conflict = ctx.store.userConflict(user, stored.id);
  if (conflict) throw duplicate(`${conflict}: taken by another user`);
  return { status: 200, body: renderUser(ctx.store.replaceUser(stored.id, user)) };
}
