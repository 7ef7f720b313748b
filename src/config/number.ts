import { z } from 'zod';

/**
 * Numbers in YAML, or strings from environment overrides. zod's own message for "four" is
 * "expected number, received NaN" (the value after coercion); operators get the plain fact instead.
 */
const notANumber = (issue: { code: string; expected?: string }): string | undefined =>
  issue.code === 'invalid_type' && issue.expected === 'number' ? 'expected a number' : undefined;

export const number = () => z.coerce.number({ error: notANumber });

export const int = (min: number, max: number, fallback: number) => number().int().min(min).max(max).default(fallback);

export const num = (min: number, max: number, fallback: number) => number().min(min).max(max).default(fallback);
