import type { RunPhase } from '../sync/report.js';

/** What a run reports as it goes; `at` is a clock reading in milliseconds. */
export type ProgressEvent =
  | { type: 'phase'; phase: RunPhase; at: number }
  | { type: 'applied'; done: number; total: number; throttledMs: number; at: number }
  | { type: 'end'; at: number };

const LABELS: Record<RunPhase, string> = {
  readSources: 'reading sources',
  readTarget: 'reading AWS',
  readMemberships: 'reading AWS',
  plan: 'planning',
  apply: 'applying',
};

/** The rate is measured over this much recent time, so a throttled stretch shows at once in the ETA. */
const RATE_WINDOW_MS = 10_000;

interface Sample {
  at: number;
  done: number;
}

/**
 * The human progress display of a long run, as pure state: events and clock readings in, lines out.
 * `apply` returns the lines that stay (a phase that ended); `status` is the one line that is
 * redrawn in place. The terminal writing is in the composition root.
 */
export class ProgressView {
  private label: string | undefined;
  private startedAt = 0;
  private done = 0;
  private total = 0;
  private throttledMs = 0;
  private samples: Sample[] = [];

  apply(event: ProgressEvent): string[] {
    if (event.type === 'applied') {
      this.done = event.done;
      this.total = event.total;
      this.throttledMs = event.throttledMs;
      this.samples.push({ at: event.at, done: event.done });
      // Keep one sample from before the window, so the window is always covered.
      while (this.samples.length > 2 && event.at - (this.samples[1]?.at ?? event.at) >= RATE_WINDOW_MS)
        this.samples.shift();
      return [];
    }
    const label = event.type === 'phase' ? LABELS[event.phase] : undefined;
    if (label !== undefined && label === this.label) return [];
    const finished = this.label === undefined ? [] : [this.finishedLine(event.at)];
    this.label = label;
    this.startedAt = event.at;
    this.samples = [{ at: event.at, done: 0 }];
    return finished;
  }

  /** The line to redraw now; empty before the first phase and after the end. */
  status(now: number): string {
    if (this.label === undefined) return '';
    if (this.label !== LABELS.apply) return `${this.label} … ${duration(now - this.startedAt)}`;
    if (this.total === 0) return `${this.label} … ${duration(now - this.startedAt)}`;
    const parts = [
      `${this.label} ${this.done}/${this.total} (${Math.floor((this.done / this.total) * 100)}%)`,
      this.rateText(now),
      this.throttledMs > 0 ? `throttled ${duration(this.throttledMs)}` : '',
      `elapsed ${duration(now - this.startedAt)}`,
    ];
    return parts.filter((p) => p !== '').join(' · ');
  }

  private rateText(now: number): string {
    const rate = this.rate(now);
    if (rate === undefined) return '';
    const eta = rate > 0 ? `ETA ${duration(((this.total - this.done) / rate) * 1000)}` : 'ETA unknown (stalled)';
    return `${rate.toFixed(1)} ops/s · ${eta}`;
  }

  /** Operations per second over the last RATE_WINDOW_MS (or since applying started); none before the first operation. */
  private rate(now: number): number | undefined {
    let from = this.samples[0];
    for (const sample of this.samples) {
      if (sample.at > now - RATE_WINDOW_MS) break;
      from = sample;
    }
    if (!from || this.done === 0 || now <= from.at) return undefined;
    return ((this.done - from.done) / (now - from.at)) * 1000;
  }

  private finishedLine(now: number): string {
    const took = duration(now - this.startedAt);
    if (this.label !== LABELS.apply || this.total === 0) return `${this.label ?? ''} done in ${took}`;
    const throttled = this.throttledMs > 0 ? `, throttled ${duration(this.throttledMs)}` : '';
    return `${this.label} ${this.done}/${this.total} done in ${took}${throttled}`;
  }
}

/** 850 ms → "0.9 s", 75 s → "1m15s", 2 h → "2h00m". */
export function duration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LOG_ENVELOPE = new Set(['level', 'time', 'app', 'msg', 'pid', 'hostname']);

/**
 * A pino JSON line as one readable terminal line: `warn  <msg> (key=value, …)`. The line was
 * already scrubbed by the logger; anything that is not a JSON object is shown as it came.
 */
export function humanLogLine(line: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line.trimEnd();
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return line.trimEnd();
  const fields = record as Record<string, unknown>;
  const level = typeof fields.level === 'number' ? (LEVELS[fields.level] ?? String(fields.level)) : 'log';
  const rest = Object.entries(fields)
    .filter(([key]) => !LOG_ENVELOPE.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const msg = typeof fields.msg === 'string' ? fields.msg : '';
  return `${level.padEnd(5)} ${msg}${rest.length > 0 ? ` (${rest.join(', ')})` : ''}`;
}

/**
 * Folds a run of log lines that differ only in their request id (a 429 on every pause of a
 * throttled run) into the first line and a count, since the status line already shows the
 * throttled time.
 */
export class LogFold {
  private key: string | undefined;
  private repeats = 0;

  add(line: string): string[] {
    const text = humanLogLine(line);
    const key = text.replace(/(, )?requestId=[^,)]*/, '');
    if (key === this.key) {
      this.repeats += 1;
      return [];
    }
    const flushed = this.flush();
    this.key = key;
    return [...flushed, text];
  }

  flush(): string[] {
    const lines = this.repeats > 0 ? [`      (and ${this.repeats} more like it)`] : [];
    this.repeats = 0;
    return lines;
  }
}
