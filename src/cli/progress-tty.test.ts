import { describe, expect, it } from 'vitest';
import type { Plan } from '../diff/index.js';
import { ttyProgress } from './progress-tty.js';

/** What a terminal shows once `\r` and erase-line are applied: the finished lines and the line being redrawn. */
function screen(written: string): string[] {
  return written.split('\n').map((line) => line.split('\r').at(-1)!.replaceAll('\x1b[2K', ''));
}

const plan = {
  hash: '0123456789abcdef',
  operations: [{}, {}],
  counts: { createUser: 2 },
  membershipChanges: { add: 0, remove: 0 },
  brake: { destructive: 0, threshold: 10, managedObjects: 0, blocked: false },
} as unknown as Plan;

describe('ttyProgress', () => {
  it('prints finished phases and the plan summary as lines, redraws the current phase, and logs above it', () => {
    let written = '';
    let now = 0;
    const stream = { columns: 100, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    const progress = ttyProgress(
      stream,
      () => 2500,
      () => now,
    );
    progress.onPhase('readSources');
    now = 400;
    progress.onPhase('readTarget');
    progress.log.write('{"level":40,"time":"2026-01-01T00:00:00Z","app":"icsync","status":429,"msg":"a warning"}\n');
    now = 900;
    progress.onPhase('plan');
    now = 1000;
    progress.onPlanned(plan);
    progress.onPhase('apply');
    now = 2000;
    progress.onApplied(1, 2);
    now = 3000;
    progress.onApplied(2, 2);
    progress.stop();
    expect(screen(written)).toEqual([
      'reading sources done in 0.4 s',
      'warn  a warning (status=429)',
      'reading AWS done in 0.5 s',
      'planning done in 0.1 s',
      'Plan 0123456789abcdef: 2 operation(s)',
      '  createUser      2',
      '  membership changes: +0 / -0',
      'Deletion brake: 0 destructive change(s), threshold 10 (of 0 managed objects) → ok',
      'applying 2/2 done in 2.0 s, throttled 2.5 s',
      '',
    ]);
  });
});
