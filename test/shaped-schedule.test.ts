import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dstMovedNote } from '../src/schedule/dst.js';
import { shapeSchedule } from '../src/schedule/shape.js';
import { capacityAt, type Timeline } from '../src/schedule/timeline.js';
import { cronFirings } from '../src/targets/k8s/cron.js';
import { kedaReplicas } from '../src/targets/k8s/verify.js';
import { ANY_AGE } from './helpers/cli.js';
import {
  FAKE_AWS_ENV,
  startFakeAutoScaling,
  type FakeAutoScaling,
} from './helpers/fake-autoscaling.js';
import { runInProcess } from './helpers/in-process.js';

// Issue 14, item 1: what `plan` writes (schedule.csv) is what `push` applies, and the shaping
// that turns the hourly plan into it (lead time, dips filled, fitted) happens in `plan`.

const HOUR = 3_600_000;

/** `push k8s` of a saved schedule to deployment/web, whatever the history's age. */
const pushK8s = (schedule: string, ...args: string[]) =>
  runInProcess([
    'push',
    'k8s',
    '--schedule',
    schedule,
    '--target',
    'deployment/web',
    ...ANY_AGE,
    ...args,
  ]);
const MINUTE = 60_000;
const T0 = Date.UTC(2030, 0, 7); // a Monday

/** An hourly timeline from T0. */
const hourly = (servers: number[]): Timeline => ({
  end: T0 + servers.length * HOUR,
  steps: servers.map((capacity, i) => ({ start: T0 + i * HOUR, capacity })),
});

/** schedule.csv as [epoch ms, capacity]. */
async function scheduleCsv(file: string): Promise<[number, number][]> {
  const lines = (await readFile(file, 'utf8')).trim().split('\n').slice(1);
  return lines.map((line) => {
    const [timestamp, capacity] = line.split(',');
    return [Date.parse(timestamp), Number(capacity)];
  });
}

/** The change points (time, new count) that weekly cron rules make over [from, to). */
function firings(
  rules: { schedule: string; capacity: number }[],
  zone: string,
  from: number,
  to: number,
) {
  return rules
    .flatMap((r) => cronFirings(r.schedule, zone, from, to - 1).map((t) => [t, r.capacity]))
    .sort((a, b) => a[0] - b[0]) as [number, number][];
}

/**
 * Firings compared with schedule.csv: the same change points, where the first row (the count
 * at the start) is a change only if a rule fires then; what holds at the start is the last
 * firing before it.
 */
function expectSameChanges(
  fired: [number, number][],
  before: [number, number][],
  rows: [number, number][],
) {
  const [first, ...rest] = rows;
  const atStart = fired.some(([t]) => t === first[0]);
  expect(fired).toEqual(atStart ? rows : rest);
  if (!atStart) expect(before.at(-1)?.[1]).toBe(first[1]);
}

describe('shapeSchedule', () => {
  const zone = 'UTC';
  it('fills dips, leads scale-ups and costs what a hand computation says, never below the plan', () => {
    const raw = hourly([3, 5, 4, 3, 5, 5, 3]);
    const shaped = shapeSchedule(raw, {
      leadMs: 5 * MINUTE,
      minHoldMs: HOUR,
      maxChanges: 125,
      zone,
    });
    expect(shaped.mode).toBe('dated');
    // 3→5 moves to 00:55; 3→5 at 04:00 to 03:55, which leaves a 55-minute dip to 3 from 03:00,
    // under --min-hold 1h: filled to 4, the lower neighbour (the 4 then holds 1h55m, kept).
    expect(shaped.timeline.steps).toEqual([
      { start: T0, capacity: 3 },
      { start: T0 + 55 * MINUTE, capacity: 5 },
      { start: T0 + 2 * HOUR, capacity: 4 },
      { start: T0 + 3 * HOUR + 55 * MINUTE, capacity: 5 },
      { start: T0 + 6 * HOUR, capacity: 3 },
    ]);
    // By hand: 2 × 5 min + 1 × 55 min + 2 × 5 min = 75 server-minutes over 28 server-hours.
    expect(shaped.extraServerHours).toBeCloseTo(1.25, 10);
    expect(shaped.rawServerHours).toBe(28);
    expect(shaped.rawChanges).toBe(6);
    expect(shaped.changes).toBe(5);
    for (let t = T0; t < raw.end; t += MINUTE) {
      expect(capacityAt(shaped.timeline, t)).toBeGreaterThanOrEqual(capacityAt(raw, t));
    }
  });

  it('fits into --max-changes at the least extra, still never below the plan', () => {
    const raw = hourly([3, 5, 4, 3, 5, 5, 3]);
    const shaped = shapeSchedule(raw, { leadMs: 0, minHoldMs: 0, maxChanges: 3, zone });
    expect(shaped.timeline.steps).toHaveLength(3);
    for (let t = T0; t < raw.end; t += MINUTE) {
      expect(capacityAt(shaped.timeline, t)).toBeGreaterThanOrEqual(capacityAt(raw, t));
    }
    // Cheapest 3 runs: 3 | 5 (01:00–06:00, +1 at 02:00, +2 at 03:00) | 3: 3 server-hours extra.
    expect(shaped.extraServerHours).toBe(3);
  });

  it('folds a week onto recurring changes, laid on the plan’s dates, none in DST hours', () => {
    // A flapping fleet service: 3 → 5 → 4 → 3 hour by hour, every day for a week.
    const day = [3, 3, 3, 3, 3, 3, 3, 5, 4, 3, 5, 4, 3, 5, 4, 3, 5, 4, 3, 3, 3, 3, 3, 3];
    const raw = hourly(Array.from({ length: 7 }, () => day).flat());
    const shaped = shapeSchedule(raw, {
      leadMs: 0,
      minHoldMs: 2 * HOUR,
      maxChanges: 125,
      zone: 'America/New_York',
    });
    expect(shaped.mode).toBe('weekly');
    expect(shaped.timeline.end).toBe(raw.end);
    for (let t = T0; t < raw.end; t += 15 * MINUTE) {
      expect(capacityAt(shaped.timeline, t)).toBeGreaterThanOrEqual(capacityAt(raw, t));
    }
    expect(shaped.changes).toBeLessThan(shaped.rawChanges);
  });

  it('says which changes it moved off the hours DST skips or repeats', () => {
    // A night rise at 02:00 in New York (07:00 UTC) every day of a week: 02:00 is skipped in March.
    const day = Array.from({ length: 24 }, (_, h) => (h === 7 ? 6 : 3));
    const raw = hourly(Array.from({ length: 7 }, () => day).flat());
    const shaped = shapeSchedule(raw, {
      leadMs: 0,
      minHoldMs: 0,
      maxChanges: 125,
      zone: 'America/New_York',
    });
    expect(shaped.movedForDst).toContain(120);
    const calm = shapeSchedule(
      hourly(Array.from({ length: 7 * 24 }, (_, h) => (h % 24 === 15 ? 6 : 3))),
      {
        leadMs: 0,
        minHoldMs: 0,
        maxChanges: 125,
        zone: 'America/New_York',
      },
    );
    expect(calm.movedForDst).toEqual([]);
    expect(dstMovedNote(shaped.movedForDst, 'America/New_York')).toMatch(
      /^moved changes at \d\d:\d\d(, \d\d:\d\d)* out of the hours that DST skips or repeats in America\/New_York/,
    );
    for (let t = T0; t < raw.end; t += 15 * MINUTE) {
      expect(capacityAt(shaped.timeline, t)).toBeGreaterThanOrEqual(capacityAt(raw, t));
    }
  });
});

describe('plan writes the shaped schedule', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'headroom-shaped-'));
  });

  it('a fleet service’s schedule.csv has no dip shorter than minHold (3 → 5 → 4 → 3 flapping)', async () => {
    // Load that flaps within the day: servers 3 → 5 → 4 → 3 → 5 hour by hour.
    const rows = ['timestamp,load'];
    const shape = [
      300, 300, 300, 300, 300, 300, 300, 500, 400, 300, 500, 400, 300, 500, 400, 300, 500, 400, 300,
      300, 300, 300, 300, 300,
    ];
    for (let d = 0; d < 28; d++) {
      for (let h = 0; h < 24; h++) {
        rows.push(`${new Date(Date.UTC(2024, 0, 1 + d, h)).toISOString()},${shape[h] - 10}`);
      }
    }
    await writeFile(join(dir, 'flap.csv'), rows.join('\n') + '\n');
    await writeFile(
      join(dir, 'headroom.yaml'),
      [
        'version: 1',
        `reports: ${join(dir, 'fleet')}`,
        'defaults:',
        '  capacityPerServer: 100',
        '  targetUtilization: 1',
        '  model: seasonal-naive',
        '  planOn: point',
        '  leadTime: 0',
        '  minHold: 3h',
        '  charts: false',
        'services:',
        '  - name: flappy',
        '    data: flap.csv',
        '',
      ].join('\n'),
    );
    const run = await runInProcess([
      'plan',
      '--config',
      join(dir, 'headroom.yaml'),
      '--workers',
      '1',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const plan = (await readFile(join(dir, 'fleet', 'flappy', 'plan.csv'), 'utf8'))
      .trim()
      .split('\n');
    // plan.csv keeps the hourly raw servers, which flap…
    const servers = plan.slice(1).map((l) => Number(l.split(',').at(-1)));
    expect(new Set(servers.slice(0, 24))).toEqual(new Set([3, 4, 5]));
    // …and schedule.csv (what is pushed) has no run below both neighbours shorter than 3h.
    const steps = await scheduleCsv(join(dir, 'fleet', 'flappy', 'schedule.csv'));
    const doc = JSON.parse(await readFile(join(dir, 'fleet', 'flappy', 'schedule.json'), 'utf8'));
    const end = Date.parse(doc.end);
    expect(doc.shaped).toMatchObject({ mode: 'weekly', minHold: '3h', leadTime: '0' });
    for (let i = 0; i < steps.length; i++) {
      const prev = steps[i - 1] ?? steps.at(-1)!; // weekly: the last run neighbours the first
      const next = steps[i + 1] ?? steps[0];
      const duration = (steps[i + 1]?.[0] ?? end) - steps[i][0];
      const dip = prev[1] > steps[i][1] && next[1] > steps[i][1];
      if (i > 0 && i < steps.length - 1) expect(dip && duration < 3 * HOUR).toBe(false);
    }
    expect(steps.length).toBeLessThan(servers.filter((s, i) => s !== servers[i - 1]).length);
    // The fleet's table and page count the changes that will be applied, not the raw plan's.
    expect(doc.shaped.changes).toBeLessThan(doc.shaped.rawChanges);
    expect(run.stdout).toMatch(
      new RegExp(`^flappy +ok(, push refuses \\(history\\))? +3–5 +${doc.shaped.changes} `, 'm'),
    );
    const page = await readFile(join(dir, 'fleet', 'index.html'), 'utf8');
    expect(page).toContain(
      `${doc.shaped.changes} changes a week (raw plan ${doc.shaped.rawChanges})`,
    );
  }, 60_000);
});

describe('push applies exactly the schedule plan wrote (the demo data)', () => {
  let dir: string;
  let schedule: string;
  let doc: { start: string; end: string; timezone: string; shaped: { changes: number } };
  let fake: FakeAutoScaling;

  const push = (args: string[]) =>
    runInProcess(['push', 'aws', '--group', 'web', ...ANY_AGE, '--json', ...args], {
      env: {
        ...FAKE_AWS_ENV,
        AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
        GITHUB_STEP_SUMMARY: undefined,
      },
    });

  /** Cron rules fire, over the plan (and the week before it), exactly schedule.csv's changes. */
  const expectRulesHold = (
    rules: { schedule: string; capacity: number }[],
    rows: [number, number][],
  ) => {
    const [start, end] = [Date.parse(doc.start), Date.parse(doc.end)];
    expectSameChanges(
      firings(rules, doc.timezone, start, end),
      firings(rules, doc.timezone, start - 7 * 24 * HOUR, start),
      rows,
    );
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'headroom-shaped-demo-'));
    const demo = await runInProcess(['demo', '--out-dir', dir, '--max-changes', '19']);
    expect(demo.code, demo.stderr).toBe(0);
    schedule = join(dir, 'schedule.json');
    doc = JSON.parse(await readFile(schedule, 'utf8'));
  }, 60_000);
  beforeEach(async () => {
    fake = await startFakeAutoScaling({ webMaxSize: 80 });
  });
  afterEach(() => fake.close());

  it('push aws --schedule lists exactly the change points of schedule.csv', async () => {
    const rows = await scheduleCsv(join(dir, 'schedule.csv'));
    const run = await push(['--schedule', schedule]);
    expect(run.code, run.stderr).toBe(0);
    const { actions, mode } = JSON.parse(run.stdout);
    expect(mode).toBe('weekly');
    expect(actions).toHaveLength(doc.shaped.changes);
    const rules = actions.map((a: { recurrence: string; minSize: number; timeZone: string }) => {
      expect(a.timeZone).toBe(doc.timezone);
      return { schedule: a.recurrence, capacity: a.minSize };
    });
    expectRulesHold(rules, rows);
  }, 30_000);

  it('push k8s --schedule holds exactly the change points of schedule.csv (KEDA windows, CronJobs)', async () => {
    const rows = await scheduleCsv(join(dir, 'schedule.csv'));
    const [start, end] = [Date.parse(doc.start), Date.parse(doc.end)];
    const k8s = (format: string) => pushK8s(schedule, '--format', format, '--json');

    const keda = await k8s('keda');
    expect(keda.code, keda.stderr).toBe(0);
    const { windows, floor, maxReplicas } = JSON.parse(keda.stdout);
    const held = kedaReplicas(
      { floor, max: maxReplicas, triggers: windows, zone: doc.timezone },
      start,
      end,
    );
    expect(held.steps.map((s) => [s.start, s.capacity])).toEqual(rows);

    const cron = await k8s('cronjob');
    expect(cron.code, cron.stderr).toBe(0);
    const { changes } = JSON.parse(cron.stdout);
    const rules = changes.map((c: { schedule: string; replicas: number }) => ({
      schedule: c.schedule,
      capacity: c.replicas,
    }));
    expectRulesHold(rules, rows);
  }, 30_000);

  it('push k8s refuses a schedule with more changes than KEDA holds, naming the --max-changes that fits', async () => {
    const wide = await mkdtemp(join(tmpdir(), 'headroom-shaped-default-'));
    expect((await runInProcess(['demo', '--out-dir', wide])).code).toBe(0);
    const refused = await pushK8s(join(wide, 'schedule.json'));
    expect(refused.code).toBe(2);
    const named = /headroom plan … --max-changes (\d+) /.exec(refused.stderr);
    expect(named, refused.stderr).not.toBeNull();
    const fits = Number(named![1]);
    const planned = fits === 19 ? dir : wide;
    if (fits !== 19) {
      expect(
        (await runInProcess(['demo', '--out-dir', wide, '--max-changes', `${fits}`])).code,
      ).toBe(0);
    }
    const pushed = await pushK8s(join(planned, 'schedule.json'));
    expect(pushed.code, pushed.stderr).toBe(0);
  }, 60_000);

  it('a dry run and --apply give byte-for-byte the same action list, and the group holds it', async () => {
    const dry = await push(['--schedule', schedule]);
    expect(dry.code, dry.stderr).toBe(0);
    const applied = await push(['--schedule', schedule, '--apply']);
    expect(applied.code, applied.stderr).toBe(0);
    const list = (stdout: string) => JSON.stringify(JSON.parse(stdout).actions);
    expect(list(applied.stdout)).toBe(list(dry.stdout));
    const held = [...fake.groups.get('web')!.actions.values()]
      .map((a) => `${a.name} ${a.recurrence} ${a.minSize}`)
      .sort();
    const dryActions = JSON.parse(dry.stdout).actions as {
      name: string;
      recurrence: string;
      minSize: number;
    }[];
    expect(held).toEqual(dryActions.map((a) => `${a.name} ${a.recurrence} ${a.minSize}`).sort());
  }, 30_000);

  it('refuses (exit 2) when the group has too few free slots, naming --max-changes', async () => {
    const group = fake.groups.get('web')!;
    for (let i = 0; i < 110; i++) group.actions.set(`team-${i}`, { name: `team-${i}`, minSize: 1 });
    const run = await push(['--schedule', schedule]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`has ${doc.shaped.changes} changes and the group has room for 15`),
    );
    expect(run.stderr).toMatch(/--max-changes 15/);
  }, 30_000);

  it('refuses a --lead-time or --min-hold other than the file’s; an old file is shaped by push, with a note', async () => {
    const lead = await push(['--schedule', schedule, '--lead-time', '10m']);
    expect(lead.code).toBe(2);
    expect(lead.stderr).toMatch(/--lead-time 10m: .*shaped by `plan` with --lead-time 5m/);
    expect(lead.stderr).toMatch(/plan again with --lead-time 10m/);
    const hold = await push(['--schedule', schedule, '--min-hold', '2h', '--lead-time', '300s']);
    expect(hold.code, hold.stderr).toBe(0);

    const old = JSON.parse(await readFile(schedule, 'utf8'));
    delete old.shaped;
    const oldFile = join(dir, 'old.json');
    await writeFile(oldFile, JSON.stringify(old));
    const run = await push(['--schedule', oldFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).notes.join('\n')).toMatch(/does not say how it was shaped/);
  }, 30_000);
});

describe('a service with a push.k8s block is planned to fit its cron objects', () => {
  it('writes a schedule.json that push k8s applies as it is, and says which --max-changes fitted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-shaped-k8s-'));
    await copyFile(join(process.cwd(), 'data', 'nyc_taxi.csv'), join(dir, 'taxi.csv'));
    await writeFile(
      join(dir, 'headroom.yaml'),
      [
        'version: 1',
        'defaults:',
        '  timezone: America/New_York',
        '  agg: sum',
        '  capacityPerServer: 2000',
        '  charts: false',
        'services:',
        '  - name: taxi',
        '    data: taxi.csv',
        '    push:',
        '      k8s:',
        '        target: deployment/web',
        '',
      ].join('\n'),
    );
    const run = await runInProcess(['plan', '--config', join(dir, 'headroom.yaml')]);
    expect(run.code, run.stderr).toBe(0);
    const schedule = join(dir, 'reports', 'taxi', 'schedule.json');
    const doc = JSON.parse(await readFile(schedule, 'utf8'));
    // The default 125 changes need more than KEDA's 24 windows on this plan (see above).
    expect(doc.shaped.maxChanges).toBeLessThan(125);
    const summary = await readFile(join(dir, 'reports', 'taxi', 'summary.md'), 'utf8');
    expect(doc.shaped.fittedTo).toBe(
      `push.k8s (at most 24 KEDA cron windows): --max-changes ${doc.shaped.maxChanges}`,
    );
    expect(summary).toContain(`fitted to ${doc.shaped.fittedTo}`);
    const pushed = await pushK8s(schedule);
    expect(pushed.code, pushed.stderr).toBe(0);
  }, 60_000);
});
