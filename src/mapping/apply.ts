import type { ExternalId } from '../model/ids.js';
import { ENTERPRISE_ATTRIBUTES, PERSON_NAME_PARTS, type Address, type MappingNote, type User } from '../model/user.js';
import type { CompiledMapping, UserTarget } from './config.js';
import { evaluate, type AttributeLookup } from './evaluate.js';
import type { Expression } from './expression.js';

/**
 * Applies a source's mapping to a user its transform built with the built-in mapping: each mapped AWS
 * attribute is replaced by its expression's value, or cleared when the expression yields none. The
 * values are not checked here; they go through the same constraint engine as built-in ones.
 */

/** Resolves the source's reference to a manager (an object id, a DN) to the manager's externalId, if in scope. */
export type ManagerResolver = (ref: string) => ExternalId | undefined;

export type MappedUser = { kind: 'user'; user: User } | { kind: 'skipped'; reason: string };

const SIMPLE = ['displayName', 'nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'] as const;
const ADDRESS_PARTS = ['streetAddress', 'locality', 'region', 'postalCode', 'country', 'formatted'] as const;

export function applyUserMapping(
  user: User,
  mapping: CompiledMapping,
  lookup: AttributeLookup,
  resolveManager: ManagerResolver,
): MappedUser {
  const targets = mapping.user;
  if (Object.keys(targets).length === 0) return { kind: 'user', user };
  const notes: MappingNote[] = [];
  const value = (target: UserTarget): string | undefined => {
    const expression = targets[target];
    return expression === undefined ? undefined : valueOf(expression, target, lookup, notes);
  };
  const mapped = (target: UserTarget): boolean => targets[target] !== undefined;
  const out: User = { ...user, name: { ...user.name }, enterprise: { ...user.enterprise } };
  if (mapped('userName')) {
    const userName = value('userName');
    if (userName === undefined) return { kind: 'skipped', reason: 'mapping.user.userName gave no value' };
    out.userName = userName;
  }
  for (const key of SIMPLE) if (mapped(key)) out[key] = value(key);
  for (const part of PERSON_NAME_PARTS) if (mapped(`name.${part}`)) out.name[part] = value(`name.${part}`);
  for (const key of ENTERPRISE_ATTRIBUTES)
    if (mapped(`enterprise.${key}`)) out.enterprise[key] = value(`enterprise.${key}`);
  if (mapped('profileUrl')) out.profileUrl = value('profileUrl') ?? null;
  if (mapped('email')) out.emails = single(value('email'));
  if (mapped('phoneNumber')) out.phoneNumbers = single(value('phoneNumber'));
  if (ADDRESS_PARTS.some((p) => mapped(`address.${p}`))) out.addresses = address(out.addresses, mapped, value);
  if (mapped('enterprise.manager')) out.manager = manager(value('enterprise.manager'), resolveManager);
  if (notes.length > 0) out.mappingNotes = notes;
  return { kind: 'user', user: out };
}

/** The group's displayName from the mapping, or the built-in one when the mapping has none. */
export function mapGroupName(
  builtIn: string | undefined,
  mapping: CompiledMapping,
  lookup: AttributeLookup,
): string | undefined {
  const expression = mapping.group.displayName;
  return expression === undefined ? builtIn : evaluate(expression, lookup).values[0];
}

function valueOf(
  expression: Expression,
  target: UserTarget,
  lookup: AttributeLookup,
  notes: MappingNote[],
): string | undefined {
  const result = evaluate(expression, lookup);
  for (const reason of result.problems) notes.push({ field: target, reason });
  return result.values[0];
}

/** The work value AWS keeps of emails and phoneNumbers (one, primary). */
function single(value: string | undefined): Array<{ value: string; type: string; primary: boolean }> {
  return value === undefined ? [] : [{ value, type: 'work', primary: true }];
}

/** Mapped parts replace those of the built-in work address; unmapped parts are kept. */
function address(
  current: readonly Address[],
  mapped: (target: UserTarget) => boolean,
  value: (target: UserTarget) => string | undefined,
): Address[] {
  const base = current.find((a) => a.primary) ?? current.find((a) => a.type === 'work') ?? current[0];
  const out: Address = { ...base, type: base?.type ?? 'work', primary: true };
  for (const part of ADDRESS_PARTS) if (mapped(`address.${part}`)) out[part] = value(`address.${part}`);
  return ADDRESS_PARTS.some((p) => out[p] !== undefined) ? [out] : [];
}

function manager(ref: string | undefined, resolve: ManagerResolver): User['manager'] {
  if (ref === undefined) return null;
  const externalId = resolve(ref);
  return externalId === undefined ? { ref } : { ref, externalId };
}
