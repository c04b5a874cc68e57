// Option parsing shared by the commands. A bad value is refused by commander with one line naming the option,
// the value and what is allowed, e.g.
//   error: option '--seed <n>' argument 'x' is invalid. expected an integer
// and every usage error (unknown option, missing argument, bad value) exits with code 2, like the other input
// errors of the project; --help exits 0.
import { type Command, InvalidArgumentError } from 'commander';

/** One-line usage errors with exit code 2; subcommands created afterwards inherit this. */
export function strictCommand<T extends Command>(cmd: T): T {
  cmd
    .showHelpAfterError(false)
    .allowExcessArguments(false)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  return cmd;
}

/** An integer option with optional bounds. */
export function integer(bounds: { min?: number; max?: number } = {}): (value: string) => number {
  const { min, max } = bounds;
  const allowed = min !== undefined && max !== undefined ? `an integer from ${min} to ${max}`
    : min !== undefined ? `an integer ≥ ${min}` : max !== undefined ? `an integer ≤ ${max}` : 'an integer';
  return (value) => {
    const n = Number(value);
    if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max))
      throw new InvalidArgumentError(`expected ${allowed}`);
    return n;
  };
}

/** A finite number, optionally inside an open or closed interval. */
export function number(bounds: { min?: number; max?: number; above?: number; below?: number } = {}): (value: string) => number {
  const parts = [
    bounds.min !== undefined ? `≥ ${bounds.min}` : bounds.above !== undefined ? `> ${bounds.above}` : '',
    bounds.max !== undefined ? `≤ ${bounds.max}` : bounds.below !== undefined ? `< ${bounds.below}` : '',
  ].filter(Boolean);
  const allowed = `a number${parts.length ? ' ' + parts.join(' and ') : ''}`;
  return (value) => {
    const x = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(x)
      && (bounds.min === undefined || x >= bounds.min) && (bounds.max === undefined || x <= bounds.max)
      && (bounds.above === undefined || x > bounds.above) && (bounds.below === undefined || x < bounds.below);
    if (!ok) throw new InvalidArgumentError(`expected ${allowed}`);
    return x;
  };
}

/** A comma-separated list of numbers (each checked like `number`). */
export function numberList(bounds: Parameters<typeof number>[0] = {}): (value: string) => number[] {
  const one = number(bounds);
  return (value) => {
    try {
      return value.split(',').map((s) => one(s));
    } catch (e) {
      throw new InvalidArgumentError(`expected a comma-separated list of ${(e as Error).message.replace(/^expected an? /, '')}s`);
    }
  };
}

/** A comma-separated list of names (empty items dropped, duplicates kept once, order kept). */
export function nameList(value: string): string[] {
  const names = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  if (names.length === 0) throw new InvalidArgumentError('expected a comma-separated list of names');
  return names;
}

/** `2011-2015`, `2011-` (from), `-2015` (up to) or `2015` (one year). */
export function yearRange(value: string): { from?: number; to?: number } {
  const m = /^\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*$/.exec(value);
  if (!m || (!m[1] && !m[3]) || (!m[2] && m[3])) throw new InvalidArgumentError('expected years like 2011-2015, 2011-, -2015 or 2015');
  const from = m[1] ? Number(m[1]) : undefined;
  const to = m[2] ? (m[3] ? Number(m[3]) : undefined) : from;
  if (from !== undefined && to !== undefined && from > to) throw new InvalidArgumentError('expected the first year not after the last');
  return { from, to };
}
