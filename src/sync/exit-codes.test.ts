import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_SUMMARY, exitCodeFor, type RunStatus } from './exit-codes.js';

const doc = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The rows of a document's "Exit codes" table: code → meaning. */
function documentedExitCodes(path: string): Map<number, string> {
  const section = doc(path).split('## Exit codes')[1]?.split('\n## ')[0]?.split('\n### ')[0] ?? '';
  const rows = new Map<number, string>();
  for (const line of section.split('\n')) {
    const cells = /^\|\s*(\d+)\s*\|([^|]*)\|/.exec(line);
    if (cells) rows.set(Number(cells[1]), cells[2]!.trim());
  }
  return rows;
}

describe('exit codes', () => {
  it.each(['README.md', 'docs/operations.md'])(
    'the table in %s lists every exit code of the code, and no other',
    (path) => {
      const documented = [...documentedExitCodes(path).keys()].sort((a, b) => a - b);
      const defined = [...new Set(Object.values(EXIT))].sort((a, b) => a - b);
      expect(documented).toEqual(defined);
    },
  );

  it('every README row says something, and --help names every code', () => {
    for (const [code, meaning] of documentedExitCodes('README.md')) {
      expect(meaning, `README row ${code}`).not.toBe('');
      expect(EXIT_SUMMARY).toMatch(new RegExp(`(^|\\D)${code} `));
    }
  });

  it('each run status has its own code', () => {
    const statuses: RunStatus[] = ['success', 'blocked', 'interrupted', 'no-worker', 'target-unavailable'];
    const codes = statuses.map(exitCodeFor);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Object.values(EXIT).filter((c) => c === EXIT.usage)).toHaveLength(1);
  });
});
