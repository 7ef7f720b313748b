import { SCHEMA_PATCH_OP, type PatchOpName } from '../scim/wire.js';
import { invalid } from './errors.js';
import { isPlainObject, requireObject } from './text.js';

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
export function readPatchRequest(body: unknown): PatchStep[] {
  const doc = requireObject(body, 'PatchOp');
  const schemas = doc['schemas'];
  if (!Array.isArray(schemas) || !schemas.includes(SCHEMA_PATCH_OP)) throw invalid('PatchOp: schemas must name PatchOp');
  const operations = doc['Operations'];
  if (!Array.isArray(operations) || operations.length === 0) throw invalid('PatchOp: Operations must be a non-empty array');
  return operations.map(readStep);
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
