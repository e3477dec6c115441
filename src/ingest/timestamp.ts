import { IANAZone } from 'luxon';
import { daysInMonth, type TimestampFormat } from './timestamp-format.js';

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
  /** True when the text carried its own UTC offset (or Z), so the zone did not apply. */
  hasOffset: boolean;
  /** In a DST fold (a local time that happens twice), the second occurrence; `ms` is the first. */
  laterMs?: number;
}

const INVALID: ParsedTimestamp = { ms: NaN, dateOnly: false, inDstGap: false, hasOffset: false };

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
    const valid =
      fields[1] >= 0 &&
      fields[1] <= 11 &&
      fields[2] >= 1 &&
      fields[2] <= daysInMonth(fields[0], fields[1]) &&
      Number(h ?? 0) <= 23 &&
      fields[4] <= 59 &&
      fields[5] <= 59;
    if (!valid) return INVALID;
    const dateOnly = h === undefined;
    // Wall-clock time as if it were UTC, then shifted by the offset or the zone's offset.
    const wall = civilMs(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], millis);
    if (offset || zone === 'UTC') {
      const ms = wall - offsetMinutes(offset) * 60_000;
      return { ms, dateOnly, inDstGap: false, hasOffset: Boolean(offset) };
    }
    return { ...localToInstant(wall, zone), dateOnly, hasOffset: false };
  }
  if (EPOCH.test(text)) {
    const value = Number(text);
    // 1e11 s is the year 5138; anything above it must be milliseconds.
    const ms = value >= 1e11 ? value : value * 1000;
    return { ms, dateOnly: false, inDstGap: false, hasOffset: true };
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

const PROBE_MS = 26 * HOUR_MS;

/**
 * The instant at which wall-clock time `wall` (written as if UTC) occurs in `zone`. In a fold
 * (the hour repeated when clocks go back) it is the first occurrence; in a gap (the hour skipped
 * when clocks go forward) the time is moved forward by the gap, as clocks do.
 */
function localToInstant(
  wall: number,
  zone: string,
): { ms: number; inDstGap: boolean; laterMs?: number } {
  // The instants a wall time can be lie within 14 hours of it (offsets run from −12 to +14), so a
  // change that touches it falls within a day either side. ±12 hours was too little east of +12
  // (New Zealand in summer, Chatham, Tonga): the change itself was sampled as "before".
  const before = offsetAt(zone, wall - PROBE_MS);
  const after = offsetAt(zone, wall + PROBE_MS);
  const candidates = [wall - Math.max(before, after), wall - Math.min(before, after)];
  const valid = candidates.filter((ms) => ms + offsetAt(zone, ms) === wall);
  if (valid.length === 0) return { ms: wall - before, inDstGap: true };
  if (valid.length === 2 && valid[1] !== valid[0]) {
    return { ms: valid[0], inDstGap: false, laterMs: valid[1] };
  }
  return { ms: valid[0], inDstGap: false };
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month 0–11); any year, unlike Date.UTC. */
function daysFromCivil(year: number, month0: number, day: number): number {
  const y = month0 < 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const m = month0 + 1;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAY_MS = 24 * HOUR_MS;

function civilMs(
  year: number,
  month0: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): number {
  return (
    daysFromCivil(year, month0, day) * DAY_MS +
    hour * HOUR_MS +
    minute * 60_000 +
    second * 1000 +
    millis
  );
}

/** What a reader saw, for warnings: times moved out of a gap, read as a fold's second pass, … */
export interface TimestampCounts {
  dstGap: number;
  foldSecond: number;
  withOffset: number;
  naive: number;
}

const digit = (text: string, i: number) => {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/**
 * Reads a column of timestamps in file order. The fixed-width ISO form (`2024-05-01T10:00:00`,
 * optionally `.fff` and `Z`/`±HH:MM`, `T` or a space) is parsed straight from a slice of a larger
 * string; anything else goes through `parseTimestamp`. In a DST fold, a naive local time that
 * would step back in time from the previous row is read as the fold's second occurrence, as the
 * clock that wrote it meant.
 */
export class TimestampReader {
  readonly counts: TimestampCounts = { dstGap: 0, foldSecond: 0, withOffset: 0, naive: 0 };
  private previous = -Infinity;
  private dateKey = -1;
  private dateDays = 0;
  private zoneKey = NaN;
  private zoneOffset = 0;
  private zoneGap = false;
  private zoneLater: number | undefined;

  constructor(
    private readonly zone: string,
    private readonly format?: TimestampFormat,
  ) {}

  /** Epoch ms of text[start, end) (trimmed by the caller), or NaN when it is not a timestamp. */
  read(text: string, start: number, end: number, extraHours = 0): number {
    if (this.format) return this.readFormatted(this.format, text, start, end, extraHours);
    let ms = this.readIso(text, start, end, extraHours);
    if (ms === FALLBACK) {
      const parsed = parseTimestamp(text.slice(start, end), this.zone, extraHours);
      if (Number.isNaN(parsed.ms)) return NaN;
      ms = this.settle(parsed.ms, parsed.hasOffset, parsed.inDstGap, parsed.laterMs);
    }
    return ms;
  }

  /** A cell read by --timestamp-format: its fields, then the same zone arithmetic as ISO cells. */
  private readFormatted(
    format: TimestampFormat,
    text: string,
    start: number,
    end: number,
    extraHours: number,
  ): number {
    const f = format.read(text, start, end);
    if (!f) return NaN;
    const key = (f.year * 16 + f.month0) * 32 + f.day;
    if (key !== this.dateKey) {
      this.dateKey = key;
      this.dateDays = daysFromCivil(f.year, f.month0, f.day);
    }
    const wall =
      this.dateDays * DAY_MS +
      (f.hour + extraHours) * HOUR_MS +
      f.minute * 60_000 +
      f.second * 1000 +
      f.millis;
    return this.fromWall(
      wall,
      f.offsetMinutes === undefined ? undefined : f.offsetMinutes * 60_000,
    );
  }

  private settle(ms: number, hasOffset: boolean, inGap: boolean, laterMs?: number): number {
    if (hasOffset) this.counts.withOffset++;
    else this.counts.naive++;
    if (inGap) this.counts.dstGap++;
    if (laterMs !== undefined && ms <= this.previous && laterMs > this.previous) {
      this.counts.foldSecond++;
      ms = laterMs;
    }
    this.previous = ms;
    return ms;
  }

  private readIso(text: string, s: number, e: number, extraHours: number): number {
    const length = e - s;
    if (length !== 10 && length < 16) return FALLBACK;
    const y0 = digit(text, s);
    const y1 = digit(text, s + 1);
    const y2 = digit(text, s + 2);
    const y3 = digit(text, s + 3);
    const sep = text.charCodeAt(s + 4);
    const m0 = digit(text, s + 5);
    const m1 = digit(text, s + 6);
    const d0 = digit(text, s + 8);
    const d1 = digit(text, s + 9);
    if (
      (y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0 ||
      (sep !== 45 && sep !== 47) ||
      text.charCodeAt(s + 7) !== sep
    ) {
      return FALLBACK;
    }
    const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    const month0 = m0 * 10 + m1 - 1;
    const day = d0 * 10 + d1;
    if (month0 < 0 || month0 > 11 || day < 1 || day > daysInMonth(year, month0)) return NaN;
    const key = (year * 16 + month0) * 32 + day;
    if (key !== this.dateKey) {
      this.dateKey = key;
      this.dateDays = daysFromCivil(year, month0, day);
    }
    let hour = 0;
    let minute = 0;
    let second = 0;
    let millis = 0;
    let i = s + 10;
    if (length > 10) {
      const t = text.charCodeAt(i);
      const h0 = digit(text, i + 1);
      const h1 = digit(text, i + 2);
      const n0 = digit(text, i + 4);
      const n1 = digit(text, i + 5);
      if ((t !== 84 && t !== 32 && t !== 116) || (h0 | h1 | n0 | n1) < 0) return FALLBACK;
      if (text.charCodeAt(i + 3) !== 58) return FALLBACK;
      hour = h0 * 10 + h1;
      minute = n0 * 10 + n1;
      i += 6;
      if (i < e && text.charCodeAt(i) === 58) {
        const s0 = digit(text, i + 1);
        const s1 = digit(text, i + 2);
        if ((s0 | s1) < 0 || i + 3 > e) return FALLBACK;
        second = s0 * 10 + s1;
        i += 3;
        const mark = text.charCodeAt(i);
        if (i < e && (mark === 46 || mark === 44)) {
          i++;
          let scale = 1;
          let fraction = 0;
          const from = i;
          while (i < e && i - from < 9) {
            const f = digit(text, i);
            if (f < 0) break;
            fraction = fraction * 10 + f;
            scale *= 10;
            i++;
          }
          if (i === from) return FALLBACK;
          millis = Math.round((fraction / scale) * 1000);
        }
      }
      if (hour > 23 || minute > 59 || second > 59) return NaN;
    }
    let offsetMs: number | undefined;
    if (i < e) {
      const z = text.charCodeAt(i);
      if ((z === 90 || z === 122) && i + 1 === e) {
        offsetMs = 0;
      } else if ((z === 43 || z === 45) && (e - i === 6 || e - i === 5 || e - i === 3)) {
        const a0 = digit(text, i + 1);
        const a1 = digit(text, i + 2);
        let minutes = 0;
        if (e - i > 3) {
          const colon = e - i === 6 ? 1 : 0;
          if (colon && text.charCodeAt(i + 3) !== 58) return FALLBACK;
          const b0 = digit(text, i + 3 + colon);
          const b1 = digit(text, i + 4 + colon);
          if ((b0 | b1) < 0) return FALLBACK;
          minutes = b0 * 10 + b1;
        }
        if ((a0 | a1) < 0) return FALLBACK;
        offsetMs = ((a0 * 10 + a1) * 60 + minutes) * 60_000 * (z === 45 ? -1 : 1);
      } else {
        return FALLBACK;
      }
    }
    const wall =
      this.dateDays * DAY_MS +
      (hour + extraHours) * HOUR_MS +
      minute * 60_000 +
      second * 1000 +
      millis;
    return this.fromWall(wall, offsetMs);
  }

  /** The instant of wall-clock time `wall` (as if UTC), at `offsetMs` or else in the zone. */
  private fromWall(wall: number, offsetMs: number | undefined): number {
    if (offsetMs !== undefined) return this.settle(wall - offsetMs, true, false);
    if (this.zone === 'UTC') return this.settle(wall, false, false);
    const quarter = Math.floor(wall / (HOUR_MS / 4));
    if (quarter !== this.zoneKey) {
      // Offsets change on quarter hours, so one answer holds for the whole wall quarter hour.
      const local = localToInstant(quarter * (HOUR_MS / 4), this.zone);
      this.zoneKey = quarter;
      this.zoneOffset = quarter * (HOUR_MS / 4) - local.ms;
      this.zoneGap = local.inDstGap;
      this.zoneLater = local.laterMs === undefined ? undefined : local.ms - local.laterMs;
    }
    const ms = wall - this.zoneOffset;
    return this.settle(
      ms,
      false,
      this.zoneGap,
      this.zoneLater === undefined ? undefined : ms - this.zoneLater,
    );
  }
}

const FALLBACK = -1e300;
