/**
 * Filter expressions for ListUsers and ListGroups. IAM Identity Center supports only `eq`, joined by
 * `and` (DG/limitations, DG/listusers, DG/listgroups), so that is all this module can build.
 */

/** Attributes the DG lists as filterable on `/Users` (DG/listusers). */
export type UserFilterAttribute = 'userName' | 'externalId' | 'groups.value' | 'id' | 'manager';

/** Attributes the DG lists as filterable on `/Groups` (DG/listgroups). */
export type GroupFilterAttribute = 'displayName' | 'externalId' | 'members.value' | 'id' | 'members';

export type FilterAttribute = UserFilterAttribute | GroupFilterAttribute;

/**
 * `<attr> eq "<value>"`. RFC 7644 §3.4.2.2 defines `compValue` as a JSON string (RFC 7159), so the
 * value is quoted and escaped exactly as JSON does it: `"` becomes `\"`, `\` becomes `\\`, and control
 * characters get their JSON escapes. A value can therefore never close the quote and inject `or`/`and`.
 */
export function eqFilter(attribute: FilterAttribute, value: string): string {
  return `${attribute} eq ${JSON.stringify(value)}`;
}

/** Joins clauses with `and`, the only logical operator AWS accepts (DG/limitations). */
export function andFilter(first: string, ...rest: string[]): string {
  return [first, ...rest].join(' and ');
}
