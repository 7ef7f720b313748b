import { SCHEMA_ENTERPRISE_USER, SCHEMA_USER } from '../scim/wire.js';
import { invalid } from './errors.js';
import { parseFilter, type FilterTerm } from './filter.js';
import { ADDRESS_KEYS, ENTERPRISE_KEYS, NAME_KEYS } from './validate-user.js';

/**
 * PatchUser target paths (RFC 7644 §3.5.2 attribute paths, restricted by DG/patchuser to the attributes that
 * may be modified). Value filters in a path allow only `eq` (DG/patchuser); Entra sends
 * `emails[type eq "work"].value` and `urn:…:enterprise:2.0:User:department` (Microsoft AWS tutorial).
 */
export type UserPath =
  | { kind: 'simple'; attribute: string }
  | { kind: 'name'; sub?: string }
  | { kind: 'multi'; attribute: MultiAttribute; filter?: FilterTerm; sub?: string }
  | { kind: 'enterprise'; sub?: string };

export type MultiAttribute = 'emails' | 'phoneNumbers' | 'addresses';

/** DG/patchuser: the attributes PatchUser may modify. `roles` is deliberately not among them. */
const SIMPLE = [
  'userName',
  'active',
  'externalId',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
];
const MULTI: MultiAttribute[] = ['emails', 'phoneNumbers', 'addresses'];
const MULTI_SUBS: Record<MultiAttribute, string[]> = {
  emails: ['value', 'type', 'primary'],
  phoneNumbers: ['value', 'type', 'primary'],
  addresses: [...ADDRESS_KEYS, 'primary'],
};
const ENTERPRISE_SUBS = [...ENTERPRISE_KEYS, 'manager', 'manager.value'];
const CORE_PATH = /^([A-Za-z]+)(?:\[([^\]]*)\])?(?:\.([A-Za-z]+))?$/;

/** The spelling from `names` that matches `key` case-insensitively (RFC 7643 §2.1), or undefined. */
export function canonical<T extends string>(key: string, names: readonly T[]): T | undefined {
  const lower = key.toLowerCase();
  return names.find((name) => name.toLowerCase() === lower);
}

function unsupported(path: string): never {
  throw invalid(`PatchUser: path ${path.split(/[[.:]/)[0] ?? ''} cannot be modified`);
}

export function parseUserPath(path: string): UserPath {
  const lower = path.toLowerCase();
  const enterprise = SCHEMA_ENTERPRISE_USER.toLowerCase();
  if (lower.startsWith(enterprise)) return parseEnterprisePath(path.slice(enterprise.length));
  const core = `${SCHEMA_USER.toLowerCase()}:`;
  return parseCorePath(lower.startsWith(core) ? path.slice(core.length) : path);
}

function parseEnterprisePath(rest: string): UserPath {
  if (rest === '') return { kind: 'enterprise' };
  const sub = rest.startsWith(':') ? canonical(rest.slice(1), ENTERPRISE_SUBS) : undefined;
  if (sub === undefined) unsupported(`enterprise${rest}`);
  return { kind: 'enterprise', sub };
}

function parseCorePath(path: string): UserPath {
  const match = CORE_PATH.exec(path);
  if (!match) unsupported(path);
  const [, head = '', filterText, subText] = match;
  const simple = canonical(head, SIMPLE);
  if (simple !== undefined && filterText === undefined && subText === undefined)
    return { kind: 'simple', attribute: simple };
  if (head.toLowerCase() === 'name' && filterText === undefined) return { kind: 'name', sub: nameSub(subText) };
  const multi = canonical(head, MULTI);
  if (multi === undefined) unsupported(path);
  const result: UserPath = { kind: 'multi', attribute: multi };
  if (filterText !== undefined) result.filter = valueFilter(filterText, multi);
  if (subText !== undefined) result.sub = requireSub(subText, MULTI_SUBS[multi], multi);
  return result;
}

function nameSub(subText: string | undefined): string | undefined {
  return subText === undefined ? undefined : requireSub(subText, NAME_KEYS, 'name');
}

function requireSub(subText: string, names: readonly string[], attribute: string): string {
  const sub = canonical(subText, names);
  if (sub === undefined) unsupported(`${attribute}.${subText}`);
  return sub;
}

/** `emails[type eq "work"]`: exactly one `eq` term on a sub-attribute. */
function valueFilter(text: string, attribute: MultiAttribute): FilterTerm {
  const terms = parseFilter(text);
  const term = terms[0];
  if (terms.length !== 1 || term === undefined) throw invalid('PatchUser: a value filter takes one eq term');
  return { attribute: requireSub(term.attribute, MULTI_SUBS[attribute], attribute), value: term.value };
}
