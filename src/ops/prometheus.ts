/**
 * A small Prometheus text-format registry (exposition format 0.0.4), enough for the webhook
 * receiver's counters, one latency histogram and a gauge read at scrape time. Label values come
 * from our own enums (origin, reason), never from a request.
 */

type Labels = Readonly<Record<string, string>>;

const key = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

function formatLabels(labels: Labels, extra: Labels = {}): string {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

export const header = (name: string, help: string, type: string): string =>
  `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    if (by <= 0) return;
    const k = key(labels);
    const entry = this.values.get(k) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(k, entry);
  }

  get(labels: Labels = {}): number {
    return this.values.get(key(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [...this.values.values()].map(({ labels, value }) => `${this.name}${formatLabels(labels)} ${value}`);
    return header(this.name, this.help, 'counter') + lines.map((l) => `${l}\n`).join('');
  }
}

/** Observations this recent are kept for `quantile()`; the exposition itself is the aggregatable histogram. */
const QUANTILE_WINDOW = 10_000;

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();
  private readonly recent: number[] = [];
  private next = 0;
  private largest = 0;

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const k = key(labels);
    const s = this.series.get(k) ?? { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
    this.bounds.forEach((bound, i) => {
      if (value <= bound) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    });
    s.sum += value;
    s.count += 1;
    this.series.set(k, s);
    this.largest = Math.max(this.largest, value);
    if (this.recent.length < QUANTILE_WINDOW) this.recent.push(value);
    else this.recent[this.next] = value;
    this.next = (this.next + 1) % QUANTILE_WINDOW;
  }

  /** Nearest-rank quantile over the most recent observations (all labels), for tests and the shutdown log. */
  quantile(q: number): number {
    if (this.recent.length === 0) return 0;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  }

  max(): number {
    return this.largest;
  }

  count(): number {
    return [...this.series.values()].reduce((n, s) => n + s.count, 0);
  }

  render(): string {
    let out = header(this.name, this.help, 'histogram');
    for (const s of this.series.values()) {
      this.bounds.forEach((bound, i) => {
        out += `${this.name}_bucket${formatLabels(s.labels, { le: String(bound) })} ${s.buckets[i]}\n`;
      });
      out += `${this.name}_bucket${formatLabels(s.labels, { le: '+Inf' })} ${s.count}\n`;
      out += `${this.name}_sum${formatLabels(s.labels)} ${s.sum}\n${this.name}_count${formatLabels(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}
