import type { Manifest } from './helm.js';

/**
 * Validates rendered objects against the Kubernetes API's JSON schemas, offline: the npm package
 * `kubernetes-models` ships one compiled validator per kind, generated from the Kubernetes OpenAPI
 * document, and `@kubernetes-models/prometheus-operator` does the same for the operator's CRDs. They
 * check types, required fields, enums and formats. Like kubeconform without `-strict`, they accept
 * fields the schema does not name, so a misspelt optional field is caught by the chart's own tests,
 * not here.
 */

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Validatable;

const MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
  'monitoring.coreos.com/v1': () => import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
};

/** Every schema violation in the objects, as "Kind/name: message"; throws for a kind with no schema. */
export async function schemaViolations(manifests: Manifest[]): Promise<string[]> {
  const out: string[] = [];
  for (const m of manifests) {
    const load = MODULES[m.apiVersion];
    if (!load) throw new Error(`${m.kind}/${m.metadata.name}: no schema for apiVersion ${m.apiVersion}`);
    const Model = (await load())[m.kind] as ModelClass | undefined;
    if (!Model) throw new Error(`${m.kind}/${m.metadata.name}: no schema for ${m.apiVersion} ${m.kind}`);
    try {
      new Model(m).validate();
    } catch (err) {
      out.push(`${m.kind}/${m.metadata.name}: ${(err as Error).message}`);
    }
  }
  return out;
}
