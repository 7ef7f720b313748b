import type { FaultRule } from './types.js';

/**
 * Injected faults: a 5xx/401/403/429 answer, a response lost after the write committed, a write
 * committed and then answered with an error status (400 by default), and a connection reset before
 * anything happened.
 * Rules are checked in the order they were injected; each applies to `times` matching requests.
 */
export class FaultPlan {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  inject(rule: FaultRule): void {
    if (!Number.isInteger(rule.times) || rule.times < 1) throw new Error('emulator: a fault rule needs times >= 1');
    if (rule.kind === 'status' && (rule.status === undefined || rule.status < 400 || rule.status > 599)) {
      throw new Error('emulator: a status fault needs a 4xx or 5xx status');
    }
    const stored = rule.kind === 'commit-then-status' ? { status: 400, ...rule } : { ...rule };
    this.rules.push({ rule: stored, remaining: rule.times });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live rule that matches, which is used up by this request. */
  take(method: string, path: string): FaultRule | undefined {
    const entry = this.rules.find(({ rule }) => matches(rule, method, path));
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.rules = this.rules.filter((other) => other !== entry);
    return entry.rule;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === path;
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}
