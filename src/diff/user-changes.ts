import type { AwsUserAttributes } from '../model/aws.js';
import { SCHEMA_ENTERPRISE_USER } from '../model/aws.js';
import { ENTERPRISE_ATTRIBUTES, PERSON_NAME_PARTS, USER_TEXT_ATTRIBUTES } from '../model/user.js';
import type { AttributeChange } from './plan.js';

const SIMPLE = ['userName', 'displayName', ...USER_TEXT_ATTRIBUTES] as const;
const LISTS = ['emails', 'phoneNumbers', 'addresses'] as const;

/**
 * The attribute changes that turn `current` into `desired`, as SCIM paths that PatchUser accepts
 * (DG/patchuser lists the modifiable attributes; enterprise attributes use the full URN path as in
 * Microsoft's AWS gallery mapping). `active` is not compared here: deactivation is its own
 * operation so the deletion brake can count it. Strings compare after NFC so NFC/NFD spellings
 * never cause a perpetual update. Each change also carries what AWS holds now (`from`), for the
 * operator reading the plan; it is never sent.
 */
export function userChanges(desired: AwsUserAttributes, current: AwsUserAttributes): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (const key of SIMPLE) diffValue(changes, key, desired[key], current[key]);
  // Only a mapping sets profileUrl (absent = not mapped), so a value set another way is kept.
  if (desired.profileUrl !== undefined)
    diffValue(changes, 'profileUrl', desired.profileUrl ?? undefined, current.profileUrl ?? undefined);
  for (const part of PERSON_NAME_PARTS) diffValue(changes, `name.${part}`, desired.name[part], current.name[part]);
  for (const key of LISTS) {
    if (!sameList(desired[key], current[key])) {
      changes.push({
        path: key,
        value: desired[key].length > 0 ? desired[key] : null,
        from: current[key].length > 0 ? current[key] : null,
      });
    }
  }
  for (const key of ENTERPRISE_ATTRIBUTES) {
    diffValue(changes, `${SCHEMA_ENTERPRISE_USER}:${key}`, desired.enterprise[key], current.enterprise[key]);
  }
  return changes;
}

function diffValue(changes: AttributeChange[], path: string, want: string | undefined, have: string | undefined): void {
  const w = norm(want);
  if (w === norm(have)) return;
  changes.push({ path, value: w ?? null, from: have ?? null });
}

function norm(v: string | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const n = v.normalize('NFC');
  return n === '' ? undefined : n;
}

function sameList(a: readonly object[], b: readonly object[]): boolean {
  if (a.length === 0 && b.length === 0) return true;
  return canonicalList(a) === canonicalList(b);
}

/** Key-order-insensitive, NFC-normalised form of a single-valued list. */
function canonicalList(values: readonly object[]): string {
  return JSON.stringify(
    values.map((v) =>
      Object.entries(v)
        .filter(([, x]) => x !== undefined && x !== null && x !== '')
        .map(([k, x]) => [k, typeof x === 'string' ? x.normalize('NFC') : x] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
  );
}
