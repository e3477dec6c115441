import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'headroom-backtest-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('headroom backtest', () => {
  it('scores every model on the history and writes CSV, JSON and a chart', async () => {
    const out = join(work, 'elb');
    const run = await runInProcess([
      'backtest',
      ELB,
      '--agg',
      'sum',
      '--horizon',
      '2d',
      '--origins',
      '3',
      '--out-dir',
      out,
    ]);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(0);
    for (const model of ['auto', 'ridge', 'seasonal-naive', 'mstl', 'linear']) {
      expect(run.stdout).toMatch(new RegExp(`^${model}\\s`, 'm'));
    }
    expect(run.stdout).toContain('(asked 80%)');
    expect(run.stdout).toContain('(asked 90%)');
    expect(run.stdout).toContain('auto chose');
    // Not a terminal: no progress counter.
    expect(run.stderr).not.toContain('backtest 1/');

    expect((await readdir(out)).sort()).toEqual([
      'backtest.csv',
      'backtest.json',
      'backtest.png',
      'calibration.png',
    ]);

    // The calibration table: one row per model, promised levels as columns.
    const lines = run.stdout.split('\n');
    const heading = lines.findIndex((l) => l.startsWith('calibration:'));
    expect(heading).toBeGreaterThan(0);
    expect(lines[heading + 1]).toMatch(
      /^model\s+50%\s+80%\s+90%\s+95%\s+99%\s+short h expected\s+short h realised\s+budget$/,
    );
    const calibrationRows = lines.slice(heading + 3, heading + 8);
    expect(calibrationRows.map((l) => l.split(/\s+/)[0])).toEqual([
      'auto',
      'ridge',
      'seasonal-naive',
      'mstl',
      'linear',
    ]);
    for (const row of calibrationRows) {
      expect(row).toMatch(
        /^\S+(\s+\d+(\.\d)?%){5}\s+[\d.]+ \([\d.]+%\)\s+[\d.]+ \([\d.]+%\)\s+1%$/,
      );
    }

    const calibrationPng = await readFile(join(out, 'calibration.png'));
    expect(calibrationPng.subarray(1, 4).toString()).toBe('PNG');
    expect({
      width: calibrationPng.readUInt32BE(16),
      height: calibrationPng.readUInt32BE(20),
    }).toEqual({ width: 800, height: 800 });

    const png = await readFile(join(out, 'backtest.png'));
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }).toEqual({
      width: 1200,
      height: 600,
    });

    const csv = (await readFile(join(out, 'backtest.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(
      'model,window_start,mae,mase,smape,coverage,upper_coverage,under_provisioned,excess,chosen',
    );
    expect(csv).toHaveLength(1 + 5 * 3);
    expect(csv[1]).toMatch(
      /^auto,2014-04-18T00:00:00Z,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,-?[\d.]+,\w/,
    );

    const json = JSON.parse(await readFile(join(out, 'backtest.json'), 'utf8'));
    expect(json.format).toBe('headroom.backtest/v1');
    expect(json.settings).toMatchObject({
      models: ['auto', 'ridge', 'seasonal-naive', 'mstl', 'linear'],
      origins: 3,
      horizon: '2d',
      quantile: 0.9,
      askedBandCoverage: 0.8,
      askedUpperCoverage: 0.9,
    });
    expect(json.models).toHaveLength(5);
    expect(json.rows).toHaveLength(15);
    for (const m of json.models) {
      expect(m.upperCoverage).toBeGreaterThanOrEqual(0);
      expect(m.upperCoverage).toBeLessThanOrEqual(1);
      const c = m.calibration;
      expect(c.steps).toBe(m.steps);
      expect(c.coverage.map((l: { promised: number }) => l.promised)).toEqual([
        0.5, 0.8, 0.9, 0.95, 0.99,
      ]);
      for (const l of c.coverage) {
        expect(l.realised).toBeGreaterThanOrEqual(0);
        expect(l.realised).toBeLessThanOrEqual(1);
      }
      // Realised short steps are the under-provisioned ones (hourly: one hour each).
      expect(c.realisedShortShare).toBe(m.underProvisioned);
      expect(c.realisedShortHours).toBe(Math.round(m.underProvisioned * m.steps));
      expect(c.expectedShortShare).toBeGreaterThanOrEqual(0);
      expect(c.expectedShortShare).toBeLessThanOrEqual(0.01 + 1e-3);
      expect(c.budget).toBe(0.01);
    }
  });

  it('shortens the default horizon to fit a short history, and says so', async () => {
    const out = join(work, 'short');
    const run = await runInProcess([
      'backtest',
      ELB,
      '--agg',
      'sum',
      '--models',
      'seasonal-naive',
      '--out-dir',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('windows shortened to 1d');
    const json = JSON.parse(run.stdout);
    expect(json.settings.horizon).toBe('1d');
    expect(json.files).toHaveLength(4);
    expect(json.models[0].calibration.coverage).toHaveLength(5);
  });

  it('rejects an unknown model with exit code 2', async () => {
    const out = join(work, 'bad');
    const run = await runInProcess([
      'backtest',
      ELB,
      '--agg',
      'sum',
      '--models',
      'nope',
      '--out-dir',
      out,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown model 'nope'");
    expect(run.stdout).toBe('');
  });

  it('refuses windows that leave too little history, with a hint', async () => {
    const run = await runInProcess([
      'backtest',
      ELB,
      '--agg',
      'sum',
      '--horizon',
      '7d',
      '--out-dir',
      join(work, 'long'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('fewer --origins or a shorter --horizon');
  });
});
