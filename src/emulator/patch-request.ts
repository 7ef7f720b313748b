import { SCHEMA_PATCH_OP, type PatchOpName } from '../scim/wire.js';
import { DETAIL_PATHLESS_MULTI, ScimError, invalid } from './errors.js';
import { isPlainObject, requireObject } from './text.js';
import type { EmulatorOptions } from './types.js';

/** One PatchOp operation after the envelope checks of RFC 7644 §3.5.2 and DG/patchuser. */
export interface PatchStep {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

const OPS: ReadonlySet<string> = new Set<PatchOpName>(['add', 'remove', 'replace']);

/**
 * RFC 7644 §3.5.2: `schemas` names PatchOp and `Operations` is a non-empty array. `op` values are
 * case-insensitive there (Entra sends "Replace"). DG/patchuser: `path` is required for `remove`, `value`
 * for `add` and `replace`.
 */
export function readPatchRequest(body: unknown, options: Pick<EmulatorOptions, 'pathlessPatch'>): PatchStep[] {
  const doc = requireObject(body, 'PatchOp');
  const schemas = doc['schemas'];
  if (!Array.isArray(schemas) || !schemas.includes(SCHEMA_PATCH_OP))
    throw invalid('PatchOp: schemas must name PatchOp');
  const operations = doc['Operations'];
  if (!Array.isArray(operations) || operations.length === 0)
    throw invalid('PatchOp: Operations must be a non-empty array');
  const steps = operations.map(readStep);
  if (options.pathlessPatch === 'single-attribute') steps.forEach(checkSingleAttribute);
  return steps;
}

/**
 * AWS: "Current PATCH support allows omitting "path" attribute only for Add and Replace operations
 * modifying a single attribute" (https://github.com/goauthentik/authentik/issues/12321). An `id` in
 * the value object names the resource (the DG/patchgroup rename example) and modifies nothing.
 */
function checkSingleAttribute(step: PatchStep): void {
  if (step.path !== undefined || !isPlainObject(step.value)) return;
  const attributes = Object.keys(step.value).filter((key) => key !== 'id');
  if (attributes.length > 1)
    throw new ScimError(400, 'PatchOp: path-less operation modifies more than one attribute', DETAIL_PATHLESS_MULTI);
}

function readStep(raw: unknown): PatchStep {
  if (!isPlainObject(raw)) throw invalid('PatchOp: each operation must be an object');
  const op = typeof raw['op'] === 'string' ? raw['op'].toLowerCase() : '';
  if (!OPS.has(op)) throw invalid('PatchOp: op must be add, remove or replace');
  const step: PatchStep = { op: op as PatchOpName };
  if (raw['path'] !== undefined) {
    if (typeof raw['path'] !== 'string' || raw['path'].trim() === '') throw invalid('PatchOp: path must be a string');
    step.path = raw['path'].trim();
  }
  if (raw['value'] !== undefined) step.value = raw['value'];
  if (step.op === 'remove' && step.path === undefined) throw invalid('PatchOp: remove needs a path');
  if (step.op !== 'remove' && step.value === undefined) throw invalid(`PatchOp: ${step.op} needs a value`);
  return step;
}
