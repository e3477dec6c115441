import { describe, expect, it } from 'vitest';
import type { PlannedSchedule } from '../src/schedule/document.js';
import {
  actionsFor,
  nextRun,
  weeklyNames,
  type ActionOptions,
} from '../src/targets/aws/actions.js';
import { diffActions, type ExistingAction } from '../src/targets/aws/diff.js';
import { guardrailProblems } from '../src/targets/aws/guardrails.js';
import { HOUR, DAY } from './helpers/series.js';
import { thrown } from './helpers/thrown.js';
import { GuardrailError } from '../src/errors.js';

const NOW = Date.UTC(2026, 10, 21, 12); // Saturday noon UTC

function planned(entries: [number, number][], end: number, timezone = 'UTC'): PlannedSchedule {
  const schedule = {
    start: entries[0][0],
    end,
    stepMs: HOUR,
    entries: entries.map(([timestamp, capacity], i) => ({
      timestamp,
      capacity,
      change: 0,
      action: i === 0 ? ('initial' as const) : ('scale_up' as const),
    })),
  };
  const peakServers = Math.max(...entries.map(([, c]) => c));
  return {
    origin: 'test',
    timezone,
    schedule,
    peakServers,
    peakPlannedLoad: peakServers * 100,
    maxServers: null,
    historyPeak: peakServers * 100,
    document: {} as PlannedSchedule['document'],
  };
}

const options: ActionOptions = {
  prefix: 'headroom-',
  recurrence: 'auto',
  limit: 125,
  leadMs: 0,
  minHoldMs: 0,
  minSize: 'plan',
  desired: 'plan',
  now: NOW,
};

describe('actions for a plan', () => {
  it('turns a short future plan into one-off actions that start after now', () => {
    const start = NOW - 3 * HOUR; // began in the past
    const plan = planned(
      [
        [start, 3],
        [NOW + 2 * HOUR, 6],
        [NOW + 5 * HOUR, 4],
      ],
      NOW + DAY,
    );
    const set = actionsFor(plan, options);
    expect(set.mode).toBe('once');
    expect(set.actions.map((a) => [a.startTime, a.capacity])).toEqual([
      [NOW + 2 * 60_000, 3],
      [NOW + 2 * HOUR, 6],
      [NOW + 5 * HOUR, 4],
    ]);
    expect(set.actions[1]).toMatchObject({
      name: 'headroom-once-20261121T1400Z',
      minSize: 6,
      desiredCapacity: 6,
    });
    expect(set.actions[1].maxSize).toBeUndefined();
  });

  it('fits one-off actions under the limit and refuses a plan that has already ended', () => {
    const entries: [number, number][] = Array.from({ length: 40 }, (_, i) => [
      NOW + i * HOUR,
      1 + (i % 5),
    ]);
    const set = actionsFor(planned(entries, NOW + 40 * HOUR), { ...options, limit: 10 });
    expect(set.actions).toHaveLength(10);
    expect(new Set(set.actions.map((a) => a.startTime)).size).toBe(10);
    expect(set.extraServerHours).toBeGreaterThan(0);
    expect(() => actionsFor(planned([[NOW - 2 * DAY, 3]], NOW - DAY), options)).toThrow(
      /before now: one-off actions must start in the future/,
    );
  });

  it('refuses an ended plan as a guardrail (exit 4) whose hint fits the plan', async () => {
    // A plan of a day cannot repeat weekly (that refuses plans under a week): plan again.
    const day = await thrown(() => actionsFor(planned([[NOW - 2 * DAY, 3]], NOW - DAY), options));
    expect(day).toBeInstanceOf(GuardrailError);
    expect((day as GuardrailError).hint).toBe('plan again from fresh data');
    // A week of plan can: the hint says how.
    const week = await thrown(() =>
      actionsFor(planned([[NOW - 9 * DAY, 3]], NOW - 2 * DAY), { ...options, recurrence: 'once' }),
    );
    expect((week as GuardrailError).hint).toMatch(/--recurrence weekly/);
    expect(week.message).toMatch(/--force cannot push dates that have passed/);
  });

  it('sets sizes as the flags say', () => {
    const plan = planned(
      [
        [NOW, 3],
        [NOW + HOUR, 8],
      ],
      NOW + 3 * HOUR,
    );
    const set = actionsFor(plan, { ...options, minSize: 2, desired: 'none', maxSize: 20 });
    for (const a of set.actions) {
      expect(a.minSize).toBe(2);
      expect(a.desiredCapacity).toBeUndefined();
      expect(a.maxSize).toBe(20);
    }
  });

  it('names weekly rules by time, reusing the name of the action with the most days in common', () => {
    const rules = [
      { days: [1, 2, 3, 4], minuteOfDay: 9 * 60, capacity: 6 },
      { days: [5], minuteOfDay: 9 * 60, capacity: 7 },
      { days: [6, 7], minuteOfDay: 22 * 60 + 30, capacity: 2 },
    ];
    expect(weeklyNames(rules, [], 'h-')).toEqual([
      'h-weekly-0900',
      'h-weekly-0900-2',
      'h-weekly-2230',
    ]);
    const existing = [
      { name: 'h-weekly-0900', recurrence: '0 9 * * 5', minSize: 7 },
      { name: 'h-weekly-0900-2', recurrence: '0 9 * * 1-4', minSize: 5 },
      { name: 'h-weekly-2230', recurrence: '0 1 * * *', minSize: 2 },
      { name: 'other-weekly-2230', recurrence: '30 22 * * 0,6', minSize: 2 },
    ];
    expect(weeklyNames(rules, existing, 'h-')).toEqual([
      'h-weekly-0900-2',
      'h-weekly-0900',
      'h-weekly-2230-2',
    ]);
  });

  it('finds the next run of a recurring action across a DST change', () => {
    // Saturday 31 October 2026: Monday 2 November 09:00 New York is after the change (EST).
    expect(new Date(nextRun('0 9 * * 1-5', 'America/New_York', Date.UTC(2026, 9, 31))!)).toEqual(
      new Date(Date.UTC(2026, 10, 2, 14)),
    );
    expect(new Date(nextRun('0 9 * * 1-5', 'America/New_York', Date.UTC(2026, 9, 24))!)).toEqual(
      new Date(Date.UTC(2026, 9, 26, 13)),
    );
  });
});

describe('diff against the group', () => {
  const desired = [
    { name: 'headroom-a', recurrence: '0 9 * * 1-5', timeZone: 'UTC', minSize: 5, capacity: 5 },
    { name: 'headroom-b', recurrence: '0 17 * * 1-5', timeZone: 'UTC', minSize: 2, capacity: 2 },
    { name: 'headroom-c', recurrence: '0 8 * * 0,6', timeZone: 'UTC', minSize: 3, capacity: 3 },
  ];
  const existing: ExistingAction[] = [
    { name: 'headroom-a', recurrence: '0 9 * * 1-5', timeZone: 'UTC', minSize: 5, startTime: 1 },
    { name: 'headroom-b', recurrence: '0 17 * * 1-5', timeZone: 'UTC', minSize: 3, maxSize: 9 },
    { name: 'headroom-old', recurrence: '0 3 * * *', minSize: 1 },
    { name: 'batch-nightly', recurrence: '0 2 * * *', minSize: 9 },
  ];

  it('creates, updates and deletes only its own actions', () => {
    const diff = diffActions(existing, desired, 'headroom-');
    expect(diff.changes.map((c) => [c.op, c.name, c.changes])).toEqual([
      ['update', 'headroom-b', ['MinSize 3 → 2']],
      ['create', 'headroom-c', []],
      ['delete', 'headroom-old', []],
    ]);
    expect(diff.unchanged).toBe(1);
    expect(diff.foreign.map((a) => a.name)).toEqual(['batch-nightly']);
  });

  it('compares the start time of one-off actions only', () => {
    const once = [{ name: 'headroom-x', startTime: 1000, minSize: 2, capacity: 2 }];
    expect(
      diffActions([{ name: 'headroom-x', startTime: 2000, minSize: 2 }], once, 'headroom-')
        .changes[0].changes,
    ).toEqual([`StartTime ${new Date(2000).toISOString()} → ${new Date(1000).toISOString()}`]);
  });
});

describe('the one-off run in force now', () => {
  const MINUTE = 60_000;
  const plan = planned(
    [
      [NOW - 3 * HOUR, 3],
      [NOW + 2 * HOUR, 6],
    ],
    NOW + 5 * HOUR,
  );
  const once = { ...options, recurrence: 'once' as const };
  const asExisting = (actions: ExistingAction[]) =>
    actions.map(({ name, startTime, minSize, desiredCapacity }) => ({
      name,
      startTime,
      minSize,
      desiredCapacity,
    }));

  it('keeps the action an earlier push placed for it: a second push minutes later changes nothing', () => {
    const first = actionsFor(plan, once).actions;
    const later = actionsFor(plan, {
      ...once,
      now: NOW + 3 * MINUTE,
      existing: asExisting(first),
    }).actions;
    expect(later).toEqual(first);
    expect(diffActions(asExisting(first), later, 'headroom-').changes).toEqual([]);
  });

  it('needs none once AWS has removed the fired action and the group holds its sizes', () => {
    const [fired, ...rest] = actionsFor(plan, once).actions;
    const later = actionsFor(plan, {
      ...once,
      now: NOW + 3 * MINUTE,
      existing: asExisting(rest),
      current: { minSize: fired.minSize!, desiredCapacity: fired.desiredCapacity! },
    }).actions;
    expect(later).toEqual(rest);
    // A group that does not hold them gets the action again.
    const behind = actionsFor(plan, {
      ...once,
      now: NOW + 3 * MINUTE,
      existing: asExisting(rest),
      current: { minSize: 1, desiredCapacity: 1 },
    }).actions;
    expect(behind).toHaveLength(rest.length + 1);
    expect(behind[0].minSize).toBe(3);
  });
});

describe('guardrails', () => {
  const plan = planned(
    [
      [NOW, 3],
      [NOW + HOUR, 12],
    ],
    NOW + DAY,
  );
  const group = { name: 'web', minSize: 2, maxSize: 10, desiredCapacity: 6, actions: [] };

  it('passes a plan within its history and the group', () => {
    const actions = [{ name: 'a', minSize: 12, maxSize: 20, capacity: 12 }];
    expect(guardrailProblems(plan, actions, group, 3)).toEqual([]);
  });

  it('names growth beyond --max-growth, a MaxSize below running capacity, and a plan above MaxSize', () => {
    const grown = { ...plan, historyPeak: 300 };
    const actions = [{ name: 'a', minSize: 12, maxSize: 5, capacity: 12 }];
    const problems = guardrailProblems(grown, actions, group, 3);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/peak load 1200 is 4× the highest load in its history \(300\)/);
    expect(problems[1]).toMatch(/MaxSize 5 is below the group's current DesiredCapacity 6/);
    expect(problems[2]).toMatch(/needs 12 servers but MaxSize is 5/);
    const unset = guardrailProblems(plan, [{ name: 'a', minSize: 12, capacity: 12 }], group, 3);
    expect(unset).toEqual([
      "the plan needs 12 servers but MaxSize is 10 (the group's): those actions would fail when they run",
    ]);
  });

  it('counts a MaxSize an earlier --max-size left on the action, which an update keeps', () => {
    const roomy = { ...group, maxSize: 40, actions: [{ name: 'a', minSize: 3, maxSize: 8 }] };
    const actions = [{ name: 'a', minSize: 12, capacity: 12 }];
    expect(guardrailProblems(plan, actions, roomy, 3)).toEqual([
      'the plan needs 12 servers but MaxSize is 8 (left on a by an earlier --max-size, which an update keeps; give --max-size to change it): those actions would fail when they run',
    ]);
    expect(guardrailProblems(plan, [{ ...actions[0], maxSize: 20 }], roomy, 3)).toEqual([]);
  });
});
