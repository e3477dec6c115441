import { DateTime, type Zone } from 'luxon';
import { DAY_MS } from './duration.js';

/**
 * Per zone name: the zone (null if luxon does not know it), and per UTC day its offset in
 * minutes, NaN if the offset changes that day.
 */
const offsets = new Map<string, { zone: Zone | null; days: Map<number, number> }>();

/**
 * The zone's UTC offset in minutes at instant `t`, or undefined for a zone luxon does not know.
 * Looked up once per UTC day (an Intl call is costly) and reused for every instant of a day that
 * starts and ends at the same offset; a day with a change is looked up instant by instant.
 * Assumes no zone changes its offset and back within one day.
 */
export function zoneOffsetMinutes(t: number, zone: string): number | undefined {
  if (zone === 'UTC') return 0;
  let cache = offsets.get(zone);
  if (!cache) {
    const probe = DateTime.fromMillis(0, { zone });
    cache = { zone: probe.isValid && probe.zone.isValid ? probe.zone : null, days: new Map() };
    offsets.set(zone, cache);
  }
  if (!cache.zone || !Number.isFinite(t)) return undefined;
  const day = Math.floor(t / DAY_MS);
  let offset = cache.days.get(day);
  if (offset === undefined) {
    const first = cache.zone.offset(day * DAY_MS);
    offset = first === cache.zone.offset((day + 1) * DAY_MS - 1) ? first : Number.NaN;
    if (cache.days.size >= 100_000) cache.days.clear();
    cache.days.set(day, offset);
  }
  return Number.isNaN(offset) ? cache.zone.offset(t) : offset;
}

/** Wall-clock hour, minute and weekday (Monday = 0) of an instant in a zone. */
export interface LocalClock {
  hour: number;
  minute: number;
  dayOfWeek: number;
}

/**
 * An instant's wall clock in `zone`, from zoneOffsetMinutes' per-day cache instead of a luxon
 * DateTime per call (the design matrix and weekly schedules ask it for every step); luxon for a
 * zone the cache cannot read.
 */
export function localClock(t: number, zone: string): LocalClock {
  const offset = zoneOffsetMinutes(t, zone);
  if (offset === undefined) {
    const d = DateTime.fromMillis(t, { zone });
    return { hour: d.hour, minute: d.minute, dayOfWeek: d.weekday - 1 };
  }
  const local = new Date(t + offset * 60_000);
  return {
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    dayOfWeek: (local.getUTCDay() + 6) % 7,
  };
}

/** Minutes after Monday 00:00 on the zone's wall clock at instant `t` (0 ≤ result < 10080). */
export function localMinuteOfWeek(t: number, zone: string): number {
  const { dayOfWeek, hour, minute } = localClock(t, zone);
  return dayOfWeek * 1440 + hour * 60 + minute;
}
