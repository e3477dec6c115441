import { DateTime } from 'luxon';
import { mergeRuns } from '../../schedule/timeline.js';
import { DAY_MINUTES, WEEK_MINUTES, type WeeklyProfile } from '../../schedule/weekly.js';
import { ZoneClock } from './cron.js';

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
 * a range that a fold repeats holds its highest level throughout. Applied on every day of the
 * week, so days that shared a cron rule still share it. Returns the profile unchanged when no
 * change sits in such a range.
 */
export function avoidDstRanges(
  profile: WeeklyProfile,
  ranges: { gaps: [number, number][]; folds: [number, number][] },
): { profile: WeeklyProfile; moved: number[] } {
  const values = new Array<number>(WEEK_MINUTES);
  for (const s of profile.segments) {
    for (let m = s.start; m < s.start + s.duration; m++) values[m % WEEK_MINUTES] = s.capacity;
  }
  const at = (m: number) => ((m % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  const moved = new Set<number>();
  // Flattens minutes [from, to) of every day to their highest level; notes changes inside.
  const flatten = (from: number, to: number) => {
    for (let day = 0; day < 7; day++) {
      const base = day * DAY_MINUTES;
      let max = -Infinity;
      for (let m = from; m < to; m++) {
        max = Math.max(max, values[at(base + m)]);
        if (m > from && values[at(base + m)] !== values[at(base + m - 1)]) {
          moved.add(((m % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES);
        }
      }
      for (let m = from; m < to; m++) values[at(base + m)] = max;
    }
  };
  // A gap [s, e): no change may fire at s … e-1, so the levels from s-1 on are held to e.
  for (const [s, e] of ranges.gaps) flatten(s - 1, e);
  for (const [s, e] of ranges.folds) flatten(s, e);
  if (moved.size === 0) return { profile, moved: [] };
  const segments = mergeRuns(
    values.map((capacity, i) => ({ start: i, duration: 1, capacity })),
    true,
  );
  return { profile: { ...profile, segments }, moved: [...moved].sort((a, b) => a - b) };
}
