import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './helm.js';

/**
 * A small reader of the repository's Dockerfile and .dockerignore, for tests that run without a
 * container engine. It understands what our Dockerfile uses: line continuations, comments, global
 * ARGs with defaults expanded in FROM, named stages.
 */

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  /** Image reference after ARG expansion. */
  from: string;
  name?: string;
  instructions: Instruction[];
}

export function readDockerfile(path = join(REPO_ROOT, 'Dockerfile')): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    // Comment lines are dropped, also inside a continued instruction, as Docker does.
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    if (full !== '') logical.push(full);
  }
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = args.split(/=(.*)/s);
      globalArgs.set(name.trim(), value.trim());
      continue;
    }
    if (upper === 'FROM') {
      const expanded = args.replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_m, a: string | undefined, b: string | undefined) => globalArgs.get((a ?? b)!) ?? '',
      );
      const [, from = '', name] = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(expanded) ?? [];
      stages.push({ from, ...(name ? { name } : {}), instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error(`Dockerfile: ${keyword} before the first FROM`);
    stage.instructions.push({ keyword: upper, args });
  }
  return stages;
}

/**
 * Whether .dockerignore keeps a context path out of the build, with the semantics of Docker's
 * pattern matcher (github.com/moby/patternmatcher): patterns are read in order, the last one
 * that matches the path or one of its parent directories decides, and `!` re-includes.
 * Supports `*`, `?` and `**`, which is all ours uses.
 */
export function dockerignoreExcludes(patterns: string[], path: string): boolean {
  let excluded = false;
  const parts = path.split('/');
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+/, '').replace(/\/+$/, '');
    const re = patternRegExp(pattern);
    const matches = parts.some((_p, i) => re.test(parts.slice(0, i + 1).join('/')));
    if (matches) excluded = !negated;
  }
  return excluded;
}

function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function readDockerignore(path = join(REPO_ROOT, '.dockerignore')): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
