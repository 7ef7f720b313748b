import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART_DIR, renderError, runHelm, type Values } from './helm.js';
import { MINIMAL } from './value-sets.js';
import { expectedReadme, readValues, README_PATH, VALUES_PATH } from './values-doc.js';

/**
 * values.schema.json (https://helm.sh/docs/topics/charts/#schema-files): Helm validates the merged
 * values against it on install, upgrade, template and lint, before any template runs.
 */

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
}

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as JsonSchema;
const valuesText = readFileSync(VALUES_PATH, 'utf8');

/** Every key path of values.yaml, down to leaves, lists and empty maps. */
function keyPaths(node: unknown, prefix: string[] = []): string[][] {
  if (node === null || typeof node !== 'object' || Array.isArray(node) || Object.keys(node).length === 0)
    return [prefix];
  return Object.entries(node).flatMap(([k, v]) => keyPaths(v, [...prefix, k]));
}

/** The schema node for a path, or undefined when the schema does not name it. Free-form maps end the walk. */
function schemaAt(path: string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    if (node?.properties?.[key]) node = node.properties[key];
    else if (node?.type === 'object' && node.properties === undefined) return node;
    else return undefined;
  }
  return node;
}

describe('values.schema.json', () => {
  it('names every value of values.yaml, and refuses unknown top-level keys', () => {
    const missing = keyPaths(parse(valuesText))
      .filter((p) => schemaAt(p) === undefined)
      .map((p) => p.join('.'));
    expect(missing).toEqual([]);
    expect(schema.additionalProperties).toBe(false);
  });

  const refused: [string, Values[], string[]][] = [
    [
      'a misspelt value',
      [MINIMAL, { networkPolicy: { enbled: true } }],
      ['networkPolicy: Additional property enbled is not allowed'],
    ],
    [
      'backoffLimit 2',
      [MINIMAL, { cronjob: { backoffLimit: 2 } }],
      ['cronjob.backoffLimit: Must be less than or equal to 1'],
    ],
    [
      'startingDeadlineSeconds 30',
      [MINIMAL, { cronjob: { startingDeadlineSeconds: 30 } }],
      ['cronjob.startingDeadlineSeconds: Must be greater than or equal to 60'],
    ],
    [
      'a digest that is not sha256',
      [MINIMAL, { image: { digest: 'sha1:abc' } }],
      ['image.digest: Does not match pattern'],
    ],
    [
      'an unknown log level',
      [MINIMAL, { config: { log: { level: 'verbose' } } }],
      ['config.log.level: config.log.level must be one of the following'],
    ],
    [
      'a string where a number belongs',
      [MINIMAL, { metrics: { port: '9464' } }],
      ['metrics.port: Invalid type. Expected: integer, given: string'],
    ],
    [
      'webhook mode without Redis state or a serve section',
      [MINIMAL, { webhook: { enabled: true } }],
      ['config.state.kind: config.state.kind does not match: "redis"', 'config.serve: Must have at least 1 properties'],
    ],
    [
      'a webhook whose serve section was removed',
      ['ci/webhook-values.yaml', { config: { serve: null } }],
      ['config: serve is required'],
    ],
    [
      'queue mode without workers',
      ['ci/queue-values.yaml', { worker: { enabled: false } }],
      ['worker.enabled: worker.enabled does not match: true'],
    ],
    [
      'workers without queue mode and Redis',
      [MINIMAL, { worker: { enabled: true } }],
      ['config.queue.enabled: config.queue.enabled does not match: true', 'config.redis: url is required'],
    ],
    [
      'file state without a volume',
      [MINIMAL, { persistence: { enabled: false } }],
      ['persistence.enabled: persistence.enabled does not match: true'],
    ],
    [
      'alert rules without a Pushgateway',
      [MINIMAL, { metrics: { prometheusRule: { enabled: true } } }],
      ['metrics.pushgateway.url: String length must be greater than or equal to 1'],
    ],
    [
      'a Pushgateway URL with credentials',
      [MINIMAL, { metrics: { pushgateway: { url: 'http://user:pw@pg:9091' } } }],
      ['metrics.pushgateway.url: Does not match pattern'],
    ],
  ];
  it.each(refused)('refuses %s, naming the value', (_name, values, messages) => {
    const stderr = renderError({ values });
    expect(stderr).toContain("values don't meet the specifications of the schema(s)");
    for (const m of messages) expect(stderr).toContain(m);
  });

  it('`helm lint` applies the schema', () => {
    const { status, stdout } = runHelm([
      'lint',
      '--strict',
      CHART_DIR,
      '-f',
      join(CHART_DIR, 'ci/cron-values.yaml'),
      '--set',
      'cronjob.backoffLimit=2',
    ]);
    expect(status).not.toBe(0);
    expect(stdout).toContain('cronjob.backoffLimit: Must be less than or equal to 1');
  });
});

describe('values documentation', () => {
  it('every value in values.yaml is documented with a helm-docs `# --` comment', () => {
    expect(readValues(valuesText).undocumented).toEqual([]);
  });

  it('the values table in helm/icsync/README.md is the one values.yaml generates (`npm run chart:values-table`)', () => {
    expect(readFileSync(README_PATH, 'utf8')).toBe(expectedReadme());
  });

  it('the table has a row per documented value, with its type and default', () => {
    const rows = readValues(valuesText).rows;
    expect(rows.find((r) => r.key === 'cronjob.failFastExitCodes')).toMatchObject({
      type: 'list',
      default: [3, 5, 6, 64],
    });
    expect(rows.find((r) => r.key === 'podSecurityContext')).toMatchObject({ type: 'object' });
    expect(rows.find((r) => r.key === 'podSecurityContext.runAsUser')).toBeUndefined();
    expect(rows.find((r) => r.key === 'metrics.port')).toMatchObject({ type: 'int', default: 9464 });
  });

  it('a table that drifted from values.yaml is detected', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(readme.replace('| metrics.port | int | `9464` |', '| metrics.port | int | `9100` |')).not.toBe(
      expectedReadme(),
    );
  });
});
