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

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;

/**
 * Minutes after Monday 00:00 on the zone's wall clock at instant `t` (0 ≤ result < 10080), from
 * the cached offset: weekly schedules ask this for every few minutes of a plan.
 */
export function localMinuteOfWeek(t: number, zone: string): number {
  const offset = zoneOffsetMinutes(t, zone);
  if (offset === undefined) {
    const local = DateTime.fromMillis(t, { zone });
    return (local.weekday - 1) * MINUTES_PER_DAY + local.hour * 60 + local.minute;
  }
  const minutes = Math.floor(t / MINUTE_MS) + offset;
  // 1970-01-01 was a Thursday: three days after a Monday.
  const week = 7 * MINUTES_PER_DAY;
  return (((minutes + 3 * MINUTES_PER_DAY) % week) + week) % week;
}
