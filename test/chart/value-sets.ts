import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, renderChart, type Manifest, type Values } from './helm.js';

/** The least a release must set; everything else stays at its default. */
export const SOURCES = [{ type: 'file', id: 'hr-export', path: '/etc/icsync-directory/directory.json' }];
export const MINIMAL: Record<string, unknown> = {
  config: {
    sources: SOURCES,
    target: { baseUrl: 'https://scim.us-east-1.amazonaws.com/11111111111-2222-3333-4444-555555555555/scim/v2' },
  },
  secrets: { values: { 'scim-token': 'minimal-scim-token-canary' } },
};

export interface ValueSet {
  name: string;
  values: Values[];
  /** Secret values of the set, which must appear nowhere but in the Secret. */
  secrets: string[];
  secretName: string;
}

function secretValuesOf(file: string): string[] {
  const values = parse(readFileSync(join(CHART_DIR, file), 'utf8')) as {
    secrets?: { values?: Record<string, string> };
  };
  return Object.values(values.secrets?.values ?? {});
}

/** Every values file under ci/, the sets `ct lint` and `ct install` would use. */
export const CI_FILES = readdirSync(join(CHART_DIR, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .sort();

export const VALUE_SETS: ValueSet[] = [
  {
    name: 'defaults + required values',
    values: [MINIMAL],
    secrets: ['minimal-scim-token-canary'],
    secretName: 'icsync',
  },
  ...CI_FILES.map((file) => {
    const name = `ci/${file}`;
    const existing = (parse(readFileSync(join(CHART_DIR, name), 'utf8')) as { secrets?: { existingSecret?: string } })
      .secrets?.existingSecret;
    return { name, values: [name], secrets: secretValuesOf(name), secretName: existing || 'icsync' };
  }),
];

/** The value sets by file name, e.g. set('webhook') is ci/webhook-values.yaml. */
export function set(mode: string): ValueSet {
  const found = VALUE_SETS.find((s) => s.name === `ci/${mode}-values.yaml`);
  if (!found) throw new Error(`no ci/${mode}-values.yaml`);
  return found;
}

const renders = new Map<string, Manifest[]>();
export function manifestsOf(set: ValueSet): Manifest[] {
  let m = renders.get(set.name);
  if (!m) {
    m = renderChart({ values: set.values }).manifests;
    renders.set(set.name, m);
  }
  return m;
}
