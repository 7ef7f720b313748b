import type { Plan } from '../diff/index.js';
import type { RunPhase } from '../sync/report.js';
import { LogFold, ProgressView, type ProgressEvent } from './progress.js';
import { renderPlanSummary } from './render-plan.js';

/** How often the status line is redrawn when no event arrives (elapsed time, a throttled pause). */
const REDRAW_MS = 500;

export interface TtyProgress {
  onPhase: (phase: RunPhase) => void;
  onPlanned: (plan: Plan) => void;
  onApplied: (done: number, total: number) => void;
  /** A pino destination: a log line is printed, readable, above the status line instead of through it. */
  log: { write: (line: string) => void };
  stop: () => void;
}

/**
 * Draws a run's progress on a terminal: finished phases stay as lines, the current one is redrawn
 * in place (`\r`, erase line), cut to the terminal width so it never wraps.
 */
export function ttyProgress(
  stream: NodeJS.WriteStream,
  throttledMs: () => number,
  clock: () => number = Date.now,
): TtyProgress {
  const view = new ProgressView();
  let status = '';
  const draw = (): void => {
    const width = stream.columns > 1 ? stream.columns - 1 : 79;
    status = view.status(clock()).slice(0, width);
    stream.write(`\r\x1b[2K${status}`);
  };
  const print = (lines: readonly string[]): void => {
    if (lines.length === 0) return;
    stream.write(`\r\x1b[2K${lines.join('\n')}\n`);
    draw();
  };
  const feed = (event: ProgressEvent): void => print(view.apply(event));
  // The summary follows the "planning done" line, printed when applying starts.
  let summary: string | undefined;
  const logs = new LogFold();
  const timer = setInterval(draw, REDRAW_MS);
  timer.unref();
  return {
    onPhase: (phase) => {
      const lines = view.apply({ type: 'phase', phase, at: clock() });
      print(summary === undefined ? lines : [...lines, summary]);
      summary = undefined;
      draw();
    },
    onPlanned: (plan) => {
      summary = renderPlanSummary(plan);
    },
    onApplied: (done, total) => feed({ type: 'applied', done, total, throttledMs: throttledMs(), at: clock() }),
    log: { write: (line) => print(logs.add(line)) },
    stop: () => {
      clearInterval(timer);
      const last = [...logs.flush(), ...view.apply({ type: 'end', at: clock() })];
      stream.write(`\r\x1b[2K${last.map((l) => `${l}\n`).join('')}`);
    },
  };
}
