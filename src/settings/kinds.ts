/**
 * How a setting's value becomes typed: one parse per kind of setting, each used by the rows of
 * the settings table (table.ts). A parse takes the flag's string or the value headroom.yaml gave
 * (already checked by the row's zod rule, so a number stays a number) and throws a UserError that
 * names the flag; config checks reword it (config/service-settings.ts).
 */
import { UserError } from '../errors.js';
import { DAY_MS, durationOrZero as zeroOrDurationText, parseDuration } from '../util/duration.js';
import { isValidZone } from '../util/time.js';

/** A setting's value before it is parsed: the flag's string, or the config's typed value. */
export type Given = string | number;
/** A setting's parse: the given value (of the flag named) to its typed value. */
export type Parse<T> = (value: Given, flag: string) => T;

/** Free text (names, paths, URLs, PromQL): kept as given. */
export const text: Parse<string> = (value) => String(value);

/** `30m`, `1h`, `7d` → milliseconds, greater than zero. */
export const duration: Parse<number> = (value, flag) => parseDuration(String(value), flag);

/** The longest --horizon: a year (366 days). */
export const MAX_HORIZON_MS = 366 * DAY_MS;

/** How far ahead to forecast: a duration of at most a year. */
export const horizon: Parse<number> = (value, flag) => {
  const ms = duration(value, flag);
  if (ms > MAX_HORIZON_MS) {
    throw new UserError(
      `${flag}: ${value} is longer than a year (366d), the furthest headroom forecasts`,
      'a forecast that far out is mostly guessed trend: plan a shorter --horizon and plan again as new data comes in (nightly in CI, say)',
    );
  }
  return ms;
};

/** A duration, or 0 (`0`, `0h`…) to turn it off → milliseconds. */
export const durationOrZero: Parse<number> = (value, flag) =>
  value === 0 ? 0 : zeroOrDurationText(String(value), flag);

/** A number as people write it: 16, -2.5, .5, 1e3; not 0x10, 0b1 or an empty string. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** A number, checked: the error names the flag, what was expected and what was given. */
export function checkedNumber(
  value: Given,
  flag: string,
  check: (v: number) => boolean,
  expected: string,
): number {
  const n = typeof value === 'number' ? value : DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || !check(n)) {
    throw new UserError(`${flag}: expected ${expected}, got '${value}'`);
  }
  return n;
}

/** A number that passes `check`, `expected` saying what that means. */
export const number =
  (check: (v: number) => boolean, expected: string): Parse<number> =>
  (value, flag) =>
    checkedNumber(value, flag, check, expected);

export const positive = number((v) => v > 0, 'a positive number');

/** A number, or a percentage of one ("70%" is 0.7); NaN for anything else. */
function numberOrPercent(value: Given): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  const percent = text.endsWith('%');
  const digits = percent ? text.slice(0, -1) : text;
  return DECIMAL.test(digits) ? Number(digits) / (percent ? 100 : 1) : NaN;
}

/** 0.7, or 70% as the same. */
export const fraction: Parse<number> = (value, flag) => {
  const n = numberOrPercent(value);
  if (!(n > 0 && n <= 1)) {
    throw new UserError(`${flag}: expected a fraction in (0, 1], as 0.7 or 70%, got '${value}'`);
  }
  return n;
};

/** A whole number of at least `least`. */
export const whole = (least: number) =>
  number((v) => Number.isInteger(v) && v >= least, `a whole number ≥ ${least}`);

/** "1%" or "0.01" (or the config's 0.01) → 0.01: a share from 0 to 50%. */
export const share: Parse<number> = (value, flag) => {
  const n = numberOrPercent(value);
  if (!(n >= 0 && n <= 0.5)) {
    throw new UserError(`${flag}: expected a share from 0 to 50%, as 1% or 0.01, got '${value}'`);
  }
  return n;
};

/** An IANA time zone such as Europe/Berlin. */
export const zone: Parse<string> = (value, flag) => {
  const name = String(value);
  if (!isValidZone(name)) {
    throw new UserError(
      `${flag}: '${name}' is not an IANA time zone`,
      'for example UTC, Europe/Berlin, America/New_York',
    );
  }
  return name;
};

/**
 * One of `values`: the row's `choices` and its parse. Commander and the config's zod enum refuse
 * anything else before it gets here.
 */
export const choice = <const T extends string>(values: readonly T[]) => ({
  choices: values,
  parse: ((value: Given) => String(value) as T) as Parse<T>,
});
