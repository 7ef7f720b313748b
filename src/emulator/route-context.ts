import { invalid } from './errors.js';
import type { DirectoryStore } from './store.js';
import type { EmulatorOptions } from './types.js';

export interface RouteContext {
  method: string;
  /** Path segments after the base, e.g. `['Users', '<id>']`. */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
  store: DirectoryStore;
  options: EmulatorOptions;
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

export function requireBody(ctx: RouteContext): unknown {
  if (ctx.body === undefined) throw invalid('request body: required');
  return ctx.body;
}
