import { z } from 'zod';

/**
 * The directory file: users and groups exported from elsewhere, or written by hand for a demo.
 * Objects are strict (an unknown key is an error, so a typo never silently drops a field).
 *
 * ```yaml
 * users:
 *   - id: "4f1c…"             # immutable id; renames keep it. Becomes externalId "<source id>/<id>"
 *     userName: alice@example.com
 *     displayName: Alice Example          # optional, like everything below
 *     givenName: Alice
 *     familyName: Example
 *     middleName / honorificPrefix / honorificSuffix / nickName / title / userType
 *     preferredLanguage / locale / timezone
 *     emails: [{ value: alice@example.com, type: work, primary: true }]
 *     phoneNumbers: [{ value: "+1 555 0100", type: work }]
 *     addresses: [{ type: work, streetAddress, locality, region, postalCode, country, formatted, primary }]
 *     employeeNumber / costCenter / organization / division / department
 *     active: true                        # default true; false keeps the user in AWS, deactivated
 *     manager: "9b2e…"                    # id of the manager's user in this file; used by a mapping of enterprise.manager
 *     attributes: { costCenterCode: "CC-7" }  # any other attributes, for the source's mapping
 * groups:
 *   - id: "g-eng"
 *     displayName: Engineering
 *     members: ["4f1c…", "g-platform"]    # ids of users or groups in this file; default []
 *     attributes: { code: "ENG" }         # for a mapping of the group displayName
 * ```
 *
 * Ids must be unique across users and groups, since members name either. A member id that is neither is
 * kept out of the group and reported in the snapshot's `unresolvedMembers`.
 */

const immutableId = z.string().regex(/^\S+$/, 'must be non-empty and contain no whitespace');
const text = z.string().min(1).optional();

/** Attributes only a mapping reads (docs/attribute-mapping.md). */
const extraAttributes = z.record(z.string().min(1), z.union([z.string(), z.array(z.string())])).optional();

const contactSchema = z.strictObject({
  value: z.string().min(1),
  type: text,
  primary: z.boolean().optional(),
});

const addressSchema = z.strictObject({
  type: text,
  streetAddress: text,
  locality: text,
  region: text,
  postalCode: text,
  country: text,
  formatted: text,
  primary: z.boolean().optional(),
});

const fileUserSchema = z.strictObject({
  id: immutableId,
  userName: z.string().min(1),
  displayName: text,
  givenName: text,
  familyName: text,
  middleName: text,
  honorificPrefix: text,
  honorificSuffix: text,
  nickName: text,
  title: text,
  userType: text,
  preferredLanguage: text,
  locale: text,
  timezone: text,
  emails: z.array(contactSchema).default([]),
  phoneNumbers: z.array(contactSchema).default([]),
  addresses: z.array(addressSchema).default([]),
  employeeNumber: text,
  costCenter: text,
  organization: text,
  division: text,
  department: text,
  active: z.boolean().default(true),
  manager: text,
  attributes: extraAttributes,
});

const fileGroupSchema = z.strictObject({
  id: immutableId,
  displayName: z.string().min(1),
  members: z.array(z.string()).default([]),
  attributes: extraAttributes,
});

export const directoryFileSchema = z
  .strictObject({
    users: z.array(fileUserSchema),
    groups: z.array(fileGroupSchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    const check = (collection: 'users' | 'groups', id: string, index: number): void => {
      if (seen.has(id))
        ctx.addIssue({ code: 'custom', path: [collection, index, 'id'], message: `duplicate id "${id}"` });
      seen.add(id);
    };
    file.users.forEach((u, i) => check('users', u.id, i));
    file.groups.forEach((g, i) => check('groups', g.id, i));
  });

export type DirectoryFile = z.infer<typeof directoryFileSchema>;
export type FileUser = z.infer<typeof fileUserSchema>;
export type FileGroup = z.infer<typeof fileGroupSchema>;

/** One line per issue, each naming where it is: `users[3].id: Invalid input: expected string, received number`. */
export function describeIssues(error: z.ZodError, limit = 20): string {
  const lines = error.issues.slice(0, limit).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (error.issues.length > limit) lines.push(`… and ${error.issues.length - limit} more`);
  return lines.join('\n');
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(file)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}
