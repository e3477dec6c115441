import { UserError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const HOUR_MS = UNIT_MS.h;
export const DAY_MS = UNIT_MS.d;
export const WEEK_MS = UNIT_MS.w;

/**
 * Parses "15m", "1h", "7d", "2w", "90s" into milliseconds. A bare number is refused: `--horizon 5`
 * meant as days would otherwise plan five seconds.
 */
export function parseDuration(text: string, flag = 'duration'): number {
  const bare = /^\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (bare) {
    throw new UserError(
      `${flag}: '${text}' has no unit`,
      `write ${bare[1]}m, ${bare[1]}h or ${bare[1]}d (units: s, m, h, d, w)`,
    );
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$/i.exec(text);
  if (!match) {
    throw new UserError(
      `${flag}: expected a duration like 30m, 1h, 7d or 2w, got '${text}'`,
      'units: s, m, h, d, w',
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2].toLowerCase()];
  if (!(ms > 0)) throw new UserError(`${flag}: must be greater than zero, got '${text}'`);
  return ms;
}

/** A duration that may also be zero ("0", "0m"), e.g. to turn a lead time or gap filling off. */
export function durationOrZero(text: string, flag = 'duration'): number {
  return /^\s*0+(\.0*)?\s*[a-z]*\s*$/i.test(text) ? 0 : parseDuration(text, flag);
}

/** The shortest exact spelling of a duration: 3600000 → "1h", 5400000 → "90m". */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const size = UNIT_MS[unit];
    // "7d" reads better than "1w"; weeks only from two on.
    if (ms % size === 0 && (unit !== 'w' || ms >= 2 * size)) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A rounded duration for messages: "45m", "36h", "307.8d". */
export function describeDuration(ms: number): string {
  if (ms >= 730 * DAY_MS) return `${Math.round((ms / (365.25 * DAY_MS)) * 10) / 10} years`;
  if (ms >= 2 * DAY_MS) return `${Math.round((ms / DAY_MS) * 10) / 10}d`;
  if (ms >= 2 * HOUR_MS) return `${Math.round((ms / HOUR_MS) * 10) / 10}h`;
  return `${Math.round(ms / UNIT_MS.m)}m`;
}
