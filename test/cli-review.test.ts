import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'headroom-review-'));
  await writeFile(join(work, 'schedule.json'), JSON.stringify(schedule, null, 2));
  await writeFile(join(work, 'after.csv'), csv);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * The plan of test/review.test.ts in Berlin (UTC+2 in April): from 02:00 local, 4 servers, 2 from
 * 03:00, 6 from 05:00, 1 from 06:00 until 09:00; 100 per server at 50%, 1–6 servers, a 10% budget.
 */
const schedule = {
  format: 'headroom.schedule/v1',
  timezone: 'Europe/Berlin',
  interval: '1h',
  start: '2024-04-22T02:00:00+02:00',
  end: '2024-04-22T09:00:00+02:00',
  source: { file: 'history.csv', valueColumn: 'load', model: 'ridge', quantile: 0.9 },
  capacity: {
    capacityPerServer: 100,
    targetUtilization: 0.5,
    headroom: 0,
    baseServers: 0,
    minServers: 1,
    maxServers: 6,
    rounding: 'ceil',
    planOn: 'risk',
    risk: 0.1,
    peakUtilization: 1,
  },
  summary: { peakServers: 6, peakPlannedLoad: 300, expectedShortShare: 0.05 },
  entries: [
    { timestamp: '2024-04-22T02:00:00+02:00', capacity: 4, change: 0, action: 'initial' },
    { timestamp: '2024-04-22T03:00:00+02:00', capacity: 2, change: -2, action: 'scale_down' },
    { timestamp: '2024-04-22T05:00:00+02:00', capacity: 6, change: 4, action: 'scale_up' },
    { timestamp: '2024-04-22T06:00:00+02:00', capacity: 1, change: -5, action: 'scale_down' },
  ],
};

/** Naive local times, read in the plan's zone; 04:00 is missing; 00:00, 01:00 and 09:00 are outside. */
const csv = [
  'timestamp,load',
  '2024-04-22 00:00:00,999',
  '2024-04-22 01:00:00,999',
  '2024-04-22 02:00:00,150',
  '2024-04-22 03:00:00,210',
  '2024-04-22 05:00:00,380',
  '2024-04-22 06:00:00,130',
  '2024-04-22 07:00:00,20',
  '2024-04-22 08:00:00,10',
  '2024-04-22 09:00:00,999',
  '',
].join('\n');

const review = (...args: string[]) =>
  runInProcess([
    'review',
    join(work, 'schedule.json'),
    join(work, 'after.csv'),
    '--fill-gaps',
    '0',
    ...args,
  ]);

/**
 * 23 generated days as `<prefix>later.csv` (the load that came) and their first 21 as
 * `<prefix>history.csv` (what a plan learns from), with the later file's lines.
 */
async function historyAndLater(prefix: string) {
  const later = join(work, `${prefix}later.csv`);
  const history = join(work, `${prefix}history.csv`);
  expect((await runInProcess(['generate', '--days', '23', '--out', later])).code).toBe(0);
  const lines = (await readFile(later, 'utf8')).trim().split('\n');
  await writeFile(history, lines.slice(0, 1 + 21 * 24).join('\n') + '\n');
  return { later, history, lines };
}

describe('headroom review', () => {
  it('scores the plan against the load, prints every figure as JSON and writes the chart and summary', async () => {
    const out = join(work, 'json');
    const run = await review('--out-dir', out, '--json');
    expect(run.stderr).not.toContain('internal error');
    // Over budget, but without --fail-over-budget that is a finding, not a failure.
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.format).toBe('headroom.review/v1');
    expect(json.schedule).toMatchObject({
      timezone: 'Europe/Berlin',
      start: '2024-04-22T02:00:00+02:00',
      end: '2024-04-22T09:00:00+02:00',
      interval: '1h',
    });
    expect(json.input).toMatchObject({ valueColumn: 'load', rows: 9, interval: '1h' });
    expect(json.budget).toEqual({ share: 0.1, source: "the plan's risk budget" });
    expect(json.figures).toEqual({
      planHours: 7,
      scoredHours: 6,
      missingHours: 1,
      outsideIntervals: 3,
      shortIntervals: 2,
      shortHours: 2,
      shortShare: 0.333333,
      overBudget: true,
      expectedShortShare: 0.05,
      expectedShortHours: 0.3,
      serverHours: 15,
      oracleServerHours: 19,
      excessServerHours: -4,
      aboveOracleServerHours: 1,
      belowOracleServerHours: 5,
      excess: -0.210526,
    });
    expect(json.worst).toEqual([
      {
        time: '2024-04-22T06:00:00+02:00',
        demand: 130,
        servers: 1,
        capacity: 100,
        utilisation: 1.3,
      },
      {
        time: '2024-04-22T03:00:00+02:00',
        demand: 210,
        servers: 2,
        capacity: 200,
        utilisation: 1.05,
      },
      {
        time: '2024-04-22T05:00:00+02:00',
        demand: 380,
        servers: 6,
        capacity: 600,
        utilisation: 0.633333,
      },
      {
        time: '2024-04-22T02:00:00+02:00',
        demand: 150,
        servers: 4,
        capacity: 400,
        utilisation: 0.375,
      },
      {
        time: '2024-04-22T07:00:00+02:00',
        demand: 20,
        servers: 1,
        capacity: 100,
        utilisation: 0.2,
      },
    ]);
    expect(json.steps).toHaveLength(6);
    expect(json.steps[1]).toEqual({
      time: '2024-04-22T03:00:00+02:00',
      demand: 210,
      servers: 2,
      oracle: 5,
      short: true,
    });

    expect((await readdir(out)).sort()).toEqual(['review.md', 'review.png']);
    const png = await readFile(join(out, 'review.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 600]);
    const md = await readFile(join(out, 'review.md'), 'utf8');
    expect(md).toContain('| short hours (above 100%) | 2 (33.3%): over the 10% budget');
    expect(md).toContain('| 2024-04-22 06:00 | 130 | 1 | 100 | 130% |');
    expect(md).toContain('![review](review.png)');
  });

  it('prints a table and the worst hours in the plan’s zone', async () => {
    const run = await review('--out-dir', join(work, 'text'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^hours scored\s+6 of 7 \(1 without data\)$/m);
    expect(run.stdout).toMatch(
      /^short hours \(above 100%\)\s+2 \(33\.3%\): over the 10% budget \(the plan's risk budget\)$/m,
    );
    expect(run.stdout).toMatch(
      /^server-hours\s+15 planned, 19 for the actual demand at 50%: −4 \(−21\.1%\)$/m,
    );
    expect(run.stdout).toMatch(/^peak utilisation\s+130% at 2024-04-22 06:00$/m);
    expect(run.stdout).toMatch(/^2024-04-22 06:00\s+130\s+1\s+100\s+130%$/m);
    expect(run.stderr).toContain('3 interval(s) of');
  });

  it('exits 6 with --fail-over-budget when the plan went over its budget, and 0 within it', async () => {
    const over = await review('--out-dir', join(work, 'over'), '--fail-over-budget');
    expect(over.code).toBe(6);
    expect(over.stdout).toContain('over the 10% budget');
    expect(over.stderr).toContain('warning: 33.3% of the scored hours were above 100% of capacity');
    expect((await readdir(join(work, 'over'))).sort()).toEqual(['review.md', 'review.png']);

    const within = await review(
      '--out-dir',
      join(work, 'within'),
      '--fail-over-budget',
      '--budget',
      '40%',
    );
    expect(within.code).toBe(0);
    expect(within.stdout).toContain('within the 40% budget (--budget)');
  });

  it('refuses a file that is not a schedule, and a CSV with no load inside the plan, with exit 2', async () => {
    const wrong = join(work, 'backtest.json');
    await writeFile(wrong, JSON.stringify({ format: 'headroom.backtest/v1' }));
    const notSchedule = await runInProcess(['review', wrong, join(work, 'after.csv')]);
    expect(notSchedule.code).toBe(2);
    expect(notSchedule.stderr).toContain('expected "format": "headroom.schedule/v1"');
    expect(notSchedule.stderr).toContain('hint: pass the schedule.json that `headroom plan` wrote');
    expect(notSchedule.stderr).not.toContain('    at ');

    const swapped = await runInProcess([
      'review',
      join(work, 'after.csv'),
      join(work, 'schedule.json'),
    ]);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toContain('not valid JSON');

    // A capacity without its capacity per server: the key is named as missing.
    const capacity: Partial<typeof schedule.capacity> = { ...schedule.capacity };
    delete capacity.capacityPerServer;
    const uncapped = join(work, 'no-capacity.json');
    await writeFile(uncapped, JSON.stringify({ ...schedule, capacity }));
    const noCapacity = await runInProcess(['review', uncapped, join(work, 'after.csv')]);
    expect(noCapacity.code).toBe(2);
    expect(noCapacity.stderr).toContain(
      '"capacity.capacityPerServer" must be a positive number, found nothing (the key is missing)',
    );

    const before = join(work, 'before.csv');
    await writeFile(before, 'timestamp,load\n2024-04-20T00:00:00Z,1\n2024-04-20T01:00:00Z,2\n');
    const empty = await runInProcess([
      'review',
      join(work, 'schedule.json'),
      before,
      '--out-dir',
      join(work, 'empty'),
    ]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(
      "has no load inside the plan's span 2024-04-22T02:00:00+02:00 – 2024-04-22T09:00:00+02:00; it covers 2024-04-20T02:00:00+02:00 – 2024-04-20T04:00:00+02:00",
    );
    await expect(readdir(join(work, 'empty'))).rejects.toThrow();
  });

  it('a plan of several metrics is reviewed as the metric the load is (--metric-name)', async () => {
    const { later, history } = await historyAndLater('metrics-');
    const planDir = join(work, 'metrics-plan');
    const plan = await runInProcess([
      'plan',
      '--metric',
      `requests=${history},capacity=100`,
      '--metric',
      `cpu=${history},capacity=50`,
      '--horizon',
      '2d',
      '--no-charts',
      '--out-dir',
      planDir,
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    const schedule = join(planDir, 'schedule.json');
    const reviewAs = (...extra: string[]) =>
      runInProcess([
        'review',
        schedule,
        later,
        '--out-dir',
        join(work, 'metrics-review'),
        ...extra,
      ]);

    const unsaid = await reviewAs();
    expect(unsaid.code).toBe(2);
    expect(unsaid.stderr).toMatch(/plans 2 metrics \(requests, cpu\).*say which this load is/);
    expect(unsaid.stderr).toMatch(/hint: add --metric-name requests \(or cpu\)/);

    const capacities = [];
    for (const name of ['requests', 'cpu']) {
      const run = await reviewAs('--metric-name', name, '--json');
      expect(run.code === 0 || run.code === 6, run.stderr).toBe(true);
      const json = JSON.parse(run.stdout);
      capacities.push(json.schedule.capacity.capacityPerServer);
      for (const hour of json.worst) expect(hour.capacity).toBe(hour.servers * capacities.at(-1));
    }
    expect(capacities).toEqual([100, 50]);

    const unknown = await reviewAs('--metric-name', 'memory');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--metric-name memory: .* plans requests, cpu/);
  });

  it('reviews a schedule the real `headroom plan` wrote, against the days after its history', async () => {
    const { later, history, lines } = await historyAndLater('');
    const planDir = join(work, 'plan');
    const plan = await runInProcess([
      'plan',
      history,
      '--horizon',
      '2d',
      '--capacity-per-server',
      '100',
      '--out-dir',
      planDir,
    ]);
    expect(plan.code).toBe(0);
    const planned = JSON.parse(await readFile(join(planDir, 'schedule.json'), 'utf8'));

    const run = await runInProcess([
      'review',
      join(planDir, 'schedule.json'),
      later,
      '--out-dir',
      join(work, 'real'),
      '--json',
      '--fail-over-budget',
    ]);
    const json = JSON.parse(run.stdout);
    expect(json.figures).toMatchObject({
      planHours: 48,
      scoredHours: 48,
      missingHours: 0,
      outsideIntervals: 504,
    });
    expect(json.figures.expectedShortShare).toBe(planned.summary.expectedShortShare);
    expect(json.budget).toEqual({ share: 0.01, source: "the plan's risk budget" });
    // The planned server-hours are those of the schedule that is applied, read per hour: above the
    // raw plan's where dips were filled, not above what shaping added (its 5-minute leads fall
    // inside the hour before).
    expect(planned.shaped.extraServerHours).toBeGreaterThan(0);
    expect(json.figures.serverHours).toBeGreaterThan(planned.summary.serverHours);
    expect(json.figures.serverHours).toBeLessThanOrEqual(
      planned.summary.serverHours + planned.shaped.extraServerHours,
    );
    expect(json.figures.shortShare).toBeCloseTo(json.figures.shortIntervals / 48, 5);
    expect(run.code).toBe(json.figures.overBudget ? 6 : 0);
    expect(run.stderr).not.toMatch(/same series/);

    // The same load in another unit (per 1,000): named, not scored in silence.
    const thousandths = join(work, 'later-k.csv');
    await writeFile(
      thousandths,
      lines
        .map((line, i) =>
          i === 0 ? line : line.replace(/,([\d.]+)$/, (_, v) => `,${Number(v) / 1000}`),
        )
        .join('\n') + '\n',
    );
    const other = await runInProcess([
      'review',
      join(planDir, 'schedule.json'),
      thousandths,
      '--out-dir',
      join(work, 'other'),
    ]);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toMatch(
      /warning: the load peaks at [\d.]+, 1\/\d[\d,]* the peak of the history the plan learned from \([\d.,]+\): is it the same series, in the same unit\?/,
    );
  });
});
