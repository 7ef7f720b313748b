import { ScimError, invalid } from './errors.js';
import { findResourceType, findSchema, listResourceTypes, listSchemas, serviceProviderConfig } from './discovery.js';
import { routeGroups } from './routes-groups.js';
import { routeUsers } from './routes-users.js';
import type { RouteContext, RouteResult } from './route-context.js';

const notFound = (): ScimError => new ScimError(404, 'no such endpoint');

/** DG/supported-apis and DG/limitations: what exists, and `/Bulk`, `/Me`, `/Search` that do not. */
export function dispatch(ctx: RouteContext): RouteResult {
  const [resource, id, ...rest] = ctx.segments;
  if (rest.length > 0) throw notFound();
  switch (resource) {
    case 'Users':
      return routeUsers(ctx, id);
    case 'Groups':
      return routeGroups(ctx, id);
    case 'ServiceProviderConfig':
      return readOnly(ctx, id === undefined ? serviceProviderConfig() : undefined);
    case 'Schemas':
      return readOnly(ctx, id === undefined ? listSchemas() : findSchema(id));
    case 'ResourceTypes':
      return readOnly(ctx, id === undefined ? listResourceTypes() : findResourceType(id));
    case 'Bulk':
    case 'Me':
    case '.search':
      // "Not supported" (DG/limitations); AWS uses 400 ValidationException for unsupported operations.
      throw invalid(`${resource}: not supported`);
    default:
      throw notFound();
  }
}

function readOnly(ctx: RouteContext, document: unknown): RouteResult {
  if (ctx.method !== 'GET') throw invalid(`${ctx.method}: not supported on this endpoint`);
  if (document === undefined) throw notFound();
  return { status: 200, body: document };
}

/** The route without ids, for counters: `/Users/{id}`. */
export function routeKey(relativePath: string | undefined): string {
  if (relativePath === undefined) return '(outside base)';
  const segments = relativePath.split('/').slice(1);
  const [resource = '', id] = segments;
  return id === undefined ? `/${resource}` : `/${resource}/{id}`;
}
