import { FilterParser } from 'ldapts';
import { z } from 'zod';
import { secretRefSchema } from '../../secret/secret.js';
import { SOURCE_ID_PATTERN } from '../../model/ids.js';
import { mappingSchema } from '../../mapping/config.js';

/** An operator-written filter must parse; a typo should stop startup, not return an empty directory. */
const configuredFilter = z
  .string()
  .min(1)
  .refine((value) => parsesAsFilter(value), { message: 'not a valid RFC 4515 search filter' });

const searchBase = {
  /** DN under which entries are searched. */
  baseDn: z.string(),
  /** RFC 4515 filter selecting the entries; default per vendor (see vendors.ts). */
  filter: configuredFilter.optional(),
  /** `sub` searches the whole subtree, `one` only the direct children of `baseDn`. */
  scope: z.enum(['one', 'sub']).default('sub'),
};

/**
 * Attribute names that override the vendor's defaults (vendors.ts); each is optional.
 * Names are case-insensitive, as LDAP attribute descriptions are (RFC 4512 §2.5).
 */
const attributeOverridesSchema = z.strictObject({
  /** SCIM userName; default `uid` (OpenLDAP) / `userPrincipalName` (AD). */
  userName: z.string().min(1).optional(),
  /** Default `displayName`; when the entry has none the common name is used. */
  displayName: z.string().min(1).optional(),
  /** Fallback for displayName; default `cn`. */
  commonName: z.string().min(1).optional(),
  /** Default `givenName`. */
  givenName: z.string().min(1).optional(),
  /** Default `sn`. */
  familyName: z.string().min(1).optional(),
  /** Multi-valued; the first value becomes the primary address. Default `mail`. */
  email: z.string().min(1).optional(),
  /** Multi-valued; the first value becomes the primary number. Default `telephoneNumber`. */
  phoneNumber: z.string().min(1).optional(),
  /** Default `title`. */
  title: z.string().min(1).optional(),
  /** Default `departmentNumber` (OpenLDAP, RFC 2798) / `department` (AD). */
  department: z.string().min(1).optional(),
  /** Default `employeeNumber` (OpenLDAP) / `employeeID` (AD). */
  employeeNumber: z.string().min(1).optional(),
  /** Attribute that RFC 2307 `memberUid` values refer to; default `uid`. */
  posixUid: z.string().min(1).optional(),
  /** Group display name; default `cn`. */
  groupName: z.string().min(1).optional(),
});

export const ldapSourceConfigSchema = z
  .strictObject({
    type: z.literal('ldap'),
    /** Source id: the ownership namespace of every externalId this source creates (model/ids.ts). */
    id: z.string().regex(SOURCE_ID_PATTERN, 'lower-case letters, digits and dashes, starting with a letter or digit'),
    /** `ldap://host:port` or `ldaps://host:port`; ldapts takes protocol, host and port only. */
    url: z.string().regex(/^ldaps?:\/\/[^/?#\s]+\/?$/i, 'expected ldap://host[:port] or ldaps://host[:port]'),
    /** Upgrade an `ldap://` connection with StartTLS (RFC 4511 §4.14) before binding. */
    startTls: z.boolean().default(false),
    /** PEM file with the CA(s) that sign the server certificate; default: Node's bundled roots. */
    caFile: z.string().min(1).optional(),
    /**
     * Name to verify the server certificate against when it differs from the URL host (`servername`,
     * https://nodejs.org/api/tls.html#tlsconnectoptions-callback).
     */
    tlsServerName: z.string().min(1).optional(),
    /** Permit plain `ldap://` without StartTLS: the bind password then crosses the wire in clear. */
    allowInsecure: z.boolean().default(false),
    /** DN (or AD UPN) of a read-only service account. */
    bindDn: z.string().min(1),
    /** Where the bind password is kept; never the password itself. */
    bindPassword: secretRefSchema,
    /** Directory flavour; `auto` asks the RootDSE (vendors.ts). */
    vendor: z.enum(['openldap', 'activedirectory', 'auto']).default('auto'),
    /** Where users are read from. */
    users: z.strictObject(searchBase),
    /** Where groups are read from. */
    groups: z.strictObject(searchBase),
    /**
     * Also read Active Directory's built-in and critical system objects (Domain Admins, Administrators,
     * Guest, krbtgt, …), which are left out by default and counted in the run report (ad-objects.ts).
     */
    includeSystemObjects: z.boolean().default(false),
    /** Per-attribute overrides of the vendor's attribute names. */
    attributes: attributeOverridesSchema.default({}),
    /** Simple paged results page size (RFC 2696). AD serves at most MaxPageSize (1000) per page whatever is asked. */
    pageSize: z.int().min(1).max(100_000).default(500),
    /** Per-operation timeout (each page, each range read, the bind) in milliseconds. */
    timeoutMs: z.int().min(100).default(30_000),
    /**
     * Upper bound on AD range-retrieval follow-ups per attribute (MS-ADTS 3.1.1.3.1.3.3). With the default
     * MaxValRange of 1500 values, 1000 iterations cover 1.5 million members; more means a misbehaving server.
     */
    maxRangeIterations: z.int().min(1).default(1000),
    /** Which source attribute or expression feeds each AWS attribute (docs/attribute-mapping.md); default: the built-in mapping. */
    mapping: mappingSchema,
  })
  .superRefine((config, ctx) => {
    const scheme = /^(ldaps?):\/\//i.exec(config.url)?.[1]?.toLowerCase();
    if (scheme === undefined) return;
    const secure = scheme === 'ldaps';
    if (secure && config.startTls) {
      ctx.addIssue({
        code: 'custom',
        path: ['startTls'],
        message: 'StartTLS cannot be used on an ldaps:// connection',
      });
    }
    if (!secure && !config.startTls && !config.allowInsecure) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message:
          'plain ldap:// sends the bind password in clear: use ldaps://, set startTls: true, or (test setups only) allowInsecure: true',
      });
    }
    if (!secure && !config.startTls && (config.caFile !== undefined || config.tlsServerName !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['caFile'],
        message: 'caFile/tlsServerName need ldaps:// or startTls: true',
      });
    }
  });

export type LdapSourceConfig = z.infer<typeof ldapSourceConfigSchema>;
export type LdapSourceConfigInput = z.input<typeof ldapSourceConfigSchema>;

function parsesAsFilter(value: string): boolean {
  try {
    FilterParser.parseString(value);
    return true;
  } catch {
    return false;
  }
}
