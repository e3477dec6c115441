import { IANAZone } from 'luxon';

/** What a timestamp cell may look like; used in error messages. */
export const TIMESTAMP_FORMATS =
  'ISO 8601 (2024-05-01T10:00:00Z, with or without offset), YYYY-MM-DD HH:MM:SS, YYYY-MM-DD, or epoch seconds/milliseconds';

const CALENDAR =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

export interface ParsedTimestamp {
  /** Epoch milliseconds, or NaN when the text is not a timestamp. */
  ms: number;
  /** True when the text carried no time of day (a bare date). */
  dateOnly: boolean;
  /** True for a naive local time that does not exist in the zone (a DST gap); it was moved forward. */
  inDstGap: boolean;
}

const INVALID: ParsedTimestamp = { ms: NaN, dateOnly: false, inDstGap: false };

/**
 * Parses one timestamp cell. Naive calendar times are read in `zone` (IANA); times with an
 * offset or Z ignore it. `extraHours` adds whole hours of wall-clock time (a separate hour column).
 */
export function parseTimestamp(text: string, zone: string, extraHours = 0): ParsedTimestamp {
  const match = CALENDAR.exec(text);
  if (match) {
    const [, y, mo, d, h, mi, s, frac, offset] = match;
    const hour = Number(h ?? 0) + extraHours;
    const millis = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    const fields = [Number(y), Number(mo) - 1, Number(d), hour, Number(mi ?? 0), Number(s ?? 0)];
    const daysInMonth = new Date(Date.UTC(fields[0], fields[1] + 1, 0)).getUTCDate();
    const valid =
      fields[1] >= 0 &&
      fields[1] <= 11 &&
      fields[2] >= 1 &&
      fields[2] <= daysInMonth &&
      Number(h ?? 0) <= 23 &&
      fields[4] <= 59 &&
      fields[5] <= 59;
    if (!valid) return INVALID;
    const dateOnly = h === undefined;
    if (offset || zone === 'UTC') {
      const utc = Date.UTC(
        fields[0],
        fields[1],
        fields[2],
        fields[3],
        fields[4],
        fields[5],
        millis,
      );
      return { ms: utc - offsetMinutes(offset) * 60_000, dateOnly, inDstGap: false };
    }
    // Wall-clock time as if it were UTC, then shifted by the zone's offset at that instant.
    const wall = Date.UTC(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], millis);
    return { ...localToInstant(wall, zone), dateOnly };
  }
  if (EPOCH.test(text)) {
    const value = Number(text);
    // 1e11 s is the year 5138; anything above it must be milliseconds.
    return { ms: value >= 1e11 ? value : value * 1000, dateOnly: false, inDstGap: false };
  }
  return INVALID;
}

function offsetMinutes(offset: string | undefined): number {
  if (!offset || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return offset[0] === '-' ? -minutes : minutes;
}

const HOUR_MS = 3_600_000;
const offsetCaches = new Map<string, { zone: IANAZone; byHour: Map<number, number> }>();

/** The zone's UTC offset in ms at an instant; asked of Intl once per zone and quarter hour. */
function offsetAt(zone: string, ms: number): number {
  let cache = offsetCaches.get(zone);
  if (!cache) {
    cache = { zone: IANAZone.create(zone), byHour: new Map() };
    offsetCaches.set(zone, cache);
  }
  // Every zone's offset changes on a quarter hour, so it is constant within a quarter-hour bucket.
  const key = Math.floor(ms / (HOUR_MS / 4));
  let offset = cache.byHour.get(key);
  if (offset === undefined) {
    offset = cache.zone.offset(key * (HOUR_MS / 4)) * 60_000;
    cache.byHour.set(key, offset);
  }
  return offset;
}

/**
 * The instant at which wall-clock time `wall` (written as if UTC) occurs in `zone`. In a fold
 * (the hour repeated when clocks go back) it is the first occurrence; in a gap (the hour skipped
 * when clocks go forward) the time is moved forward by the gap, as clocks do.
 */
function localToInstant(wall: number, zone: string): { ms: number; inDstGap: boolean } {
  const before = offsetAt(zone, wall - 12 * HOUR_MS);
  const after = offsetAt(zone, wall + 12 * HOUR_MS);
  const candidates = [wall - Math.max(before, after), wall - Math.min(before, after)];
  for (const ms of candidates) {
    if (ms + offsetAt(zone, ms) === wall) return { ms, inDstGap: false };
  }
  return { ms: wall - before, inDstGap: true };
}
