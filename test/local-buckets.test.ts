import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridOrigin } from '../src/ingest/buckets.js';
import { DATA, ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

// Days, and the hours of zones at :30 or :45 from UTC, are cut on local boundaries of --timezone.

const HOUR = 3_600_000;

describe('intervals on local boundaries', () => {
  it.each([
    ['UTC', HOUR, 0],
    ['America/New_York', HOUR, 0],
    ['America/New_York', 24 * HOUR, 5 * HOUR], // winter: UTC−5
    ['Asia/Kolkata', HOUR, 0.5 * HOUR], // UTC+5:30
    ['Asia/Kathmandu', 15 * 60_000, 0], // UTC+5:45: quarter hours are already local
    ['Asia/Kathmandu', HOUR, 0.25 * HOUR],
  ])('%s, step %d ms: the grid starts %d ms into the step', (zone, step, origin) => {
    expect(gridOrigin(step, zone, Date.UTC(2015, 0, 15))).toBe(origin);
  });

  it('cuts days at local midnight, on the offset the history ends with', async () => {
    // nyc_taxi runs from July 2014 (EDT) to January 2015 (EST).
    const out = await mkdtemp(join(tmpdir(), 'headroom-days-'));
    const run = await runInProcess([
      'plan',
      join(DATA, 'nyc_taxi.csv'),
      '--agg',
      'sum',
      '--timezone',
      'America/New_York',
      '--interval',
      '1d',
      '--horizon',
      '14d',
      '--capacity-per-server',
      '40000',
      '--out-dir',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const rows = (await readFile(join(out, 'plan.csv'), 'utf8')).trim().split('\n').slice(1);
    expect(rows).toHaveLength(14);
    for (const row of rows) expect(row).toMatch(/^2015-02-\d\dT00:00:00-05:00,/);
  });

  it('cuts hours at :00 local in a +5:30 zone', async () => {
    const out = await mkdtemp(join(tmpdir(), 'headroom-kolkata-'));
    const args = ['plan', ELB, '--agg', 'sum', '--capacity-per-server', '300', '--out-dir', out];
    const run = await runInProcess([...args, '--timezone', 'Asia/Kolkata']);
    expect(run.code, run.stderr).toBe(0);
    const rows = (await readFile(join(out, 'plan.csv'), 'utf8')).trim().split('\n').slice(1);
    for (const row of rows) expect(row).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\+05:30,/);
  });
});
