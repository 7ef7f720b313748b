import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerignoreExcludes, readDockerfile, readDockerignore, type Stage } from './dockerfile.js';
import { REPO_ROOT } from './helm.js';

/**
 * The Dockerfile's promises (a minimal, pinned, non-root image), checked without a container
 * engine; image-runtime.test.ts runs what its final stage would contain.
 */

const stages = readDockerfile();
const finalStage = stages[stages.length - 1]!;
const stageNames = new Set(stages.flatMap((s) => (s.name ? [s.name] : [])));
const run = (s: Stage): string[] => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const copies = (s: Stage): { from?: string; sources: string[]; dest: string }[] =>
  s.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths[paths.length - 1]! };
    });

describe('Dockerfile', () => {
  it('is multi-stage, and every base image is pinned by digest', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      if (stageNames.has(s.from)) continue;
      expect(s.from, `FROM ${s.from}`).toMatch(/^[a-z0-9./_-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$/);
    }
  });

  it('builds with npm ci and npm run build, and installs production dependencies with npm ci --omit=dev --ignore-scripts', () => {
    const build = stages.find((s) => run(s).some((r) => r.includes('npm run build')));
    expect(build, 'a stage runs npm run build').toBeDefined();
    expect(run(build!).some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    const prod = stages.find((s) => run(s).some((r) => /\bnpm ci\b/.test(r) && r.includes('--omit=dev')));
    expect(prod, 'a stage runs npm ci --omit=dev').toBeDefined();
    expect(run(prod!).find((r) => r.includes('--omit=dev'))).toContain('--ignore-scripts');
  });

  it('the final stage is a distroless runtime with only dist/, package.json and the production node_modules', () => {
    expect(finalStage.from).toMatch(/^gcr\.io\/distroless\/nodejs\d+-debian\d+(:nonroot)?@sha256:/);
    expect(run(finalStage), 'distroless has no shell to RUN anything').toEqual([]);
    const prod = stages.find((s) => run(s).some((r) => r.includes('--omit=dev')))!;
    const build = stages.find((s) => run(s).some((r) => r.includes('npm run build')))!;
    const copied = copies(finalStage)
      .map((c) => `${c.from ?? 'context'}:${c.sources.join(',')}`)
      .sort();
    expect(copied).toEqual(
      [`${build.name}:/app/dist`, `${prod.name}:/app/node_modules`, 'context:package.json'].sort(),
    );
  });

  it('runs as a numeric non-root user, and its entrypoint is the package binary', () => {
    const users = finalStage.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.split(':').map(Number);
    expect(Number.isInteger(uid) && uid! > 0, `USER ${users[0]}`).toBe(true);
    expect(gid === undefined || (Number.isInteger(gid) && gid > 0)).toBe(true);
    const entrypoint = finalStage.instructions.find((i) => i.keyword === 'ENTRYPOINT')!;
    const argv = JSON.parse(entrypoint.args) as string[];
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(argv).toEqual(['/nodejs/bin/node', pkg.bin.icsync]);
  });

  it('copies no secret: no ADD, no whole-context COPY, no secret-looking ARG or ENV', () => {
    for (const s of stages) {
      expect(s.instructions.filter((i) => i.keyword === 'ADD')).toEqual([]);
      for (const c of copies(s)) expect(c.sources).not.toContain('.');
      for (const i of s.instructions.filter((x) => x.keyword === 'ARG' || x.keyword === 'ENV')) {
        expect(i.args).not.toMatch(/TOKEN|SECRET|PASSWORD|CREDENTIAL|_KEY\b/i);
      }
    }
  });
});

describe('Dockerfile: Node.js 22 everywhere', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
    engines: { node: string };
    devDependencies: Record<string, string>;
  };
  const buildNode = /^node:(\d+)\.(\d+)\.(\d+)-bookworm-slim@/.exec(stages[0]!.from);

  // Node 20 reached end of life on 2026-04-30: https://github.com/nodejs/release#release-schedule
  it('the build stages name an exact Node 22 release, and the runtime is distroless nodejs22', () => {
    expect(buildNode, stages[0]!.from).not.toBeNull();
    expect(buildNode![1]).toBe('22');
    for (const s of stages.slice(0, -1)) expect(s.from).toBe(stages[0]!.from);
    expect(finalStage.from).toMatch(/^gcr\.io\/distroless\/nodejs22-debian12:nonroot@sha256:/);
  });

  it('CI installs the same release, and engines and @types/node follow its major', () => {
    const ci = readFileSync(join(REPO_ROOT, '.ci/node.sh'), 'utf8');
    expect(/^IMAGE_NODE_VERSION=(\S+)$/m.exec(ci)?.[1]).toBe(buildNode!.slice(1, 4).join('.'));
    expect(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^use_image_node$/m);
    expect(pkg.engines.node).toBe('>=22');
    expect(pkg.devDependencies['@types/node']).toMatch(/^22\./);
  });

  it('Renovate proposes digest bumps for the base images and moves the CI release with them', () => {
    const renovate = JSON.parse(readFileSync(join(REPO_ROOT, 'renovate.json'), 'utf8')) as {
      extends: string[];
      customManagers: { fileMatch: string[] }[];
    };
    expect(renovate.extends).toContain('docker:pinDigests');
    expect(renovate.customManagers.flatMap((m) => m.fileMatch).some((f) => new RegExp(f).test('.ci/node.sh'))).toBe(
      true,
    );
  });
});

describe('Dockerfile: what the runtime image holds', () => {
  const label = (name: string): string | undefined => {
    const labels = finalStage.instructions
      .filter((i) => i.keyword === 'LABEL')
      .map((i) => i.args)
      .join(' ');
    return new RegExp(`${name.replace(/\./g, '\\.')}="([^"]*)"`).exec(labels)?.[1];
  };
  const arg = (name: string): string | undefined =>
    finalStage.instructions
      .find((i) => i.keyword === 'ARG' && i.args.startsWith(`${name}=`))
      ?.args.slice(name.length + 1);

  // https://github.com/opencontainers/image-spec/blob/main/annotations.md
  it("carries the OCI source, version and revision labels; the version default is package.json's", () => {
    expect(label('org.opencontainers.image.source')).toBe('${SOURCE}');
    expect(label('org.opencontainers.image.revision')).toBe('${REVISION}');
    expect(label('org.opencontainers.image.version')).toBe('${VERSION}');
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(arg('VERSION')).toBe(pkg.version);
  });

  it('leaves the emulator, the demo and @types/* out', () => {
    const build = stages.find((s) => run(s).some((r) => r.includes('npm run build')))!;
    expect(run(build).join('\n')).toMatch(/rm -rf dist\/emulator dist\/cli\/emulator-command\.js dist\/cli\/demo\.js/);
    const prod = stages.find((s) => run(s).some((r) => r.includes('--omit=dev')))!;
    expect(run(prod).join('\n')).toContain('-name @types -prune -exec rm -rf');
  });
});

describe('.dockerignore', () => {
  const patterns = readDockerignore();

  it('keeps local secrets, state, dependencies, build output and tests out of the build context', () => {
    for (const path of [
      '.env',
      '.git/config',
      'test/.tls/cert.pem',
      'test/.tls/key.pem',
      'config/icsync.yaml',
      '.icsync-state/state.json',
      'node_modules/yaml/package.json',
      'dist/cli/main.js',
      'helm/icsync/values.yaml',
      'src/cli/index.test.ts',
      'src/emulator/test-support.ts',
    ]) {
      expect(dockerignoreExcludes(patterns, path), path).toBe(true);
    }
  });

  it('lets in everything the Dockerfile copies from the context', () => {
    const fromContext = stages.flatMap((s) =>
      copies(s)
        .filter((c) => !c.from)
        .flatMap((c) => c.sources),
    );
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of [...fromContext.filter((p) => p !== 'src'), 'src/cli/main.ts', 'src/config/schema.ts']) {
      expect(dockerignoreExcludes(patterns, source), source).toBe(false);
    }
  });

  it('the matcher follows Docker: the last matching pattern wins, `!` re-includes, a parent match covers its files', () => {
    expect(dockerignoreExcludes(['*', '!src'], 'src/a/b.ts')).toBe(false);
    expect(dockerignoreExcludes(['*', '!src', 'src/**/*.test.ts'], 'src/a/b.test.ts')).toBe(true);
    expect(dockerignoreExcludes(['*'], 'README.md')).toBe(true);
    expect(dockerignoreExcludes(['docs'], 'docs/operations.md')).toBe(true);
    expect(dockerignoreExcludes(['*.md'], 'docs/operations.md')).toBe(false);
  });
});
