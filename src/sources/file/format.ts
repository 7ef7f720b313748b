import { z } from 'zod';

/**
 * The directory file: users and groups exported from elsewhere, or written by hand for a demo.
 * Objects are strict (an unknown key is an error, so a typo never silently drops a field). The
 * field-by-field reference is docs/file-source.md; docs/file-source.schema.json is generated from
 * this schema (`npm run schema`) for editors and CI checks of hand-written files.
 *
 * Ids must be unique across users and groups, since members name either. A member id that is neither is
 * kept out of the group and reported in the snapshot's `unresolvedMembers`.
 */
const immutableId = z
  .string()
  .regex(/^\S+$/, 'must be non-empty and contain no whitespace')
  .describe('immutable id, unique across users and groups; becomes externalId "<source id>/<id>"');
const text = (description: string) => z.string().min(1).optional().describe(description);

/** Attributes only a mapping reads (docs/attribute-mapping.md). */
const extraAttributes = z
  .record(z.string().min(1), z.union([z.string(), z.array(z.string())]))
  .optional()
  .describe("any other attributes, read only by the source's mapping (docs/attribute-mapping.md)");
const contactSchema = z.strictObject({
  value: z.string().min(1).describe('the address or number'),
  type: text('e.g. work, home'),
  primary: z.boolean().optional().describe('the preferred value of the list'),
});
const addressSchema = z.strictObject({
  type: text('e.g. work'),
  streetAddress: text('street and number'),
  locality: text('city'),
  region: text('state or province'),
  postalCode: text('postal code'),
  country: text('country'),
  formatted: text('the whole address as one string'),
  primary: z.boolean().optional().describe('the preferred address of the list'),
});
const fileUserSchema = z.strictObject({
  id: immutableId,
  userName: z.string().min(1).describe('sign-in name in IAM Identity Center, unique (case-insensitive)'),
  displayName: text('full name as shown'),
  givenName: text('first name'),
  familyName: text('last name'),
  middleName: text('middle name'),
  honorificPrefix: text('e.g. Dr.'),
  honorificSuffix: text('e.g. Jr.'),
  nickName: text('casual name'),
  title: text('job title'),
  userType: text('e.g. Employee, Contractor'),
  preferredLanguage: text('e.g. en-US'),
  locale: text('e.g. en-US'),
  timezone: text('IANA time zone, e.g. Europe/Paris'),
  emails: z
    .array(contactSchema)
    .default([])
    .describe('AWS stores one: the primary, else the first of type work, else the first'),
  phoneNumbers: z
    .array(contactSchema)
    .default([])
    .describe('AWS stores one: the primary, else the first of type work, else the first'),
  addresses: z
    .array(addressSchema)
    .default([])
    .describe('AWS stores one: the primary, else the first of type work, else the first'),
  employeeNumber: text('enterprise extension: employee number'),
  costCenter: text('enterprise extension: cost center'),
  organization: text('enterprise extension: organization'),
  division: text('enterprise extension: division'),
  department: text('enterprise extension: department'),
  active: z.boolean().default(true).describe('false keeps the user in AWS, deactivated'),
  manager: text("id of the manager's user in this file; used by a mapping of enterprise.manager"),
  attributes: extraAttributes,
});
const fileGroupSchema = z.strictObject({
  id: immutableId,
  displayName: z.string().min(1).describe('group name in IAM Identity Center, unique'),
  members: z
    .array(z.string())
    .default([])
    .describe('ids of users or groups in this file; a nested group contributes its members'),
  attributes: extraAttributes,
});
export const directoryFileSchema = z
  .strictObject({
    users: z.array(fileUserSchema).describe('every user of the directory; [] for none'),
    groups: z.array(fileGroupSchema).describe('every group of the directory; [] for none'),
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
