import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `icsync/<version>`. Always sent: PingFederate reports that IAM Identity Center blocks PATCH
 * requests that carry no User-Agent (changelog of its AWS IAM Identity Center provisioner, 1.1.0.3,
 * docs.pingidentity.com/integrations/amazon/aws_iam_identity_center_provisioner/).
 *
 * The version is read from the nearest `package.json` named `icsync`, found by walking up from this
 * module, so it is right both under `src/` (tsx, vitest) and under `dist/src/` (the built CLI).
 */
export function defaultUserAgent(): string {
  cached ??= `icsync/${findVersion(dirname(fileURLToPath(import.meta.url))) ?? 'unknown'}`;
  return cached;
}

let cached: string | undefined;

function findVersion(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const version = readVersion(join(dir, 'package.json'));
    if (version !== undefined) return version;
    if (dirname(dir) === dir) return undefined;
  }
}

function readVersion(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === 'icsync' && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}
