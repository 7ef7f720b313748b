import { z } from 'zod';
import { secretRefSchema } from '../../secret/secret.js';
import { SOURCE_ID_PATTERN } from '../../model/ids.js';
import { mappingSchema } from '../../mapping/config.js';

/** Entra object ids (users, groups, service principals, tenants) are GUIDs. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A group named in the config: its object id (a GUID), or its exact displayName. Names are
 * convenient but not unique in Entra, so a name that matches no group or several fails the read
 * instead of guessing (scope.ts).
 */
const groupRef = z.string().trim().min(1);

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });

/** Which users are synced. */
const usersScopeSchema = z.union([
  /** Every user in the tenant (`GET /users`). */
  z.literal('all'),
  /**
   * Users assigned to the enterprise application named by `servicePrincipalId`, directly or as
   * direct members of an assigned group. Entra itself does not extend app assignment to nested
   * groups, so neither does this scope (docs/entra.md).
   */
  z.literal('appAssignments'),
  /** Users who are members of any of these groups, nesting included (`transitiveMembers`). */
  z.strictObject({ memberOf: z.array(groupRef).min(1) }),
]);

/** Which groups are synced, each with its nesting flattened to users (IAM Identity Center groups hold users only). */
const groupsScopeSchema = z.union([
  /** No groups: users only. The default, so that a first run never creates every group of a tenant. */
  z.literal('none'),
  /** Groups assigned to the enterprise application named by `servicePrincipalId`. */
  z.literal('appAssignments'),
  /** These groups, by object id or exact displayName. */
  z.strictObject({ list: z.array(groupRef).min(1) }),
  /** Groups whose displayName starts with this text, compared case-insensitively as Graph's `startswith` does. */
  z.strictObject({ displayNamePrefix: z.string().min(1) }),
]);

/** How the app authenticates (docs/entra.md). Secrets come from the environment or a mounted file, never the YAML. */
const credentialSchema = z.union([
  /** A client secret of the app registration. */
  z.strictObject({ clientSecret: secretRefSchema }),
  /** Path of an unencrypted PEM file holding the private key and the certificate uploaded to the app registration. */
  z.strictObject({ certificateFile: z.string().min(1), sendCertificateChain: z.boolean().default(false) }),
  /** The same PEM, read through a secret reference (an environment variable or a mounted secret file). */
  z.strictObject({ certificate: secretRefSchema, sendCertificateChain: z.boolean().default(false) }),
]);

const retrySchema = z.strictObject({
  /**
   * Retries of one Graph request answered 429, 503 or 504 (the SDK's RetryHandler, src/middleware/RetryHandler.ts in
   * https://github.com/microsoftgraph/msgraph-sdk-javascript), and of a request that failed on the network or timed
   * out. The SDK refuses more than 10.
   */
  maxRetries: z.int().min(0).max(10).default(3),
  /** Base delay in seconds when Graph sends no Retry-After; doubled per attempt. The SDK caps any wait at 180 s. */
  delaySeconds: z.number().min(0).max(180).default(3),
});

export const entraSourceConfigSchema = z
  .strictObject({
    type: z.literal('entra'),
    /** Source id: the ownership namespace of every externalId this source creates (model/ids.ts). */
    id: z.string().regex(SOURCE_ID_PATTERN, 'lower-case letters, digits and dashes, starting with a letter or digit'),
    /** Directory (tenant) id of the Entra tenant. */
    tenantId: z.string().regex(GUID_PATTERN, 'the directory (tenant) id, a GUID'),
    /** Application (client) id of the app registration. */
    clientId: z.string().regex(GUID_PATTERN, 'the application (client) id, a GUID'),
    credential: credentialSchema,
    /** Token authority. Sovereign clouds: https://login.microsoftonline.us (US Gov), https://login.chinacloudapi.cn (China), as @azure/identity AzureAuthorityHosts. */
    authorityHost: httpsUrl.default('https://login.microsoftonline.com'),
    /**
     * Skips MSAL's instance discovery call to login.microsoftonline.com; only for an authority that is
     * not a Microsoft cloud (a private test endpoint), where discovery cannot succeed.
     */
    disableInstanceDiscovery: z.boolean().default(false),
    /**
     * Graph endpoint including the version. Sovereign clouds: https://graph.microsoft.us/v1.0 (US Gov GCC High),
     * https://dod-graph.microsoft.us/v1.0 (US Gov DoD), https://microsoftgraph.chinacloudapi.cn/v1.0 (China).
     */
    graphBaseUrl: httpsUrl
      .regex(/^https:\/\/[^/?#\s]+\/v1\.0\/?$/, 'expected https://<graph host>/v1.0')
      .default('https://graph.microsoft.com/v1.0'),
    scope: z
      .strictObject({
        users: usersScopeSchema.default('all'),
        groups: groupsScopeSchema.default('none'),
      })
      .prefault({}),
    /** Object id of the enterprise application (service principal), not its appId; required by `appAssignments`. */
    servicePrincipalId: z
      .string()
      .regex(GUID_PATTERN, 'the object id of the enterprise application, a GUID')
      .optional(),
    /**
     * B2B guests (`userType` Guest, or `#EXT#` in the userPrincipalName): `skip` reports them as skipped,
     * `include` syncs them like members.
     */
    guests: z.enum(['skip', 'include']).default('skip'),
    /**
     * SCIM userName. `userPrincipalName` is always set and unique; `mail` is what people sign in with
     * when the UPN is not an email address (the AWS guide warns a UPN may only look like one).
     */
    userName: z.enum(['userPrincipalName', 'mail']).default('userPrincipalName'),
    /**
     * The primary email. The others (`proxyAddresses` smtp:, `otherMails`) follow it in the emails list.
     * `mailOrUserPrincipalName` takes `mail`, or the userPrincipalName when `mail` is null, as it is for
     * accounts without a mailbox (Microsoft's own "MOD Administrator" example,
     * https://learn.microsoft.com/en-us/graph/api/user-list?view=graph-rest-1.0).
     */
    email: z.enum(['mail', 'userPrincipalName', 'mailOrUserPrincipalName']).default('mail'),
    /**
     * Read changes through users/delta and groups/delta and keep the merged directory in the source state
     * (delta.ts). Needs `scope.users: all` and groups that are not `appAssignments`: app assignments have no
     * delta query.
     */
    incremental: z.boolean().default(false),
    /**
     * `$top` of list calls; Graph accepts 1 to 999 on directory collections
     * (https://learn.microsoft.com/graph/paging).
     */
    pageSize: z.int().min(1).max(999).default(999),
    /** Groups whose members are read at the same time. Graph throttles per app and tenant, so keep it small. */
    concurrency: z.int().min(1).max(16).default(4),
    /** Timeout of one Graph request attempt (headers and body), in milliseconds. */
    requestTimeoutMs: z.int().min(1000).max(300_000).default(60_000),
    retry: retrySchema.prefault({}),
    /** Which source attribute or expression feeds each AWS attribute (docs/attribute-mapping.md); default: the built-in mapping. */
    mapping: mappingSchema,
  })
  .superRefine((config, ctx) => {
    const usesAssignments = config.scope.users === 'appAssignments' || config.scope.groups === 'appAssignments';
    if (usesAssignments && config.servicePrincipalId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['servicePrincipalId'],
        message: 'appAssignments scope needs the object id of the enterprise application',
      });
    }
    if (config.incremental && config.scope.users !== 'all') {
      ctx.addIssue({
        code: 'custom',
        path: ['incremental'],
        message: 'incremental reads need scope.users: all (group and assignment scopes are read in full)',
      });
    }
    if (config.incremental && config.scope.groups === 'appAssignments') {
      ctx.addIssue({
        code: 'custom',
        path: ['incremental'],
        message: 'incremental reads cannot follow app assignments (Graph has no delta query for them)',
      });
    }
  });

export type EntraSourceConfig = z.infer<typeof entraSourceConfigSchema>;
export type EntraSourceConfigInput = z.input<typeof entraSourceConfigSchema>;
export type UsersScope = EntraSourceConfig['scope']['users'];
export type GroupsScope = EntraSourceConfig['scope']['groups'];
