import { describe, expect, it } from 'vitest';
import { applied, CapacityCheck, cronRuns } from '../src/targets/aws/capacity.js';
import type { ActionChange, ExistingAction } from '../src/targets/aws/diff.js';
import { nextUnit } from '../src/targets/aws/group.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONDAY = Date.UTC(2026, 10, 23);

describe('cron runs of the group’s actions, foreign ones included', () => {
  it('reads steps, ranges, names and the day-of-month/day-of-week rule', () => {
    expect(cronRuns('*/30 9-10 * * MON-FRI', 'UTC', MONDAY, MONDAY + 7 * DAY)).toHaveLength(20);
    expect(cronRuns('0 0 1 12 *', 'UTC', MONDAY, MONDAY + 14 * DAY)).toEqual([
      Date.UTC(2026, 11, 1),
    ]);
    // Both restricted: either matches (Tuesday 1 December, and every Sunday).
    expect(cronRuns('0 0 1 * 0', 'UTC', MONDAY, MONDAY + 14 * DAY)).toHaveLength(3);
    expect(cronRuns('0 9 * * 1', 'America/New_York', MONDAY, MONDAY + DAY)).toEqual([
      MONDAY + 14 * HOUR,
    ]);
    expect(cronRuns('every day', 'UTC', MONDAY, MONDAY + DAY)).toBeUndefined();
  });
});

describe('the order of a push', () => {
  // The README's case: "55 13 * * 2-4" narrows to "2,3" and Thursday gets its own action.
  const old: ExistingAction[] = [
    { name: 'h-0000', recurrence: '0 0 * * *', timeZone: 'UTC', minSize: 8 },
    { name: 'h-1355', recurrence: '55 13 * * 2-4', timeZone: 'UTC', minSize: 35 },
  ];
  const update: ActionChange = {
    op: 'update',
    name: 'h-1355',
    existing: old[1],
    desired: {
      name: 'h-1355',
      recurrence: '55 13 * * 2,3',
      timeZone: 'UTC',
      minSize: 35,
      capacity: 35,
    },
    changes: [],
  };
  const create: ActionChange = {
    op: 'create',
    name: 'h-1355-2',
    desired: {
      name: 'h-1355-2',
      recurrence: '55 13 * * 4',
      timeZone: 'UTC',
      minSize: 31,
      capacity: 31,
    },
    changes: [],
  };

  it('finds where a state holds less than both plans, and puts the add-back first', () => {
    const after = applied(applied(old, update), create);
    const check = new CapacityCheck(old, after, MONDAY, 4);
    expect(check.shortfall(old)).toBeUndefined();
    expect(check.shortfall(after)).toBeUndefined();
    expect(check.shortfall(applied(old, update))).toEqual({
      time: MONDAY + 3 * DAY + 13 * HOUR + 55 * 60_000,
      servers: 8,
      before: 35,
      after: 31,
    });
    const safe = (actions: ExistingAction[]) => !check.shortfall(actions);
    // The update alone cannot go; the create can, and then the update.
    expect(nextUnit(old, [update], 125, safe)).toBeUndefined();
    const unit = nextUnit(old, [update, create], 125, safe)!;
    expect(unit.map((s) => [s.op, s.batch.map((c) => c.name)])).toEqual([
      ['put', ['h-1355', 'h-1355-2']],
    ]);
  });
});
