import { describe, expect, it } from 'vitest';
import { verificationDue } from './verify-schedule.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const t0 = Date.parse('2026-03-02T00:00:00Z');
const groups = Array.from({ length: 2_400 }, (_, i) => `group-${i}`);

describe('verificationDue', () => {
  it('spreads groups verified together over the interval: hourly runs each read about 1/24 of them', () => {
    const verifiedAt = new Map(groups.map((g) => [g, new Date(t0).toISOString()]));
    const perRun: number[] = [];
    for (let h = 1; h <= 48; h += 1) {
      const now = t0 + h * HOUR_MS;
      const due = groups.filter((g) => verificationDue(g, verifiedAt.get(g)!, now, DAY_MS));
      for (const g of due) verifiedAt.set(g, new Date(now).toISOString());
      perRun.push(due.length);
    }
    expect(perRun.slice(0, 24).reduce((a, b) => a + b, 0)).toBe(groups.length);
    expect(Math.max(...perRun)).toBeLessThanOrEqual(groups.length / 12);
    expect(perRun.slice(24)).toEqual(perRun.slice(0, 24));
  });

  it('is never later than one interval after the last verification, and is due at once for a suspect time', () => {
    for (const g of groups.slice(0, 100)) {
      expect(verificationDue(g, new Date(t0).toISOString(), t0 + DAY_MS, DAY_MS)).toBe(true);
      expect(verificationDue(g, new Date(t0).toISOString(), t0, DAY_MS)).toBe(false);
    }
    expect(verificationDue('g', new Date(t0 + HOUR_MS).toISOString(), t0, DAY_MS)).toBe(true);
    expect(verificationDue('g', 'not a date', t0, DAY_MS)).toBe(true);
    expect(verificationDue('g', new Date(t0).toISOString(), t0 + 1, 0)).toBe(true);
  });
});
