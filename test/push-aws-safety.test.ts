import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import {
  FAKE_AWS_ENV,
  startFakeAutoScaling,
  type FakeAction,
  type FakeAutoScaling,
} from './helpers/fake-autoscaling.js';

// `headroom push aws` (the built CLI, the real SDK client) against the loopback endpoint: what a
// push that stops half-way leaves on the group, one-off start times that clash with foreign
// actions, and prefixes that would take over the group.
let fake: FakeAutoScaling;
let dir: string;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONDAY = Date.UTC(2026, 10, 23);

const credentials = { ...FAKE_AWS_ENV, GITHUB_STEP_SUMMARY: undefined };

function push(args: string[]) {
  return runInProcess(['push', 'aws', '--group', 'web', ...args], {
    env: {
      ...credentials,
      AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
    },
  });
}

/** A schedule.json from change points [time, servers], the first one at `start`. */
async function scheduleFile(name: string, points: [number, number][], end: number) {
  const entries = points.map(([time, capacity]) => ({
    timestamp: new Date(time).toISOString(),
    capacity,
    change: 0,
  }));
  const doc = {
    format: 'headroom.schedule/v1',
    timezone: 'UTC',
    interval: '5m',
    start: entries[0].timestamp,
    end: new Date(end).toISOString(),
    source: {},
    capacity: { maxServers: null },
    summary: { peakServers: Math.max(...points.map((p) => p[1])), peakPlannedLoad: 100 },
    entries,
  };
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(doc));
  return file;
}

/** A weekly plan: `level(day, minuteOfDay)` at each of `times` (minutes) on every day, Monday = 0. */
function week(times: number[], level: (day: number, minute: number) => number) {
  const points: [number, number][] = [];
  for (let day = 0; day < 7; day++) {
    for (const minute of times)
      points.push([MONDAY + day * DAY + minute * MINUTE, level(day, minute)]);
  }
  return points;
}

// ---- An evaluator of the group's actions, written apart from the code under test. ----

/** The days (0 = Sunday) a cron day-of-week field names: "*", "1-5", "2,3". */
function cronDays(field: string): Set<number> {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const [a, b] = part === '*' ? [0, 6] : part.split('-').map(Number);
    for (let d = a; d <= (b ?? a); d++) days.add(d % 7);
  }
  return days;
}

/** The last time at or before `t` that an action ran, if it has. */
function lastRun(action: FakeAction, t: number): number | undefined {
  if (!action.recurrence) {
    const start = Date.parse(action.startTime!);
    return start <= t ? start : undefined;
  }
  const [minute, hour, , , dow] = action.recurrence.split(' ');
  const days = cronDays(dow);
  let day = DateTime.fromMillis(t, { zone: action.timeZone ?? 'UTC' }).startOf('day');
  for (let i = 0; i <= 8; i++, day = day.minus({ days: 1 })) {
    const at = day.set({ hour: Number(hour), minute: Number(minute) }).toMillis();
    if (days.has(day.weekday % 7) && at <= t) return at;
  }
  return undefined;
}

/** Servers the group's actions hold at `t`: the last action to run (the lower on a tie). */
function serversAt(actions: FakeAction[], t: number, baseline: number): number {
  let best: { at: number; level: number } | undefined;
  for (const a of actions) {
    const at = lastRun(a, t);
    const level = Math.max(a.minSize ?? 0, a.desiredCapacity ?? 0);
    if (at === undefined) continue;
    if (!best || at > best.at || (at === best.at && level < best.level)) best = { at, level };
  }
  return best?.level ?? baseline;
}

const copy = (actions: Map<string, FakeAction>) =>
  new Map([...actions].map(([k, v]) => [k, { ...v }]));
const batchCalls = () => fake.requests.filter((r) => r.action.startsWith('Batch')).length;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-push-aws-safety-'));
});
beforeEach(async () => {
  fake = await startFakeAutoScaling();
});
afterEach(() => fake.close());

describe('a push stopped after any batch leaves at least the smaller of the old and the new plan', () => {
  // Every hour's servers after each prefix of the batch calls, against min(old plan, new plan).
  const base = [0, 120, 240, 360, 480, 600, 720, 835, 1080, 1200, 1320]; // 13:55 is 835
  const f = (day: number, minute: number) => 5 + ((day * 7 + Math.floor(minute / 60) * 3) % 11);
  const cases: {
    name: string;
    old: () => [number, number][];
    next: () => [number, number][];
    end: () => number;
    once?: boolean;
  }[] = [
    {
      // "55 13 * * 2-4" narrows to "2,3" (an update) while Thursday's 13:55 becomes its own
      // action (a create); 75 other actions change too, so the changes take two put calls.
      name: 'days narrowed in one action and added back in another, 77 changes',
      old: () => week(base, (d, m) => (m === 835 && d >= 1 && d <= 3 ? 35 : f(d, m))),
      next: () =>
        week(base, (d, m) => (m === 835 && d >= 1 && d <= 3 ? (d === 3 ? 31 : 35) : f(d, m) + 1)),
      end: () => MONDAY + 7 * DAY,
    },
    {
      // Thursday's 09:00 step is deleted, 13:00 narrows to Wednesday only, and a new 08:00
      // action carries Thursday: the delete must go before the narrowing update.
      name: 'a delete that must go before a narrowing update',
      old: () => [
        [MONDAY, 5],
        [MONDAY + 2 * DAY + 13 * HOUR, 30],
        [MONDAY + 2 * DAY + 20 * HOUR, 5],
        [MONDAY + 3 * DAY + 9 * HOUR, 12],
        [MONDAY + 3 * DAY + 13 * HOUR, 30],
        [MONDAY + 3 * DAY + 20 * HOUR, 5],
      ],
      next: () => [
        [MONDAY, 5],
        [MONDAY + 2 * DAY + 13 * HOUR, 30],
        [MONDAY + 2 * DAY + 20 * HOUR, 5],
        [MONDAY + 3 * DAY + 8 * HOUR, 30],
        [MONDAY + 3 * DAY + 20 * HOUR, 5],
      ],
      end: () => MONDAY + 7 * DAY,
    },
    {
      // One-off actions: the ramp moves an hour earlier and the evening dips lower.
      name: 'one-off actions that move',
      once: true,
      old: () => {
        const s = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;
        return [
          [s, 10],
          [s + 3 * HOUR, 20],
          [s + 6 * HOUR, 8],
        ];
      },
      next: () => {
        const s = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;
        return [
          [s, 10],
          [s + 2 * HOUR, 20],
          [s + 5 * HOUR, 6],
          [s + 8 * HOUR, 12],
        ];
      },
      end: () => Math.ceil(Date.now() / HOUR) * HOUR + 13 * HOUR,
    },
  ];

  it.each(cases)(
    '$name',
    async ({ old, next, end, once }) => {
      const flags = [
        '--lead-time',
        '0',
        '--min-hold',
        '0',
        ...(once ? ['--recurrence', 'once'] : []),
      ];
      const oldFile = await scheduleFile('old', old(), end());
      const newFile = await scheduleFile('new', next(), end());
      const group = fake.groups.get('web')!;
      const first = await push(['--schedule', oldFile, ...flags, '--apply']);
      expect(first.code, first.stderr).toBe(0);
      const before = copy(group.actions);

      const calls = batchCalls();
      const full = await push(['--schedule', newFile, ...flags, '--apply']);
      expect(full.code, full.stderr + full.stdout).toBe(0);
      const batches = batchCalls() - calls;
      const after = copy(group.actions);
      expect(batches).toBeGreaterThanOrEqual(2);

      const now = Date.now();
      const samples = Array.from(
        { length: (7 * DAY) / (15 * MINUTE) },
        (_, i) => now + i * 15 * MINUTE,
      );
      const floor = samples.map((t) =>
        Math.min(serversAt([...before.values()], t, 4), serversAt([...after.values()], t, 4)),
      );
      const short: string[] = [];
      for (let k = 1; k <= batches; k++) {
        group.actions = copy(before);
        fake.failBatchesFrom = batchCalls() + k;
        const run = await push(['--schedule', newFile, ...flags, '--apply']);
        expect(run.code, run.stderr).toBe(3);
        const actions = [...group.actions.values()];
        samples.forEach((t, i) => {
          const servers = serversAt(actions, t, 4);
          if (servers < floor[i]) {
            short.push(
              `stopped at batch call ${k}: ${new Date(t).toISOString()} holds ${servers} servers, the plans ${serversAt([...before.values()], t, 4)} and ${serversAt([...after.values()], t, 4)}`,
            );
          }
        });
        fake.failBatchesFrom = Infinity;
        // Running the push again finishes the job.
        const again = await push(['--schedule', newFile, ...flags, '--apply']);
        expect(again.code, again.stderr).toBe(0);
        expect(group.actions).toEqual(after);
      }
      expect(short.slice(0, 5)).toEqual([]);
    },
    120_000,
  );
});

describe('one-off actions and foreign start times', () => {
  it('moves an action off a foreign action’s start time, says so, and converges', async () => {
    const s = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;
    const file = await scheduleFile(
      'once',
      [
        [s, 6],
        [s + 2 * HOUR, 12],
        [s + 5 * HOUR, 4],
      ],
      s + 8 * HOUR,
    );
    const group = fake.groups.get('web')!;
    const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
    group.actions.set('team-deploy', {
      name: 'team-deploy',
      startTime: iso(s + 2 * HOUR),
      minSize: 3,
    });
    group.actions.set('team-drain', {
      name: 'team-drain',
      startTime: iso(s + 5 * HOUR),
      minSize: 2,
    });
    const flags = [
      '--schedule',
      file,
      '--recurrence',
      'once',
      '--lead-time',
      '0',
      '--min-hold',
      '0',
    ];
    const run = await push([...flags, '--apply', '--json']);
    expect(run.code, run.stdout).toBe(0);
    const starts = [...group.actions.values()]
      .filter((a) => a.name.startsWith('headroom-'))
      .map((a) => [Date.parse(a.startTime!), a.minSize]);
    // The scale-up moves a minute earlier, the scale-down a minute later: never less capacity.
    expect(starts.sort((a, b) => a[0]! - b[0]!)).toEqual([
      [s, 6],
      [s + 2 * HOUR - MINUTE, 12],
      [s + 5 * HOUR + MINUTE, 4],
    ]);
    const notes: string[] = JSON.parse(run.stdout).notes;
    const up = DateTime.fromMillis(s + 2 * HOUR - MINUTE, { zone: 'UTC' }).toFormat(
      "yyyyMMdd'T'HHmm'Z'",
    );
    expect(notes.join('\n')).toMatch(
      new RegExp(`headroom-once-${up} starts 1 minute earlier .*'team-deploy'`),
    );
    expect(notes.join('\n')).toMatch(/1 minute later .*'team-drain'/);
    const again = await push(flags);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing to change/);
  }, 30_000);
});

describe('the prefix that decides which actions headroom owns', () => {
  function foreignGroup() {
    const group = fake.groups.get('web')!;
    for (let i = 0; i < 100; i++) {
      group.actions.set(`team-${i}`, {
        name: `team-${i}`,
        recurrence: `${i % 60} 3 * * *`,
        minSize: 1,
      });
    }
    return copy(group.actions);
  }

  it.each([[''], ['  '], ['ab']])('refuses --prefix %j and changes nothing', async (prefix) => {
    const before = foreignGroup();
    const file = await scheduleFile(
      'prefix',
      week([0, 600], (d, m) => (m ? 8 : 3)),
      MONDAY + 7 * DAY,
    );
    const run = await push(['--schedule', file, '--prefix', prefix, '--apply']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--prefix .*at least 3 characters/);
    expect(run.stderr).toMatch(/hint: .*headroom-/);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(fake.calls('BatchDeleteScheduledAction')).toHaveLength(0);
    expect(fake.groups.get('web')!.actions).toEqual(before);
  });

  it('refuses prefix: "" in a config push block', async () => {
    const before = foreignGroup();
    const csv = join(dir, 'load.csv');
    expect((await runInProcess(['generate', '--days', '14', '--out', csv])).code).toBe(0);
    for (const prefix of ['""', 'ab']) {
      const config = join(dir, 'prefix.yaml');
      await writeFile(
        config,
        [
          'services:',
          '  - name: web',
          `    data: ${csv}`,
          '    capacityPerServer: 60',
          '    push:',
          `      aws: { group: web, prefix: ${prefix} }`,
        ].join('\n'),
      );
      const run = await runInProcess(['push', 'aws', '--config', config, '--apply'], {
        env: {
          ...credentials,
          AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
        },
      });
      expect(run.code, run.stdout).toBe(2);
      expect(run.stderr).toMatch(/prefix.*at least 3 characters/);
      expect(fake.groups.get('web')!.actions).toEqual(before);
    }
  }, 60_000);
});

describe('after an action fails, the push goes on only where that stays safe', () => {
  it('skips the changes that would drop below both plans without the failed one', async () => {
    const flags = ['--lead-time', '0', '--min-hold', '0'];
    const oldFile = await scheduleFile(
      'old-c',
      [
        [MONDAY, 5],
        [MONDAY + 2 * DAY + 13 * HOUR, 30],
        [MONDAY + 2 * DAY + 20 * HOUR, 5],
        [MONDAY + 3 * DAY + 9 * HOUR, 12],
        [MONDAY + 3 * DAY + 13 * HOUR, 30],
        [MONDAY + 3 * DAY + 20 * HOUR, 5],
      ],
      MONDAY + 7 * DAY,
    );
    const newFile = await scheduleFile(
      'new-c',
      [
        [MONDAY, 5],
        [MONDAY + 2 * DAY + 13 * HOUR, 30],
        [MONDAY + 2 * DAY + 20 * HOUR, 5],
        [MONDAY + 3 * DAY + 8 * HOUR, 30],
        [MONDAY + 3 * DAY + 20 * HOUR, 5],
      ],
      MONDAY + 7 * DAY,
    );
    expect((await push(['--schedule', oldFile, ...flags, '--apply'])).code).toBe(0);
    const before = copy(fake.groups.get('web')!.actions);
    // Thursday 08:00 is the new action that carries Thursday; without it, nothing else may go.
    fake.failPuts.set('headroom-weekly-0800', 'ValidationError');
    const run = await push(['--schedule', newFile, ...flags, '--apply', '--json']);
    expect(run.code).toBe(3);
    const { outcome } = JSON.parse(run.stdout);
    expect(outcome.failed.map((f: { name: string }) => f.name)).toEqual(['headroom-weekly-0800']);
    expect(outcome.applied).toEqual([]);
    expect(outcome.notAttempted).toHaveLength(2);
    expect(fake.groups.get('web')!.actions).toEqual(before);
    const text = await push(['--schedule', newFile, ...flags, '--apply']);
    expect(text.stdout).toMatch(/each change left would leave the group below both plans/);
  }, 30_000);
});
