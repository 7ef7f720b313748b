import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerignoreExcludes, readDockerfile, readDockerignore, type Stage } from './dockerfile.js';
import { REPO_ROOT } from './helm.js';

/**
 * The Dockerfile's promises (multi-stage, pinned bases, production dependencies only, non-root), checked
 * without a container engine; image-runtime.test.ts runs what its final stage would contain.
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
