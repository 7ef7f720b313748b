import type { Logger } from '../log/logger.js';
import type { RunReport } from '../sync/report.js';

export interface PushgatewaySettings {
  url: string;
  job: string;
  timeoutMs: number;
}

export interface RunMetricsSettings {
  pushgateway?: PushgatewaySettings | undefined;
  /** The SCIM token's expiry as the operator recorded it (AWS shows it in the console; tokens last one year). */
  scimTokenExpiresAt?: string | undefined;
}

const gauge = (name: string, help: string, value: number): string =>
  `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
const seconds = (iso: string): number => Date.parse(iso) / 1000;

/**
 * The outcome of one scheduled run as Prometheus gauges: a CronJob's pod is gone before any scrape,
 * so the run pushes them (https://prometheus.io/docs/practices/pushing/). The alert rules in the
 * chart (helm/icsync/templates/prometheusrule.yaml) read these names.
 */
export function runMetricsText(report: RunReport, settings: RunMetricsSettings): string {
  const started = seconds(report.startedAt);
  const parts = [
    gauge('icsync_sync_last_run_timestamp_seconds', 'When the last run finished', seconds(report.finishedAt)),
    gauge('icsync_sync_last_run_exit_code', 'Exit code of the last run (README, "Exit codes")', report.exitCode),
    gauge('icsync_sync_last_run_duration_seconds', 'Wall time of the last run', seconds(report.finishedAt) - started),
    gauge(
      'icsync_sync_brake_blocked',
      '1 when the last run was held by the deletion brake (exit 3)',
      report.plan?.brake.blocked ? 1 : 0,
    ),
    gauge(
      'icsync_sync_credentials_invalid',
      '1 when AWS rejected the SCIM token in the last run (exit 5)',
      report.exitCode === 5 ? 1 : 0,
    ),
    gauge(
      'icsync_sync_throttled_seconds',
      'Time the last run spent paused by AWS 429 answers',
      (report.applied?.throttledMs ?? 0) / 1000,
    ),
    gauge('icsync_sync_operations_applied', 'Operations the last run applied', report.applied?.applied ?? 0),
    gauge(
      'icsync_sync_operations_failed',
      'Operations that failed in the last run after retries',
      report.applied?.failed ?? 0,
    ),
  ];
  if (settings.scimTokenExpiresAt !== undefined) {
    parts.push(
      gauge(
        'icsync_scim_token_expiry_timestamp_seconds',
        'When the SCIM access token expires (metrics.scimTokenExpiresAt)',
        seconds(settings.scimTokenExpiresAt),
      ),
    );
  }
  return parts.join('');
}

/** The time of the last success, pushed to its own group so that a failed run leaves it in place. */
export function successMetricsText(report: RunReport): string {
  return gauge('icsync_sync_last_success_timestamp_seconds', 'When a run last succeeded', seconds(report.finishedAt));
}

/**
 * PUTs the run's metrics to the Pushgateway under job=<job> (replacing the previous run's), and on
 * success also the time of the last success under job=<job>/result=success, which a failed run
 * leaves in place. A Pushgateway that is down costs a warning, never the run's exit code.
 * https://github.com/prometheus/pushgateway#api
 */
export async function pushRunMetrics(
  report: RunReport,
  settings: RunMetricsSettings,
  logger: Logger,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  const gw = settings.pushgateway;
  if (gw === undefined || report.mode !== 'sync') return;
  const base = `${gw.url.replace(/\/+$/, '')}/metrics/job/${encodeURIComponent(gw.job)}`;
  const pushes: [string, string][] = [[base, runMetricsText(report, settings)]];
  if (report.exitCode === 0) pushes.push([`${base}/result/success`, successMetricsText(report)]);
  for (const [url, body] of pushes) {
    try {
      const res = await fetchImpl(url, {
        method: 'PUT',
        body,
        headers: { 'Content-Type': 'text/plain; version=0.0.4' },
        signal: AbortSignal.timeout(gw.timeoutMs),
      });
      if (!res.ok) logger.warn({ status: res.status }, 'pushgateway refused the run metrics');
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'could not push the run metrics to the pushgateway');
    }
  }
}
