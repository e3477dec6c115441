import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

// The numbers a person reads agree: one time format (local, the zone named once), no figure that
// repeats another under a different name, and a --max-servers that cuts the plan is in the figures.

/** `headroom plan` of the ELB history with `flags`, into a fresh folder. */
async function plan(...flags: string[]) {
  const out = await mkdtemp(join(tmpdir(), 'headroom-summary-'));
  const run = await runInProcess([
    'plan',
    ELB,
    '--agg',
    'sum',
    '--capacity-per-server',
    '300',
    ...flags,
    '--out-dir',
    out,
  ]);
  expect(run.code, run.stderr).toBe(0);
  const read = (name: string) => readFile(join(out, name), 'utf8');
  return { run, summary: await read('summary.md'), page: await read('index.html') };
}

describe('summary.md and the plan output', () => {
  it('name the hours --max-servers cuts, keep one time format and do not repeat the forecast', async () => {
    const { run, summary, page } = await plan(
      '--max-servers',
      '4',
      '--timezone',
      'America/New_York',
    );
    // One wording in the plan output, its warning and summary.md, with the hours it cuts.
    const capped =
      /(\d+) interval\(s\) \((\d+) hours\) need more than --max-servers 4: planned at it/.exec(
        run.stdout,
      );
    expect(capped).not.toBeNull();
    expect(capped![2]).toBe(capped![1]); // hourly intervals
    expect(run.stderr).toContain(`warning: ${capped![0]}`);
    expect(run.stdout).not.toMatch(/peak planned load/);
    expect(summary).toContain(`| capped by --max-servers | ${capped![0]}`);
    expect(summary).not.toMatch(/peak planned load/);
    expect(summary).toContain('| time (America/New_York) | servers | change | action |');
    // Every time a person reads is "yyyy-mm-dd hh:mm"; ISO with its offset stays in the CSV/JSON.
    expect(summary).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(summary).toMatch(/^\| \d{4}-\d\d-\d\d \d\d:\d\d \| \d+ \|/m);
    // The page says the same, in the same words.
    expect(page).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(page).toContain('risk budget 1% of hours above 100%');
  });

  it('keep the planned-load peak where it differs from the forecast (--plan-on upper)', async () => {
    const { run, summary } = await plan('--plan-on', 'upper');
    expect(run.stdout).toMatch(/peak planned load/);
    expect(summary).toMatch(/\| peak planned load \(/);
  });
});

describe("a single plan's index.html", () => {
  it('names the schedule.csv beside it for the changes it does not list', async () => {
    const out = await mkdtemp(join(tmpdir(), 'headroom-page-'));
    expect((await runInProcess(['demo', '--out-dir', out])).code).toBe(0);
    const page = await readFile(join(out, 'index.html'), 'utf8');
    expect(page).toMatch(/…and \d+ more changes in schedule\.csv</);
    expect(page).not.toContain('nyc_taxi.csv/schedule.csv');
  }, 30_000);
});
