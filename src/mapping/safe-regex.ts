import { ExpressionError } from './errors.js';

/**
 * Regexes in mappings come from an operator's config and run against directory data, so a pattern
 * that backtracks exponentially would let one attribute value stall every sync. JavaScript's engine
 * backtracks; the classic blow-ups are a repeated group that itself repeats or alternates (`(a+)+`,
 * `(a|a)*`) and backreferences. Those are refused, as are lookarounds, and both the pattern and the
 * input are length-capped (the input cap is the Identity Store's 1024-character string maximum).
 */
export const MAX_PATTERN_LENGTH = 100;
export const MAX_REGEX_INPUT_LENGTH = 1024;

interface GroupScan {
  repeats: boolean;
  alternates: boolean;
}

export function compileSafeRegex(pattern: string, flags: string): RegExp {
  if (pattern.length === 0) throw new ExpressionError('replace(): the pattern is empty');
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new ExpressionError(`replace(): the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const problem = unsafeConstruct(pattern);
  if (problem !== undefined) throw new ExpressionError(`replace(): ${problem}`);
  try {
    return new RegExp(pattern, `gu${flags}`);
  } catch (err) {
    throw new ExpressionError(`replace(): invalid pattern (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Scans the pattern once, tracking groups; the first construct that can backtrack without bound, if any. */
function unsafeConstruct(pattern: string): string | undefined {
  const stack: GroupScan[] = [{ repeats: false, alternates: false }];
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    const top = stack[stack.length - 1] as GroupScan;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9k]/.test(next)) return 'backreferences are not allowed';
      i += 1;
    } else if (c === '[') {
      i = classEnd(pattern, i);
    } else if (c === '(') {
      if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) return 'lookahead and lookbehind are not allowed';
      stack.push({ repeats: false, alternates: false });
    } else if (c === ')') {
      const group = stack.pop();
      if (group === undefined || stack.length === 0) return 'unbalanced ")"';
      const repeated = isRepeat(pattern, i + 1);
      if (repeated && (group.repeats || group.alternates))
        return 'a repeated group may not contain another repetition or an alternation (nested quantifier)';
      const parent = stack[stack.length - 1] as GroupScan;
      parent.repeats ||= group.repeats || repeated;
    } else if (c === '|') {
      top.alternates = true;
    } else if (isRepeat(pattern, i)) {
      top.repeats = true;
    }
  }
  return undefined;
}

/** `*`, `+` and `{n,…}` repeat; `?` makes an atom optional, which cannot multiply backtracking by itself. */
function isRepeat(pattern: string, at: number): boolean {
  const c = pattern[at];
  return c === '*' || c === '+' || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(at)));
}

function classEnd(pattern: string, start: number): number {
  for (let i = start + 1; i < pattern.length; i += 1) {
    if (pattern[i] === '\\') i += 1;
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}
