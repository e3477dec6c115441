import { describe, expect, it } from 'vitest';
import {
  capacityAt,
  fewestRuns,
  fillShortDips,
  withLeadTime,
  type Segment,
  type Timeline,
} from '../src/schedule/timeline.js';
import {
  compactWeekly,
  cronDays,
  cronExpression,
  cronRules,
  weeklyProfile,
  WEEK_MINUTES,
  type WeeklyProfile,
} from '../src/schedule/weekly.js';
import { mulberry32 } from '../src/data/synthetic.js';
import { HOUR, DAY } from './helpers/series.js';

const T0 = Date.UTC(2026, 10, 23); // a Monday

function randomTimeline(seed: number, steps: number): Timeline {
  const random = mulberry32(seed);
  let start = T0;
  const out = [];
  for (let i = 0; i < steps; i++) {
    out.push({ start, capacity: 1 + Math.floor(random() * 9) });
    start += (1 + Math.floor(random() * 4)) * HOUR;
  }
  return { end: start, steps: out };
}

/** Capacity of a weekly profile at minute m of the week (segments may wrap past the end). */
function weeklyAt(profile: WeeklyProfile, minute: number): number {
  for (const s of profile.segments) {
    const offset = (((minute - s.start) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
    if (offset < s.duration) return s.capacity;
  }
  throw new Error(`minute ${minute} not covered`);
}

describe('lead time', () => {
  it('moves increases earlier and leaves decreases where they are', () => {
    const timeline = {
      end: T0 + 24 * HOUR,
      steps: [
        { start: T0, capacity: 2 },
        { start: T0 + 10 * HOUR, capacity: 5 },
        { start: T0 + 12 * HOUR, capacity: 3 },
      ],
    };
    expect(withLeadTime(timeline, HOUR).steps).toEqual([
      { start: T0, capacity: 2 },
      { start: T0 + 9 * HOUR, capacity: 5 },
      { start: T0 + 12 * HOUR, capacity: 3 },
    ]);
  });

  it('never plans fewer servers than before, and covers each increase by the lead', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const timeline = randomTimeline(seed, 30);
      const lead = 90 * 60_000;
      const led = withLeadTime(timeline, lead);
      for (let t = T0; t < timeline.end; t += 15 * 60_000) {
        expect(capacityAt(led, t)).toBeGreaterThanOrEqual(capacityAt(timeline, t));
        expect(capacityAt(led, t)).toBeGreaterThanOrEqual(
          capacityAt(timeline, Math.min(t + lead, timeline.end - 1)),
        );
      }
    }
  });
});

describe('dip filling', () => {
  const seg = (capacity: number, hours: number, start = 0): Segment => ({
    start,
    duration: hours * HOUR,
    capacity,
  });
  it('fills a short dip to the lower neighbour, keeps long dips and spikes', () => {
    const filled = fillShortDips([seg(5, 3), seg(2, 1), seg(4, 3), seg(9, 1), seg(4, 2)], 2 * HOUR);
    expect(filled.map((s) => [s.capacity, s.duration / HOUR])).toEqual([
      [5, 3],
      [4, 4],
      [9, 1],
      [4, 2],
    ]);
    const long = fillShortDips([seg(5, 3), seg(2, 3), seg(4, 3)], 2 * HOUR);
    expect(long.map((s) => s.capacity)).toEqual([5, 2, 4]);
  });
});

describe('fewest runs', () => {
  function bruteForce(segments: Segment[], m: number): number {
    // Every way to cut n segments into m runs: choose m − 1 of the n − 1 boundaries.
    const n = segments.length;
    let best = Infinity;
    const visit = (cuts: number[], next: number) => {
      if (cuts.length === m - 1) {
        const bounds = [0, ...cuts, n];
        let cost = 0;
        for (let r = 0; r < m; r++) {
          const run = segments.slice(bounds[r], bounds[r + 1]);
          const max = Math.max(...run.map((s) => s.capacity));
          cost += run.reduce((sum, s) => sum + (max - s.capacity) * s.duration, 0);
        }
        best = Math.min(best, cost);
        return;
      }
      for (let c = next; c < n; c++) visit([...cuts, c], c + 1);
    };
    visit([], 1);
    return best;
  }

  it('finds the cheapest cover for every count, as brute force does', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const random = mulberry32(seed);
      const segments = Array.from({ length: 8 }, (_, i) => ({
        start: i,
        duration: 1 + Math.floor(random() * 3),
        capacity: Math.floor(random() * 10),
      }));
      const { cost, runs } = fewestRuns(segments, 8);
      for (let m = 1; m <= 8; m++) {
        expect(cost[m]).toBe(bruteForce(segments, m));
        const fitted = runs(m);
        expect(fitted).toHaveLength(m);
        const extra =
          fitted.reduce((s, r) => s + r.capacity * r.duration, 0) -
          segments.reduce((s, r) => s + r.capacity * r.duration, 0);
        expect(extra).toBe(cost[m]);
      }
    }
  });
});

describe('weekly profile', () => {
  // Weekdays 09:00–17:00 New York time at 10 servers, otherwise 2: two weeks around the end of
  // DST (Sunday 1 November 2026), so 09:00 local is 13:00 UTC in the first week, 14:00 after.
  const zone = 'America/New_York';
  const start = Date.UTC(2026, 9, 26, 4); // Monday 26 October 00:00 EDT
  const steps: { start: number; capacity: number }[] = [];
  for (let day = 0; day < 14; day++) {
    const midnight = start + day * DAY + (day >= 7 ? HOUR : 0);
    const weekday = day % 7 < 5;
    steps.push({ start: midnight, capacity: 2 });
    if (weekday) {
      steps.push({ start: midnight + 9 * HOUR, capacity: 10 });
      steps.push({ start: midnight + 17 * HOUR, capacity: 2 });
    }
  }
  const timeline = { end: start + 14 * DAY + HOUR, steps };

  it('keeps local times across a DST change and groups the days', () => {
    const profile = weeklyProfile(timeline, zone);
    expect(cronRules(profile).map((r) => [cronExpression(r), r.capacity])).toEqual([
      ['0 9 * * 1-5', 10],
      ['0 17 * * 1-5', 2],
    ]);
  });

  it('takes seven local days across the spring DST change (167 hours) as a week', () => {
    const monday = Date.UTC(2026, 2, 2, 5); // Monday 2 March 2026 00:00 EST; DST starts 8 March
    const end = Date.UTC(2026, 2, 9, 4); // Monday 9 March 00:00 EDT
    expect((end - monday) / HOUR).toBe(167);
    const profile = weeklyProfile({ end, steps: [{ start: monday, capacity: 3 }] }, zone);
    expect(cronRules(profile)).toEqual([
      { days: [1, 2, 3, 4, 5, 6, 7], minuteOfDay: 0, capacity: 3 },
    ]);
  });

  it('refuses a plan shorter than a week', () => {
    expect(() => weeklyProfile({ end: start + 3 * DAY, steps: steps.slice(0, 3) }, zone)).toThrow(
      /at least 7 days/,
    );
  });

  it('fits any limit without ever planning fewer servers, paying more for tighter limits', () => {
    const busy = weeklyProfile(randomTimeline(7, 120), 'UTC');
    let previousExtra = 0;
    for (const limit of [60, 30, 12, 5, 2, 1]) {
      const compact = compactWeekly(busy, { limit, minHoldMinutes: 0 })!;
      expect(cronRules(compact).length).toBeLessThanOrEqual(limit);
      let extra = 0;
      for (let m = 0; m < WEEK_MINUTES; m += 60) {
        const below = weeklyAt(busy, m);
        const above = weeklyAt(compact, m);
        expect(above).toBeGreaterThanOrEqual(below);
        extra += above - below;
      }
      expect(extra).toBeGreaterThanOrEqual(previousExtra);
      previousExtra = extra;
    }
  });
});

describe('cron day fields', () => {
  it.each([
    [[1, 2, 3, 4, 5], '1-5'],
    [[6, 7], '0,6'],
    [[1, 2, 3, 4, 5, 6, 7], '*'],
    [[1, 3], '1,3'],
    [[5, 6, 7], '0,5,6'],
    [[2, 3], '2,3'],
  ])('%j → %s', (days, field) => expect(cronDays(days)).toBe(field));
});
