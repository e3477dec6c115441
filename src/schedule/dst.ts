import { DateTime } from 'luxon';
import { mergeRuns } from './timeline.js';
import { clock, DAY_MINUTES, WEEK_MINUTES, type WeeklyProfile } from './weekly.js';
import { ZoneClock } from '../util/zone-clock.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Local wall-clock ranges, as minutes of the day ([start, end), end may pass midnight), that a
 * DST change skips (gaps: cron does not fire there on that day) or repeats (folds: cron fires
 * twice), over the year from `from`.
 */
export function dstRanges(zone: string, from: number) {
  const gaps = new Map<string, [number, number]>();
  const folds = new Map<string, [number, number]>();
  for (const { at, before, after } of new ZoneClock(
    zone,
    from,
    from + 366 * DAY_MS,
  ).transitions()) {
    const wallBefore = DateTime.fromMillis(at - MINUTE_MS, { zone });
    // The wall time the clock would have shown at `at` without the change.
    const start = wallBefore.hour * 60 + wallBefore.minute + 1;
    const size = Math.abs(after - before);
    if (after > before) gaps.set(`${start}`, [start, start + size]);
    else folds.set(`${start - size}`, [start - size, start]);
  }
  return { gaps: [...gaps.values()], folds: [...folds.values()] };
}

/**
 * Moves the profile's changes out of the local times that DST skips or repeats, so that every
 * cron change fires once, when it should, on every day of the year, and capacity is never lower:
 * a change inside a gap moves to the minute before the gap (a rise) or to the gap's end (a fall);
 * in a fold (local times that come twice), KEDA starts a window only at the second firing of its
 * start, so a rise there moves before the fold; CronJobs fire both times, so the fold holds its
 * highest level where the second run would otherwise fall short (a fall inside it). Applied to every day of the week alike (DST changes
 * on one weekday, but cron rules span several), so days that shared a rule still share it.
 */
export function avoidDstRanges(
  profile: WeeklyProfile,
  ranges: { gaps: [number, number][]; folds: [number, number][] },
  semantics: 'keda' | 'cronjob',
): { profile: WeeklyProfile; moved: number[] } {
  const values = new Array<number>(WEEK_MINUTES);
  for (const s of profile.segments) {
    for (let m = s.start; m < s.start + s.duration; m++) values[m % WEEK_MINUTES] = s.capacity;
  }
  const at = (m: number) => ((m % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  const moved = new Set<number>();
  // Holds minutes [from, to) of a day at their highest level; notes the changes inside.
  const flattenDay = (day: number, from: number, to: number) => {
    const base = day * DAY_MINUTES;
    let max = -Infinity;
    for (let m = from; m < to; m++) {
      max = Math.max(max, values[at(base + m)]);
      if (m > from && values[at(base + m)] !== values[at(base + m - 1)]) {
        moved.add(((m % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES);
      }
    }
    for (let m = from; m < to; m++) values[at(base + m)] = max;
  };
  const flatten = (from: number, to: number) => {
    for (let day = 0; day < 7; day++) flattenDay(day, from, to);
  };
  // A gap [s, e): no change may fire at s … e-1, so the levels from s-1 on are held to e.
  for (const [s, e] of ranges.gaps) flatten(s - 1, e);
  for (const [s, e] of ranges.folds) {
    for (let day = 0; day < 7; day++) {
      const base = day * DAY_MINUTES;
      const v = (m: number) => values[at(base + m)];
      if (semantics === 'keda') {
        // A KEDA window whose start fires twice is only active from the second firing (its next
        // start then comes before its next end): no rise may sit in a fold, so it moves before.
        let rise = false;
        for (let m = s; m < e; m++) rise ||= v(m) > v(m - 1);
        if (rise) flattenDay(day, s - 1, e);
        continue;
      }
      // A CronJob fold runs twice; the second time starts with the level the first ended with,
      // and only the changes inside fire again. Where that falls short, hold the highest level.
      let level = v(e - 1);
      let short = false;
      for (let m = s; m < e && !short; m++) {
        if (v(m) !== v(m - 1)) level = v(m);
        short = level < v(m);
      }
      if (short) flattenDay(day, s, e);
    }
  }
  if (moved.size === 0) return { profile, moved: [] };
  const segments = mergeRuns(
    values.map((capacity, i) => ({ start: i, duration: 1, capacity })),
    true,
  );
  return { profile: { ...profile, segments }, moved: [...moved].sort((a, b) => a - b) };
}

/** What a note says of changes moved off DST hours (`moved`: local minutes of the day). */
export function dstMovedNote(moved: readonly number[], zone: string): string | undefined {
  if (moved.length === 0) return undefined;
  return `moved changes at ${moved.map(clock).join(', ')} out of the hours that DST skips or repeats in ${zone} (cron would miss or repeat them once a year), never lowering capacity`;
}
