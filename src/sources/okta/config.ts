import { z } from 'zod';
import { secretRefSchema } from '../../secret/secret.js';
import { SOURCE_ID_PATTERN } from '../../model/ids.js';
import { mappingSchema } from '../../mapping/config.js';

/**
 * Hosts Okta serves orgs on. The API token or access token goes to this host, so anything else
 * (a custom domain, a local fake) must be allowed explicitly.
 */
const OKTA_HOSTED_DOMAIN = /^[a-z0-9][a-z0-9-]*\.(okta\.com|oktapreview\.com|okta-emea\.com|okta-gov\.com|okta\.mil)$/;

/** Okta object ids (`00u…`, `00g…`, `0oa…`) are alphanumeric; anything else in a path would be a different URL. */
const oktaId = z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'an Okta id: letters and digits only');

/** The scopes a service app needs for each scope type (Okta: OAuth 2.0 scopes for the management API). */
export const USERS_GROUPS_SCOPES = ['okta.users.read', 'okta.groups.read'] as const;
export const APP_ASSIGNMENTS_SCOPE = 'okta.apps.read';

const privateKeyJwtSchema = z.strictObject({
  /** Client id of the OAuth 2.0 service app (Admin Console → Applications → the API service app). */
  clientId: z.string().min(1),
  /** `kid` of the public key registered on the app; needed for a PEM key unless the app has exactly one key. */
  keyId: z.string().min(1).optional(),
  /** The RSA private key, PEM (PKCS#1 or PKCS#8, unencrypted) or a JWK as JSON, from an env var or a mounted file. */
  privateKey: secretRefSchema,
  /**
   * Scopes requested in the client-credentials grant. Default: okta.users.read okta.groups.read, plus
   * okta.apps.read for the appAssignments scope (see `oauthScopes`). Each must be granted to the app.
   */
  scopes: z
    .array(z.string().regex(/^okta\.[A-Za-z.]+$/, 'an okta.* management scope'))
    .min(1)
    .optional(),
});

const authSchema = z.union([
  /**
   * Preferred: an OAuth 2.0 service app authenticating with private_key_jwt, with scoped read-only tokens
   * (https://developer.okta.com/docs/api/openapi/okta-management/guides/overview).
   */
  z.strictObject({ privateKeyJwt: privateKeyJwtSchema }),
  /**
   * Discouraged: an SSWS API token carries every privilege of the admin who created it and cannot be scoped
   * (https://developer.okta.com/docs/guides/create-an-api-token/). Kept for orgs that cannot create a service app
   * yet.
   */
  z.strictObject({ apiToken: secretRefSchema }),
]);

const scopeSchema = z.discriminatedUnion('type', [
  /** Users and groups assigned to the AWS app (`/api/v1/apps/{appId}/users|groups`), groups with their members. */
  z.strictObject({ type: z.literal('appAssignments'), appId: oktaId }),
  /** The listed groups and/or the groups a `search` expression matches, with their members. */
  z
    .strictObject({
      type: z.literal('groups'),
      /** Group ids; a missing one fails the read rather than dropping its members. */
      ids: z.array(oktaId).default([]),
      /** Okta `search` expression for groups, e.g. `type eq "OKTA_GROUP" and profile.name sw "aws-"`. */
      search: z.string().min(1).max(2000).optional(),
    })
    .refine((scope) => scope.ids.length > 0 || scope.search !== undefined, {
      message: 'give group ids, a search expression, or both',
    }),
]);

/** What an Okta status that is not plainly active or inactive becomes. */
const notActivatedSchema = z.enum(['exclude', 'inactive']);

export const oktaSourceConfigSchema = z
  .strictObject({
    type: z.literal('okta'),
    /** Source id: the ownership namespace of every externalId this source creates (model/ids.ts). */
    id: z.string().regex(SOURCE_ID_PATTERN, 'lower-case letters, digits and dashes, starting with a letter or digit'),
    /** `https://<org>.okta.com` (or oktapreview / okta-emea / okta-gov / okta.mil); no path, not the `-admin` host. */
    orgUrl: z.string().transform((url) => url.replace(/\/+$/, '')),
    /** Permit an orgUrl outside Okta's hosted domains (a custom domain, or a local fake in tests). Still https only. */
    allowCustomDomain: z.boolean().default(false),
    /** How the daemon authenticates to the Okta management API. */
    auth: authSchema,
    /** Which users and groups are synced. */
    scope: scopeSchema,
    /**
     * SUSPENDED and DEPROVISIONED users are always inactive; ACTIVE, RECOVERY, PASSWORD_EXPIRED and LOCKED_OUT
     * are active (still employed). Users never activated are left out by default.
     */
    statuses: z
      .strictObject({
        /** STAGED: created, activation not started. */
        staged: notActivatedSchema.default('exclude'),
        /** PROVISIONED: activation started, the user has not set a password yet. */
        provisioned: notActivatedSchema.default('exclude'),
      })
      .prefault({}),
    /** Which Okta profile attributes become the SCIM userName and the primary email. */
    attributes: z
      .strictObject({
        /**
         * `appUserName` takes the AWS app user's `credentials.userName`, the name Okta's own AWS IAM Identity
         * Center app sends, for orgs with a custom app username format
         * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationUsers/); appAssignments scope only.
         */
        userName: z.enum(['login', 'email', 'appUserName']).default('login'),
        email: z.enum(['email', 'login']).default('email'),
      })
      .prefault({}),
    /**
     * `limit` per page. 200 is the users maximum and Okta's recommended ceiling for groups
     * (https://developer.okta.com/docs/reference/core-okta-api/).
     */
    pageSize: z.int().min(1).max(200).default(200),
    /**
     * Requests in flight at once. Okta's org-wide limit is 75 and other integrations share it
     * (https://developer.okta.com/docs/reference/rl-best-practices/).
     */
    maxConcurrency: z.int().min(1).max(10).default(4),
    /** Per request, from sending it to the end of the response body. */
    requestTimeoutMs: z.int().min(1000).max(300_000).default(30_000),
    /**
     * HTTP 429 handling: wait X-Rate-Limit-Reset − Date + 1 s, then retry
     * (https://github.com/okta/okta-sdk-nodejs#rate-limiting).
     */
    rateLimit: z
      .strictObject({
        /** Retries of one request after a 429; 0 = never retry. */
        maxRetries: z.int().min(0).max(10).default(4),
        /** A 429 asking for a longer wait fails the read instead; Okta's windows are one minute. */
        maxWaitSeconds: z.int().min(1).max(600).default(90),
      })
      .prefault({}),
    /** Incremental reads by `lastUpdated` / `lastMembershipUpdated` watermarks (incremental.ts). */
    incremental: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** A full read runs at least this often, and whenever no complete earlier read is stored. */
        fullReadIntervalHours: z
          .number()
          .min(1)
          .max(24 * 7)
          .default(24),
      })
      .prefault({}),
    /** Which source attribute or expression feeds each AWS attribute (docs/attribute-mapping.md); default: the built-in mapping. */
    mapping: mappingSchema,
  })
  .superRefine((config, ctx) => {
    const problem = orgUrlProblem(config.orgUrl, config.allowCustomDomain);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['orgUrl'], message: problem });
    if (config.attributes.userName === 'appUserName' && config.scope.type !== 'appAssignments') {
      ctx.addIssue({
        code: 'custom',
        path: ['attributes', 'userName'],
        message: "appUserName is the AWS app user's credentials.userName: it needs scope type appAssignments",
      });
    }
    const scopes = 'privateKeyJwt' in config.auth ? config.auth.privateKeyJwt.scopes : undefined;
    if (config.scope.type === 'appAssignments' && scopes !== undefined && !scopes.includes(APP_ASSIGNMENTS_SCOPE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'privateKeyJwt', 'scopes'],
        message: `the appAssignments scope reads /api/v1/apps/{appId}/users, which needs ${APP_ASSIGNMENTS_SCOPE}`,
      });
    }
  });

export type OktaSourceConfig = z.infer<typeof oktaSourceConfigSchema>;
export type OktaSourceConfigInput = z.input<typeof oktaSourceConfigSchema>;
export type OktaScope = OktaSourceConfig['scope'];
export type OktaStatusPolicy = OktaSourceConfig['statuses'];
export type OktaAttributeMapping = OktaSourceConfig['attributes'];

/** The scopes requested with private_key_jwt: the configured ones, or the least the scope type needs. */
export function oauthScopes(config: OktaSourceConfig): string[] {
  if ('privateKeyJwt' in config.auth && config.auth.privateKeyJwt.scopes !== undefined)
    return config.auth.privateKeyJwt.scopes;
  return config.scope.type === 'appAssignments'
    ? [...USERS_GROUPS_SCOPES, APP_ASSIGNMENTS_SCOPE]
    : [...USERS_GROUPS_SCOPES];
}

function orgUrlProblem(orgUrl: string, allowCustomDomain: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(orgUrl);
  } catch {
    return 'not a URL; expected https://<your org>.okta.com';
  }
  if (url.protocol !== 'https:') return 'must be https://';
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname !== '/') {
    return 'must be the org origin only (https://<your org>.okta.com), with no path, query or credentials';
  }
  if (allowCustomDomain) return undefined;
  if (url.port !== '') return 'Okta-hosted orgs use the default https port; a port needs allowCustomDomain: true';
  if (/-admin\./.test(url.hostname)) return 'use the org URL, not the -admin console URL';
  if (!OKTA_HOSTED_DOMAIN.test(url.hostname)) {
    return 'not an Okta-hosted org domain (*.okta.com, *.oktapreview.com, *.okta-emea.com, *.okta-gov.com, *.okta.mil); set allowCustomDomain: true for a custom domain';
  }
  return undefined;
}
