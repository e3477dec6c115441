import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

const column = (csv: string, index: number) =>
  csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[index]));

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'headroom-events-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('events and holidays', () => {
  it('lifts the forecast and the plan on a future event day by its lift', async () => {
    // The ELB history ends 2014-04-24; 2014-04-26 is inside the 7-day horizon.
    const events = join(work, 'events.csv');
    await writeFile(events, 'date,name,lift\n2014-04-26,launch,2\n');
    const args = ['plan', ELB, '--agg', 'sum', '--model', 'ridge', '--capacity-per-server', '50'];
    const base = await runInProcess([...args, '--out-dir', join(work, 'base')]);
    const lifted = await runInProcess([
      ...args,
      '--events',
      events,
      '--out-dir',
      join(work, 'lifted'),
    ]);
    expect(base.code).toBe(0);
    expect(lifted.code).toBe(0);
    expect(lifted.stderr).toContain('2014-04-26 launch: forecast × 2');
    // A CI reader of summary.md sees why that day needs more servers.
    const summary = await readFile(join(work, 'lifted', 'summary.md'), 'utf8');
    expect(summary).toMatch(
      /## Notes\n\n(- .*\n)*- 2014-04-26 launch: forecast × 2 \(the lift in --events\)\n/,
    );
    expect(await readFile(join(work, 'base', 'summary.md'), 'utf8')).not.toContain('launch');
    const read = async (dir: string) => readFile(join(work, dir, 'plan.csv'), 'utf8');
    const [before, after] = [await read('base'), await read('lifted')];
    const stamps = before
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    const [f0, f1] = [column(before, 1), column(after, 1)];
    const [s0, s1] = [column(before, 3), column(after, 3)];
    stamps.forEach((stamp, i) => {
      if (stamp.startsWith('2014-04-26')) {
        expect(f1[i]).toBeCloseTo(2 * f0[i], 2);
        expect(s1[i]).toBeGreaterThanOrEqual(s0[i]);
      } else {
        expect(f1[i]).toBe(f0[i]);
      }
    });
    expect(s1.reduce((a, b) => a + b)).toBeGreaterThan(s0.reduce((a, b) => a + b));
  });

  it('names an unknown holiday country and a bad events row', async () => {
    const country = await runInProcess([
      'plan',
      ELB,
      '--holidays',
      'XX',
      '--out-dir',
      join(work, 'x'),
    ]);
    expect(country.code).toBe(2);
    expect(country.stderr).toContain('XX');
    const bad = join(work, 'bad-events.csv');
    await writeFile(bad, 'date,name\n2014-04-26,ok\nnot-a-date,broken\n');
    const row = await runInProcess(['plan', ELB, '--events', bad, '--out-dir', join(work, 'y')]);
    expect(row.code).toBe(2);
    expect(row.stderr).toContain(`${bad}:3:`);
  });

  it('notes the holidays that fall inside the forecast', async () => {
    const run = await runInProcess([
      'forecast',
      ELB,
      '--agg',
      'sum',
      '--holidays',
      'US',
      '--horizon',
      '40d',
      '--out',
      join(work, 'f.csv'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('the forecast includes 2014-05-26 Memorial Day (holiday)');
  });
});
