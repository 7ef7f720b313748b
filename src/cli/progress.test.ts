import { describe, expect, it } from 'vitest';
import { duration, humanLogLine, LogFold, ProgressView } from './progress.js';

describe('ProgressView', () => {
  it('keeps a line per finished phase, reading AWS once for users, groups and memberships', () => {
    const view = new ProgressView();
    expect(view.status(0)).toBe('');
    expect(view.apply({ type: 'phase', phase: 'readSources', at: 0 })).toEqual([]);
    expect(view.status(1200)).toBe('reading sources … 1.2 s');
    expect(view.apply({ type: 'phase', phase: 'readTarget', at: 1500 })).toEqual(['reading sources done in 1.5 s']);
    expect(view.apply({ type: 'phase', phase: 'readMemberships', at: 2000 })).toEqual([]);
    expect(view.status(4000)).toBe('reading AWS … 2.5 s');
    expect(view.apply({ type: 'phase', phase: 'plan', at: 4500 })).toEqual(['reading AWS done in 3.0 s']);
    expect(view.apply({ type: 'phase', phase: 'apply', at: 4600 })).toEqual(['planning done in 0.1 s']);
    expect(view.status(4700)).toBe('applying … 0.1 s');
  });

  it('shows done/total, rate, ETA and throttled time while applying, and the total when it ends', () => {
    const view = new ProgressView();
    view.apply({ type: 'phase', phase: 'apply', at: 0 });
    for (let s = 1; s <= 5; s += 1)
      view.apply({ type: 'applied', done: s * 20, total: 3000, throttledMs: 0, at: s * 1000 });
    expect(view.status(5000)).toBe('applying 100/3000 (3%) · 20.0 ops/s · ETA 2m25s · elapsed 5.0 s');
    view.apply({ type: 'applied', done: 110, total: 3000, throttledMs: 4000, at: 10_000 });
    expect(view.status(10_000)).toBe(
      'applying 110/3000 (3%) · 11.0 ops/s · ETA 4m23s · throttled 4.0 s · elapsed 10.0 s',
    );
    view.apply({ type: 'applied', done: 3000, total: 3000, throttledMs: 4000, at: 150_000 });
    expect(view.apply({ type: 'end', at: 150_000 })).toEqual(['applying 3000/3000 done in 2m30s, throttled 4.0 s']);
    expect(view.status(150_500)).toBe('');
  });

  it('measures the rate over the last ten seconds, so a stall shows in the ETA at once', () => {
    const view = new ProgressView();
    view.apply({ type: 'phase', phase: 'apply', at: 0 });
    for (let s = 1; s <= 30; s += 1)
      view.apply({ type: 'applied', done: s * 20, total: 1000, throttledMs: 0, at: s * 1000 });
    expect(view.status(30_000)).toContain('20.0 ops/s · ETA 20.0 s');
    expect(view.status(35_000)).toContain('10.0 ops/s · ETA 40.0 s');
    expect(view.status(45_000)).toContain('0.0 ops/s · ETA unknown (stalled)');
  });
});

describe('duration', () => {
  it('reads as seconds, then minutes, then hours', () => {
    expect([duration(900), duration(75_000), duration(7_260_000)]).toEqual(['0.9 s', '1m15s', '2h01m']);
  });
});

describe('humanLogLine', () => {
  it('shows a pino line as level, message and its own fields, and anything else as it came', () => {
    const line = JSON.stringify({
      level: 40,
      time: '2026-01-01T00:00:00.000Z',
      app: 'icsync',
      component: 'scim',
      status: 429,
      err: { message: 'slow down' },
      msg: 'SCIM request failed',
    });
    expect(humanLogLine(`${line}\n`)).toBe(
      'warn  SCIM request failed (component=scim, status=429, err={"message":"slow down"})',
    );
    expect(humanLogLine('not json\n')).toBe('not json');
  });
});

describe('LogFold', () => {
  it('folds lines that differ only in the request id into the first one and a count', () => {
    const fold = new LogFold();
    const throttled = (id: string) =>
      JSON.stringify({ level: 40, status: 429, requestId: id, msg: 'SCIM request failed' });
    expect(fold.add(throttled('r1'))).toEqual(['warn  SCIM request failed (status=429, requestId=r1)']);
    expect(fold.add(throttled('r2'))).toEqual([]);
    expect(fold.add(throttled('r3'))).toEqual([]);
    expect(fold.add(JSON.stringify({ level: 50, msg: 'other' }))).toEqual([
      '      (and 2 more like it)',
      'error other',
    ]);
    expect(fold.flush()).toEqual([]);
  });
});
