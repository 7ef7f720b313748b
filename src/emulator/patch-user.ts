import { SCHEMA_ENTERPRISE_USER, type PatchOpName } from '../scim/wire.js';
import { duplicate, invalid } from './errors.js';
import type { FilterTerm } from './filter.js';
import { parseUserPath, type MultiAttribute, type UserPath } from './patch-path.js';
import { readPatchRequest, type PatchStep } from './patch-request.js';
import { userDocument } from './render.js';
import type { DirectoryStore, StoredUser } from './store.js';
import { isPlainObject, requireObject, type TextRules } from './text.js';
import type { EmulatorOptions } from './types.js';
import { validateUser } from './validate-user.js';

/**
 * PatchUser (DG/patchuser): the operations are applied to a copy of the user, and the result is validated
 * exactly like a create, uniqueness included. A refusal (400/409) therefore leaves the stored user untouched.
 */

type Doc = Record<string, unknown>;

/** DG/patchuser: no `remove` on these, and at most one operation on each per request. */
const GUARDED = new Set(['userName', 'active']);

export function patchUser(
  store: DirectoryStore,
  stored: StoredUser,
  body: unknown,
  rules: TextRules & Pick<EmulatorOptions, 'pathlessPatch'>,
): StoredUser {
  const doc = userDocument(stored);
  applyUserPatch(doc, readPatchRequest(body, rules));
  const user = validateUser(doc, rules, stored.data.userName);
  const conflict = store.userConflict(user, stored.id);
  if (conflict) throw duplicate(`${conflict}: taken by another user`);
  return store.replaceUser(stored.id, user);
}

export function applyUserPatch(doc: Doc, steps: PatchStep[]): void {
  const guardedOps = new Map<string, number>();
  const apply = (op: PatchOpName, path: string, value: unknown): void => {
    const target = parseUserPath(path);
    if (target.kind === 'simple' && GUARDED.has(target.attribute)) {
      const count = (guardedOps.get(target.attribute) ?? 0) + 1;
      if (count > 1) throw invalid(`PatchUser: more than one operation on ${target.attribute}`);
      guardedOps.set(target.attribute, count);
    }
    applyTarget(doc, op, target, value);
  };
  for (const step of steps) {
    if (step.path !== undefined) {
      apply(step.op, step.path, step.value);
      continue;
    }
    // A path-less add/replace carries an object whose keys are attribute paths (RFC 7644 §3.5.2.1/.3);
    // AWS does not document this form for users, Entra uses it.
    const value = requireObject(step.value, 'PatchOp value');
    for (const [key, item] of Object.entries(value)) apply(step.op, key, item);
  }
}

function applyTarget(doc: Doc, op: PatchOpName, target: UserPath, value: unknown): void {
  switch (target.kind) {
    case 'simple':
      applySimple(doc, op, target.attribute, value);
      return;
    case 'name':
      doc['name'] = applyComplex(objectAt(doc, 'name'), op, target.sub, value);
      return;
    case 'multi':
      applyMulti(doc, op, target.attribute, target.filter, target.sub, value);
      return;
    case 'enterprise':
      doc[SCHEMA_ENTERPRISE_USER] = applyEnterprise(objectAt(doc, SCHEMA_ENTERPRISE_USER), op, target.sub, value);
      return;
  }
}

function applySimple(doc: Doc, op: PatchOpName, attribute: string, value: unknown): void {
  if (op === 'remove') {
    if (GUARDED.has(attribute)) throw invalid(`PatchUser: remove is not supported on ${attribute}`);
    delete doc[attribute];
    return;
  }
  doc[attribute] = attribute === 'active' ? readActive(value) : value;
}

/** The DG example sends `"value": "false"`; Entra sends "True"/"False". */
function readActive(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalid('active: must be a boolean');
}

function objectAt(doc: Doc, key: string): Doc {
  const current = doc[key];
  return isPlainObject(current) ? current : {};
}

/** RFC 7644 §3.5.2.3: replacing a complex attribute replaces the given sub-attributes and keeps the rest. */
function applyComplex(current: Doc, op: PatchOpName, sub: string | undefined, value: unknown): Doc | undefined {
  if (sub === undefined) {
    if (op === 'remove') return undefined;
    return { ...current, ...requireObject(value, 'PatchOp value') };
  }
  const next = { ...current };
  if (op === 'remove') delete next[sub];
  else next[sub] = value;
  return next;
}

/** Entra sends the manager as a bare id string; the stored form is `{ value }` (DG/createuser). */
function applyEnterprise(current: Doc, op: PatchOpName, sub: string | undefined, value: unknown): Doc | undefined {
  if (sub === 'manager' && typeof value === 'string') return applyComplex(current, op, sub, { value });
  if (sub === 'manager.value') {
    const manager = isPlainObject(current['manager']) ? current['manager'] : {};
    return { ...current, manager: applyComplex(manager, op, 'value', value) };
  }
  return applyComplex(current, op, sub, value);
}

function asItems(value: unknown, attribute: string): Doc[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => requireObject(item, attribute));
}

function applyMulti(
  doc: Doc,
  op: PatchOpName,
  attribute: MultiAttribute,
  filter: FilterTerm | undefined,
  sub: string | undefined,
  value: unknown,
): void {
  const list = Array.isArray(doc[attribute]) ? (doc[attribute] as Doc[]) : [];
  let next: Doc[];
  if (filter === undefined && sub === undefined) next = wholeList(list, op, value, attribute);
  else next = selectedItems(list, op, attribute, filter, sub, value);
  if (next.length === 0) delete doc[attribute];
  else doc[attribute] = next;
}

/** `replace` sets the list; `add` appends (RFC 7644 §3.5.2.1), merging an item whose `value` is already there. */
function wholeList(list: Doc[], op: PatchOpName, value: unknown, attribute: string): Doc[] {
  if (op === 'remove') return [];
  if (op === 'replace') return asItems(value, attribute);
  const next = list.map((item) => ({ ...item }));
  for (const item of asItems(value, attribute)) {
    const same = next.find((existing) => item['value'] !== undefined && existing['value'] === item['value']);
    if (same) Object.assign(same, item);
    else next.push(item);
  }
  return next;
}

/**
 * `emails[type eq "work"].value` and `emails.value`: the sub-attribute of the selected items. When nothing is
 * selected, add/replace creates the item; an email created this way is primary, because it is the only one.
 */
function selectedItems(
  list: Doc[],
  op: PatchOpName,
  attribute: MultiAttribute,
  filter: FilterTerm | undefined,
  sub: string | undefined,
  value: unknown,
): Doc[] {
  const selected = (item: Doc): boolean => filter === undefined || String(item[filter.attribute]) === filter.value;
  if (op === 'remove' && sub === undefined) return list.filter((item) => !selected(item));
  const patchItem = (item: Doc): Doc => applyComplex(item, op, sub, value) ?? {};
  const next = list.map((item) => (selected(item) ? patchItem(item) : item));
  if (op === 'remove' || list.some(selected)) return next;
  const created: Doc = filter === undefined ? {} : { [filter.attribute]: filter.value };
  if (attribute === 'emails') created['primary'] = true;
  return [...next, patchItem(created)];
}
