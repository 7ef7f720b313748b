import type { RunReport } from '../sync/report.js';

const MAX_ROWS = 60;

export function renderReport(report: RunReport, limit = MAX_ROWS): string {
  const lines: string[] = [];
  if (report.findings.length > 0) {
    lines.push(`Findings (${report.findings.length}):`);
    for (const f of report.findings.slice(0, limit)) {
      lines.push(
        `  ${f.action.padEnd(14)} ${f.object.padEnd(10)} ${f.externalId ?? `${f.source ?? ''}: ${f.ref ?? ''}`} ${f.field ? `[${f.field}] ` : ''}${f.reason}`,
      );
    }
    if (report.findings.length > limit) lines.push(`  … ${report.findings.length - limit} more (use --json)`);
  }
  if (report.applied) {
    const a = report.applied;
    lines.push(
      `Applied ${a.applied}, failed ${a.failed}, skipped ${a.skipped}${a.throttledMs > 0 ? `, throttled ${a.throttledMs} ms` : ''}`,
    );
    for (const f of a.failures.slice(0, limit))
      lines.push(`  ${f.status} ${f.kind} ${f.externalId}: ${f.error?.message ?? f.note ?? ''}`);
  }
  const t = report.timingsMs;
  lines.push(
    `Timings (ms): ${Object.entries(t)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  lines.push(`Result: ${report.status} (exit ${report.exitCode}): ${report.message}`);
  return lines.join('\n');
}
