import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { CHART_DIR } from './helm.js';

/**
 * The values table of helm/icsync/README.md, generated from the `# --` comments of values.yaml the
 * way helm-docs reads them (https://github.com/norwoodj/helm-docs#valuesyaml-metadata): the comment
 * right above a key documents it, `# -- (type)` overrides the inferred type, and a documented map
 * is one row with its whole default. `npm run chart:values-table` rewrites the table; a chart test
 * fails when it differs from what values.yaml says.
 */

export interface ValueRow {
  key: string;
  type: string;
  default: unknown;
  description: string;
}

const START = '<!-- values-table:start -->';
const END = '<!-- values-table:end -->';

function lookup(tree: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (node, k) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined),
    tree,
  );
}

function inferType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'object') return 'object';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

/** Rows for every documented key, and the keys that a row should document but none does. */
export function readValues(text: string): { rows: ValueRow[]; undocumented: string[] } {
  const tree = parse(text) as unknown;
  const lines = text.split('\n');
  const rows: ValueRow[] = [];
  const undocumented: string[] = [];
  const stack: { indent: number; key: string; documented: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^( *)([A-Za-z0-9_-]+):/.exec(lines[i]!);
    if (!match) continue;
    const indent = match[1]!.length;
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const comment: string[] = [];
    let j = i - 1;
    while (j >= 0 && /^\s*#/.test(lines[j]!) && !/^\s*# --/.test(lines[j]!)) {
      comment.unshift(lines[j]!.replace(/^\s*#\s?/, ''));
      j--;
    }
    const documented = j >= 0 && /^\s*# --/.test(lines[j]!);
    const path = [...stack.map((s) => s.key), match[2]!];
    const inherited = stack.some((s) => s.documented);
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !/^\s*#/.test(l)) ?? '';
    const isLeafOrList = !/:\s*$/.test(lines[i]!) || /^\s*- /.test(next);
    if (documented && !inherited) {
      const raw = [lines[j]!.replace(/^\s*# --\s?/, ''), ...comment].join(' ').trim();
      const typed = /^\((\w+)\)\s*(.*)$/s.exec(raw);
      const value = lookup(tree, path);
      rows.push({
        key: path.join('.'),
        type: typed ? typed[1]! : inferType(value),
        default: value,
        description: typed ? typed[2]! : raw,
      });
    } else if (!documented && !inherited && isLeafOrList) undocumented.push(path.join('.'));
    stack.push({ indent, key: match[2]!, documented });
  }
  return { rows, undocumented };
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function valuesTable(rows: ValueRow[]): string {
  const lines = ['| Key | Type | Default | Description |', '|-----|------|---------|-------------|'];
  for (const r of rows)
    lines.push(`| ${r.key} | ${r.type} | \`${cell(JSON.stringify(r.default ?? null))}\` | ${cell(r.description)} |`);
  return lines.join('\n');
}

/** The README with its table section replaced by `table`. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

export const README_PATH = join(CHART_DIR, 'README.md');
export const VALUES_PATH = join(CHART_DIR, 'values.yaml');

export function expectedReadme(): string {
  return withTable(readFileSync(README_PATH, 'utf8'), valuesTable(readValues(readFileSync(VALUES_PATH, 'utf8')).rows));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(README_PATH, expectedReadme());
  console.log(`wrote the values table of ${README_PATH}`);
}
