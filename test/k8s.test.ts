import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { capacityAt, type Segment } from '../src/schedule/timeline.js';
import { cronRules, type WeeklyProfile } from '../src/schedule/weekly.js';
import { cronFirings, parseCron, wallTimeInstants } from '../src/targets/k8s/cron.js';
import { avoidDstRanges, dstRanges } from '../src/schedule/dst.js';
import { fitName, isDnsLabel, labelValue, parseTarget } from '../src/targets/k8s/names.js';
import { cronJobReplicas, kedaReplicas } from '../src/targets/k8s/verify.js';
import { bandsOf, datedWindows, weeklyWindows } from '../src/targets/k8s/windows.js';

const NY = 'America/New_York';
const HOUR = 60;
const DAY = 24 * HOUR;
const local = (iso: string, zone = NY) => DateTime.fromISO(iso, { zone }).toMillis();
const show = (t: number, zone = NY) =>
  DateTime.fromMillis(t, { zone }).toFormat('ccc yyyy-MM-dd HH:mm ZZ');

/** A weekly profile from [start minute, capacity] change points (minutes after Monday 00:00). */
function profile(points: [number, number][], zone = NY): WeeklyProfile {
  const segments: Segment[] = points.map(([start, capacity], i) => ({
    start,
    capacity,
    duration: (points[i + 1]?.[0] ?? 7 * DAY + points[0][0]) - start,
  }));
  return { timezone: zone, segments };
}

describe('cron as KEDA and the CronJob controller read it', () => {
  it('parses lists, ranges, steps and Sunday as 0 or 7', () => {
    const spec = parseCron('*/15 9-17 * * 1-5,7');
    expect([...spec.minutes]).toEqual([0, 15, 30, 45]);
    expect([...spec.hours]).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect([...spec.daysOfWeek].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => parseCron('0 25 * * *')).toThrow(/outside 0-23/);
    expect(() => parseCron('0 9 * *')).toThrow(/five fields/);
  });

  it('fires at the same local time on both sides of a DST change', () => {
    const times = cronFirings('55 8 * * 1-5', NY, local('2024-03-07'), local('2024-03-13'));
    expect(times.map((t) => show(t))).toEqual([
      'Thu 2024-03-07 08:55 -05:00',
      'Fri 2024-03-08 08:55 -05:00',
      'Mon 2024-03-11 08:55 -04:00',
      'Tue 2024-03-12 08:55 -04:00',
    ]);
  });

  it('skips a time that a DST gap leaves out, and fires twice in a fold', () => {
    const gap = cronFirings('30 2 * * *', NY, local('2024-03-09'), local('2024-03-12'));
    expect(gap.map((t) => show(t))).toEqual([
      'Sat 2024-03-09 02:30 -05:00',
      'Mon 2024-03-11 02:30 -04:00',
    ]);
    const fold = cronFirings('30 1 3 11 *', NY, local('2024-11-02'), local('2024-11-04'));
    expect(fold.map((t) => show(t))).toEqual([
      'Sun 2024-11-03 01:30 -04:00',
      'Sun 2024-11-03 01:30 -05:00',
    ]);
    expect(wallTimeInstants(NY, 2024, 3, 10, 150)).toEqual([]);
    expect(wallTimeInstants(NY, 2024, 11, 3, 90)).toHaveLength(2);
  });

  it('ORs day-of-month and day-of-week only when both are restricted', () => {
    const both = cronFirings('0 9 1 * 1', 'UTC', Date.UTC(2024, 3, 1), Date.UTC(2024, 3, 16));
    expect(both.map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      '2024-04-01',
      '2024-04-08',
      '2024-04-15',
    ]);
    const dated = cronFirings('0 9 14 3 *', 'UTC', Date.UTC(2024, 0, 1), Date.UTC(2025, 11, 31));
    expect(dated.map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      '2024-03-14',
      '2025-03-14',
    ]);
  });
});

describe('what a KEDA cron trigger holds', () => {
  const from = local('2024-05-06'); // a Monday
  const to = local('2024-05-13');
  const replicasAt = (triggers: { start: string; end: string; replicas: number }[], iso: string) =>
    capacityAt(kedaReplicas({ floor: 2, max: 100, triggers, zone: NY }, from, to), local(iso));

  it('is active from each start to the next end, and the largest trigger wins', () => {
    const triggers = [
      { start: '0 9 * * 1-5', end: '0 18 * * 1-5', replicas: 5 },
      { start: '0 12 * * 1-5', end: '0 13 * * 1-5', replicas: 7 },
    ];
    expect(replicasAt(triggers, '2024-05-07T08:59')).toBe(2);
    expect(replicasAt(triggers, '2024-05-07T09:00')).toBe(5);
    expect(replicasAt(triggers, '2024-05-07T12:30')).toBe(7);
    expect(replicasAt(triggers, '2024-05-07T13:00')).toBe(5);
    expect(replicasAt(triggers, '2024-05-07T18:00')).toBe(2);
    expect(replicasAt(triggers, '2024-05-11T12:30')).toBe(2);
  });

  it('needs an end cron on the next day for a window across midnight', () => {
    const right = [{ start: '0 22 * * 5', end: '0 2 * * 6', replicas: 6 }];
    expect(replicasAt(right, '2024-05-10T23:00')).toBe(6);
    expect(replicasAt(right, '2024-05-11T03:00')).toBe(2);
    // The usual mistake: the end on the same day fires before the start, so the window runs
    // until that end comes round again, next Friday 02:00.
    const wrong = [{ start: '0 22 * * 5', end: '0 2 * * 5', replicas: 6 }];
    expect(replicasAt(wrong, '2024-05-11T03:00')).toBe(6);
    expect(replicasAt(wrong, '2024-05-08T12:00')).toBe(6);
  });

  it('loses a whole window when its end falls into a DST gap (why headroom moves such ends)', () => {
    const triggers = [{ start: '0 22 * * 6', end: '30 2 * * 0', replicas: 6 }];
    const held = kedaReplicas(
      { floor: 2, max: 100, triggers, zone: NY },
      local('2024-03-09T12:00'),
      local('2024-03-10T12:00'),
    );
    expect(capacityAt(held, local('2024-03-09T23:00'))).toBe(2);
  });
});

describe('a KEDA cron trigger in a DST fold', () => {
  it('starts only at the second firing of a start that the fold repeats', () => {
    const triggers = [{ start: '30 1 * * *', end: '0 4 * * *', replicas: 6 }];
    const held = kedaReplicas(
      { floor: 2, max: 100, triggers, zone: NY },
      local('2024-11-02T12:00'),
      local('2024-11-03T12:00'),
    );
    const at = (iso: string) => capacityAt(held, DateTime.fromISO(iso).toMillis());
    expect(at('2024-11-03T01:45:00-04:00')).toBe(2);
    expect(at('2024-11-03T01:45:00-05:00')).toBe(6);
  });
});

describe('bands of a plan', () => {
  it('nests: 09–18 at 5 and 12–13 at 7, not three pieces', () => {
    const segments = [
      { start: 0, duration: 9, capacity: 2 },
      { start: 9, duration: 3, capacity: 5 },
      { start: 12, duration: 1, capacity: 7 },
      { start: 13, duration: 5, capacity: 5 },
      { start: 18, duration: 6, capacity: 2 },
    ];
    expect(bandsOf(segments, 2, false)).toEqual([
      { start: 9, duration: 9, replicas: 5 },
      { start: 12, duration: 1, replicas: 7 },
    ]);
  });

  it('uses no band for a level that only lies inside higher ones', () => {
    // 5, 7, 6, 8 over a floor of 2: 5 everywhere, 6 over 7-6-8, 7 and 8 alone: four bands.
    const segments = [2, 5, 7, 6, 8, 2].map((capacity, i) => ({ start: i, duration: 1, capacity }));
    expect(bandsOf(segments, 2, false)).toEqual([
      { start: 1, duration: 4, replicas: 5 },
      { start: 2, duration: 3, replicas: 6 },
      { start: 2, duration: 1, replicas: 7 },
      { start: 4, duration: 1, replicas: 8 },
    ]);
  });

  it('joins a band across the end of a circular week', () => {
    const segments = [
      { start: 0, duration: 2, capacity: 4 },
      { start: 2, duration: 5, capacity: 1 },
      { start: 7, duration: 3, capacity: 4 },
    ];
    expect(bandsOf(segments, 1, true)).toEqual([{ start: 7, duration: 5, replicas: 4 }]);
  });
});

describe('weekly cron windows', () => {
  it('groups days with the same times and ends a night window on the next day', () => {
    // Weekdays 22:00–04:00 at 6 over a floor of 2.
    const points: [number, number][] = [];
    for (let d = 0; d < 7; d++) {
      points.push([d * DAY + 4 * HOUR, 2]);
      if (d < 5) points.push([d * DAY + 22 * HOUR, 6]);
    }
    const windows = weeklyWindows(profile(points), 2);
    expect(windows).toEqual([
      {
        name: 'headroom-weekdays-2200-6',
        start: '0 22 * * 1-5',
        end: '0 4 * * 2-6',
        replicas: 6,
        description: 'Mon–Fri 22:00 – 04:00 next day',
      },
    ]);
  });

  it('writes a window of several days with the weekday it ends on', () => {
    const windows = weeklyWindows(
      profile([
        [0, 3],
        [4 * DAY + 18 * HOUR, 8],
      ]),
      3,
    );
    expect(windows).toEqual([
      {
        name: 'headroom-fr-1800-8',
        start: '0 18 * * 5',
        end: '0 0 * * 1',
        replicas: 8,
        description: 'Fri 18:00 – Mon 00:00',
      },
    ]);
  });
});

describe('dated cron windows', () => {
  it('share a trigger for the same times within a month, and cross midnight and months', () => {
    const at = (iso: string) => local(iso);
    const bands = [
      { start: at('2024-11-27T09:00'), duration: 8 * 3_600_000, replicas: 5 },
      { start: at('2024-11-28T09:00'), duration: 8 * 3_600_000, replicas: 5 },
      { start: at('2024-11-30T22:00'), duration: 4 * 3_600_000, replicas: 9 },
    ];
    expect(datedWindows(bands, NY)).toEqual([
      {
        name: 'headroom-20241127-0900-5',
        start: '0 9 27,28 11 *',
        end: '0 17 27,28 11 *',
        replicas: 5,
        description: '2024-11-27…28 09:00–17:00',
      },
      {
        name: 'headroom-20241130-2200-9',
        start: '0 22 30 11 *',
        end: '0 2 1 12 *',
        replicas: 9,
        description: '2024-11-30 22:00–Dec 1 02:00',
      },
    ]);
  });

  it('ends at a time that a DST fold repeats: the window holds until its second firing', () => {
    const start = local('2024-11-03T00:00');
    const end = DateTime.fromISO('2024-11-03T01:30-05:00').toMillis();
    const [window] = datedWindows([{ start, duration: end - start, replicas: 4 }], NY);
    expect(window.end).toBe('30 1 3 11 *');
    const held = kedaReplicas(
      { floor: 1, max: 9, triggers: [window], zone: NY },
      start,
      start + 6 * 3_600_000,
    );
    expect(capacityAt(held, end - 60_000)).toBe(4);
    expect(capacityAt(held, end)).toBe(1);
  });

  it('starts before a DST fold, where KEDA would wait for the second firing', () => {
    const start = DateTime.fromISO('2024-11-03T01:30-04:00').toMillis();
    const [window] = datedWindows([{ start, duration: 3_600_000, replicas: 4 }], NY);
    expect(window.start).toBe('59 0 3 11 *');
  });
});

describe('changes away from DST gaps and folds', () => {
  const ranges = dstRanges(NY, local('2024-01-01'));

  it('finds the local hours that New York skips and repeats', () => {
    expect(ranges).toEqual({ gaps: [[120, 180]], folds: [[60, 120]] });
  });

  it('moves a rise in the gap to the minute before it and a fall to its end', () => {
    // Every day: 1 until 02:30, 5 until 02:45, 1 after; Sunday 02:30 does not exist once a year.
    const points: [number, number][] = [];
    for (let d = 0; d < 7; d++) points.push([d * DAY + 150, 5], [d * DAY + 165, 1]);
    const { profile: moved, moved: at } = avoidDstRanges(profile(points), ranges, 'cronjob');
    expect(at).toEqual([150, 165]);
    expect(cronRules(moved).map((r) => [r.days.length, r.minuteOfDay, r.capacity])).toEqual([
      [7, 119, 5],
      [7, 180, 1],
    ]);
  });

  it('holds the highest level through the repeated hour', () => {
    const points: [number, number][] = [];
    for (let d = 0; d < 7; d++) points.push([d * DAY + 9 * HOUR, 4], [d * DAY + 90, 1]);
    points.sort((a, b) => a[0] - b[0]);
    const { profile: moved } = avoidDstRanges(profile(points), ranges, 'cronjob');
    const rules = cronRules(moved).map((r) => [r.minuteOfDay, r.capacity]);
    expect(rules).toEqual([
      [120, 1],
      [540, 4],
    ]);
  });

  it('moves a KEDA start out of the repeated hour, where it would fire twice', () => {
    const points: [number, number][] = [];
    for (let d = 0; d < 7; d++) points.push([d * DAY + 90, 5], [d * DAY + 4 * HOUR, 1]);
    const { profile: moved } = avoidDstRanges(profile(points), ranges, 'keda');
    expect(cronRules(moved).map((r) => [r.minuteOfDay, r.capacity])).toEqual([
      [59, 5],
      [240, 1],
    ]);
  });

  it('then holds the profile through the change, as CronJobs', () => {
    const points: [number, number][] = [];
    for (let d = 0; d < 7; d++) points.push([d * DAY + 150, 5], [d * DAY + 4 * HOUR, 1]);
    const { profile: moved } = avoidDstRanges(profile(points), ranges, 'cronjob');
    const rules = cronRules(moved).map((r) => ({
      schedule: `${r.minuteOfDay % 60} ${Math.floor(r.minuteOfDay / 60)} * * *`,
      replicas: r.capacity,
    }));
    const held = cronJobReplicas({ rules, zone: NY }, local('2024-03-09'), local('2024-03-11'));
    // 02:30 does not exist on 2024-03-10; the rise at 01:59 still comes.
    expect(capacityAt(held, DateTime.fromISO('2024-03-10T03:30-04:00').toMillis())).toBe(5);
    expect(capacityAt(held, DateTime.fromISO('2024-03-10T04:00-04:00').toMillis())).toBe(1);
  });
});

describe('Kubernetes names', () => {
  it('reads kubectl spellings of the target', () => {
    expect(parseTarget('deployment/web')).toEqual({ kind: 'Deployment', name: 'web' });
    expect(parseTarget('deploy/web')).toEqual({ kind: 'Deployment', name: 'web' });
    expect(parseTarget('StatefulSet/db-0.v2')).toEqual({ kind: 'StatefulSet', name: 'db-0.v2' });
    expect(() => parseTarget('pod/web')).toThrow(/deployment\/NAME or statefulset\/NAME/);
    expect(() => parseTarget('deployment/Web_1')).toThrow(/not a valid Kubernetes name/);
  });

  it('shortens long names with a hash, so they stay valid, distinct and stable', () => {
    const long = 'checkout-service-with-a-very-long-name-that-goes-on-and-on-forever';
    const a = fitName(long, 'floor-weekdays-0855', 52);
    const b = fitName(`${long}-2`, 'floor-weekdays-0855', 52);
    expect(a.length).toBeLessThanOrEqual(52);
    expect(a).toMatch(/-floor-weekdays-0855$/);
    expect(isDnsLabel(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(fitName(long, 'floor-weekdays-0855', 52)).toBe(a);
    expect(fitName('web', 'floor-weekdays-0855', 52)).toBe('web-floor-weekdays-0855');
    expect(labelValue('a.b'.repeat(30)).length).toBeLessThanOrEqual(63);
  });
});
