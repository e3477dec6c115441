import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, headroom } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

function pngSize(buffer: Buffer): { width: number; height: number } {
  expect(buffer.subarray(0, 8)).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

function csvRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

const REPORT_FILES = [
  'forecast.csv',
  'forecast.png',
  'index.html',
  'plan.csv',
  'plan.png',
  'schedule.csv',
  'schedule.json',
  'summary.md',
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'headroom-cli-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function fixture(name: string, content: string): Promise<string> {
  const path = join(work, name);
  await writeFile(path, content);
  return path;
}

describe('headroom demo', () => {
  it('writes every report from the bundled data', async () => {
    const out = join(work, 'demo');
    // A smoke test of the real binary: it starts, writes every report and exits 0.
    const run = await headroom(['demo', '--out-dir', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('summary.md');
    expect((await readdir(out)).sort()).toEqual(REPORT_FILES);

    expect(pngSize(await readFile(join(out, 'forecast.png')))).toEqual({
      width: 1200,
      height: 600,
    });
    expect(pngSize(await readFile(join(out, 'plan.png')))).toEqual({ width: 1200, height: 800 });

    const forecast = csvRows(await readFile(join(out, 'forecast.csv'), 'utf8'));
    expect(forecast[0]).toEqual(['timestamp', 'forecast', 'lower', 'upper']);
    expect(forecast).toHaveLength(1 + 168);
    for (const [, point, lower, upper] of forecast.slice(1).map((r) => r.map(Number))) {
      expect(lower).toBeLessThanOrEqual(point);
      expect(point).toBeLessThanOrEqual(upper);
    }
    // The demo is in New York time: timestamps carry the EST offset.
    expect(forecast[1][0]).toMatch(/-05:00$/);

    const plan = csvRows(await readFile(join(out, 'plan.csv'), 'utf8'));
    expect(plan[0]).toEqual(['timestamp', 'forecast', 'planned_load', 'servers']);
    for (const row of plan.slice(1)) {
      const [planned, servers] = [Number(row[2]), Number(row[3])];
      expect(servers).toBe(Math.max(2, Math.ceil(planned / (2000 * 0.7) - 1e-9)));
    }

    const schedule = csvRows(await readFile(join(out, 'schedule.csv'), 'utf8'));
    expect(schedule[0]).toEqual(['timestamp', 'capacity', 'change', 'action']);
    expect(schedule[1][3]).toBe('initial');
    for (let i = 2; i < schedule.length; i++) {
      const change = Number(schedule[i][1]) - Number(schedule[i - 1][1]);
      expect(Number(schedule[i][2])).toBe(change);
      expect(schedule[i][3]).toBe(change > 0 ? 'scale_up' : 'scale_down');
    }

    const json = JSON.parse(await readFile(join(out, 'schedule.json'), 'utf8'));
    expect(json.format).toBe('headroom.schedule/v1');
    expect(json.entries).toHaveLength(schedule.length - 1);
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toContain('# Capacity plan');
  });
});

describe('headroom plan', () => {
  it('plans a real AWS ELB history and prints JSON', async () => {
    const out = join(work, 'elb');
    const run = await runInProcess([
      'plan',
      join(DATA, 'elb_request_count_8c0756.csv'),
      '--agg',
      'sum',
      '--capacity-per-server',
      '200',
      '--out-dir',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.source.valueColumn).toBe('value');
    expect(result.entries[0].action).toBe('initial');
    expect(result.summary.peakServers).toBeGreaterThanOrEqual(result.summary.minServers);
    expect(result.files).toHaveLength(REPORT_FILES.length);
    // 4,032 five-minute samples with 8 missing; the partial last hour is dropped and reported.
    expect(run.stderr).toMatch(/partly covered/);
  });

  it("reproduces the first design's capacity rule with flags", async () => {
    const csv = join(work, 'synthetic.csv');
    expect((await runInProcess(['generate', '--days', '30', '--out', csv])).code).toBe(0);
    const out = join(work, 'first-design');
    const run = await runInProcess([
      'plan',
      csv,
      '--model',
      'linear',
      '--plan-on',
      'point',
      '--capacity-per-server',
      '100',
      '--target-utilization',
      '1',
      '--headroom',
      '0.2',
      '--base-servers',
      '2',
      '--min-servers',
      '2',
      '--rounding',
      'floor',
      '--out-dir',
      out,
    ]);
    expect(run.code).toBe(0);
    const rows = csvRows(await readFile(join(out, 'plan.csv'), 'utf8')).slice(1);
    expect(rows.length).toBe(168);
    for (const row of rows) {
      const load = Number(row[1]);
      expect(Number(row[3])).toBe(Math.max(2, Math.floor(2 + (load / 100) * 1.2 + 1e-9)));
    }
  });

  it('refuses a value column that is not there, naming the columns', async () => {
    const run = await runInProcess([
      'plan',
      join(DATA, 'nyc_taxi.csv'),
      '--value-column',
      'requests',
      '--out-dir',
      join(work, 'x'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--value-column 'requests' is not a column");
    expect(run.stderr).toContain("'timestamp', 'value'");
    expect(existsSync(join(work, 'x'))).toBe(false);
  });
});

describe('bad input', () => {
  it('names the file and line of a broken row and writes nothing', async () => {
    const csv = await fixture(
      'broken.csv',
      'timestamp,load\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2\n2024-01-01 02:00:00,3,4\n',
    );
    const out = join(work, 'broken');
    const run = await runInProcess(['plan', csv, '--out-dir', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${csv}:4:`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('names the line of a value that is not a number', async () => {
    const csv = await fixture(
      'text.csv',
      'timestamp,load\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,lots\n',
    );
    const run = await runInProcess(['forecast', csv, '--out', join(work, 'text.csv.out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${csv}:3: expected a number in column 'load', got 'lots'`);
  });

  it('rejects an empty file and a header-only file', async () => {
    const empty = await runInProcess(['plan', await fixture('empty.csv', '')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('empty');
    const headerOnly = await runInProcess([
      'plan',
      await fixture('header.csv', 'timestamp,load\n'),
    ]);
    expect(headerOnly.code).toBe(2);
    expect(headerOnly.stderr).toContain('no data rows');
  });

  it('merges duplicates with a counted warning, or refuses them with --duplicates error', async () => {
    const lines = ['timestamp,load'];
    for (let h = 0; h < 24 * 21; h++) {
      const t = new Date(Date.UTC(2024, 0, 1, h)).toISOString();
      lines.push(`${t},${100 + 50 * Math.sin((2 * Math.PI * h) / 24)}`);
      if (h % 50 === 0) lines.push(`${t},${100 + 50 * Math.sin((2 * Math.PI * h) / 24)}`);
    }
    const csv = await fixture('dupes.csv', lines.join('\n') + '\n');
    const merged = await runInProcess(['forecast', csv, '--out', join(work, 'dupes-forecast.csv')]);
    expect(merged.code).toBe(0);
    expect(merged.stderr).toContain('11 duplicate-timestamp row(s) merged by mean');
    const refused = await runInProcess([
      'forecast',
      csv,
      '--duplicates',
      'error',
      '--out',
      join(work, 'dupes2.csv'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${csv}:3: duplicate timestamp`);
  });

  it('says which flag to add for a file without a timestamp column', async () => {
    const csv = await fixture('no-time.csv', 'cpu,mem\n1,2\n3,4\n');
    const run = await runInProcess(['plan', csv]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--timestamp-column');
  });

  it('exits 2 on bad usage and on out-of-range flags', async () => {
    expect((await runInProcess(['plan'])).code).toBe(2);
    expect((await runInProcess(['plan', 'x.csv', '--no-such-flag'])).code).toBe(2);
    const quantile = await runInProcess(['plan', join(DATA, 'nyc_taxi.csv'), '--quantile', '2']);
    expect(quantile.code).toBe(2);
    expect(quantile.stderr).toContain('--quantile');
    const missing = await runInProcess(['plan', join(work, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
  });

  it('refuses to half-write a report when a target is in the way', async () => {
    const out = join(work, 'blocked');
    await mkdir(join(out, 'summary.md'), { recursive: true });
    const run = await runInProcess([
      'plan',
      join(DATA, 'elb_request_count_8c0756.csv'),
      '--out-dir',
      out,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('summary.md');
    expect(await readdir(out)).toEqual(['summary.md']);
  });
});

describe('--model auto', () => {
  it('is accepted by name, as the default it is, and chooses by backtest', async () => {
    const csv = join(DATA, 'elb_request_count_8c0756.csv');
    const named = await runInProcess([
      'forecast',
      csv,
      '--agg',
      'sum',
      '--model',
      'auto',
      '--json',
    ]);
    expect(named.code, named.stderr).toBe(0);
    const unnamed = await runInProcess(['forecast', csv, '--agg', 'sum', '--json']);
    const chosen = (run: { stdout: string }) => JSON.parse(run.stdout).selection.chosen;
    expect(chosen(named)).toBe(chosen(unnamed));
  });
});

describe('fit and reuse a model', () => {
  it('warns when a saved model meets another series, and says what it was fitted on', async () => {
    const model = join(work, 'taxi-model.json');
    const taxi = join(DATA, 'nyc_taxi.csv');
    const elb = join(DATA, 'elb_request_count_8c0756.csv');
    expect((await runInProcess(['fit', taxi, '--agg', 'sum', '--save', model])).code).toBe(0);
    // The saved model's plan of a history, at a capacity that suits it.
    const planOn = (csv: string, capacity: string, out: string) =>
      runInProcess([
        'plan',
        csv,
        '--agg',
        'sum',
        '--model-file',
        model,
        '--capacity-per-server',
        capacity,
        '--no-charts',
        '--out-dir',
        join(work, out),
      ]);
    const own = await planOn(taxi, '2000', 'own');
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).not.toMatch(/is it the model of this series/);
    expect(own.stdout).toMatch(
      /forecast by the model in .*taxi-model\.json, fitted on .* → 2015-02-01T00:00:00Z/,
    );
    const other = await planOn(elb, '100', 'other');
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toMatch(
      /warning: the model in .*taxi-model\.json forecasts [\d,.]+ on average, but the last week of this history averages [\d,.]+ \([\d,.]+× apart\): is it the model of this series\?/,
    );
  });

  it('forecasts the same from a saved model as from a fresh fit', async () => {
    const csv = join(DATA, 'elb_request_count_8c0756.csv');
    const model = join(work, 'model.json');
    const fit = await runInProcess([
      'fit',
      csv,
      '--agg',
      'sum',
      '--model',
      'linear',
      '--save',
      model,
    ]);
    expect(fit.code).toBe(0);
    for (const name of [
      'MSE',
      'R²',
      'intercept',
      'hour',
      'day_of_week',
      'day_of_month',
      'month',
      'is_weekend',
    ]) {
      expect(fit.stdout).toContain(name);
    }
    const fresh = join(work, 'fresh.csv');
    const saved = join(work, 'saved.csv');
    expect(
      (await runInProcess(['forecast', csv, '--agg', 'sum', '--model', 'linear', '--out', fresh]))
        .code,
    ).toBe(0);
    expect(
      (await runInProcess(['forecast', csv, '--agg', 'sum', '--model-file', model, '--out', saved]))
        .code,
    ).toBe(0);
    expect(await readFile(saved, 'utf8')).toBe(await readFile(fresh, 'utf8'));
  });

  it('refuses a file that is not a model', async () => {
    const bogus = await fixture('bogus.json', '{"hello": 1}');
    const run = await runInProcess(['forecast', join(DATA, 'nyc_taxi.csv'), '--model-file', bogus]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not a headroom model file');
  });
});

describe('help', () => {
  it.each(['forecast', 'plan', 'fit', 'demo', 'generate'])(
    '%s --help shows examples',
    async (command) => {
      const run = await runInProcess([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Examples:');
      expect(run.stdout).toContain(`headroom ${command}`);
    },
  );
});
