import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UserError } from '../src/errors.js';
import { sortAndMerge, type DuplicatePolicy } from '../src/ingest/clean.js';
import { chooseColumns } from '../src/ingest/columns.js';
import { loadSeries, type IngestOptions } from '../src/ingest/index.js';
import { readCsv } from '../src/ingest/read-csv.js';
import type { Warning } from '../src/types.js';
import { thrown } from './helpers/thrown.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const datasets = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const dataset = (path: string) => join(datasets, path);
const noDatasets = !existsSync(datasets);

const options = (overrides: Partial<IngestOptions> = {}): IngestOptions => ({
  timezone: 'UTC',
  duplicates: 'mean',
  intervalMs: HOUR,
  agg: 'sum',
  fillGapsMs: 0,
  gapFill: 'linear',
  ...overrides,
});

const warning = (warnings: Warning[], code: string) => warnings.find((w) => w.code === code);

const scratch = mkdtempSync(join(tmpdir(), 'headroom-ingest-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A `timestamp,value` file of `rows` hourly rows; `edit` may replace any data line. */
function writeHourly(name: string, rows: number, edit: (i: number, line: string) => string) {
  const lines = ['timestamp,value'];
  for (let i = 0; i < rows; i++) {
    const line = `${new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString()},${i % 50}`;
    lines.push(edit(i, line));
  }
  const path = join(scratch, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('readCsv: errors name the file and the line', () => {
  it('reports a row with the wrong number of fields with its 1-based line (blank lines count)', async () => {
    const file = fixture('broken-row.csv');
    const error = await thrown(() => readCsv(file, { timezone: 'UTC' }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(6);
    expect(error.message).toContain('broken-row.csv:6:');
    expect(error.message).toMatch(/number of fields/);
  });

  it('reports a non-numeric value with its line and the column name', async () => {
    const file = fixture('bad-value.csv');
    const error = await thrown(() => readCsv(file, { timezone: 'UTC', valueColumn: 'requests' }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(5);
    expect(error.message).toContain('bad-value.csv:5:');
    expect(error.message).toContain("'requests'");
    expect(error.message).toContain("'12kg'");
  });

  it('reports an unparseable timestamp with its line', async () => {
    const file = fixture('bad-timestamp.csv');
    const error = await thrown(() => readCsv(file, { timezone: 'UTC', timestampColumn: 'time' }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(4);
    expect(error.message).toContain('bad-timestamp.csv:4:');
    expect(error.message).toContain("'time'");
    expect(error.message).toContain('2:00 PM');
  });

  it('reports a bad value past the column-detection sample with its line', async () => {
    const file = writeHourly('late-bad-value.csv', 300, (i, line) =>
      i === 249 ? line.replace(/,\d+$/, ',oops') : line,
    );
    const error = await thrown(() => readCsv(file, { timezone: 'UTC' }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(251);
    expect(error.message).toContain("'value'");
  });

  it('reports a bad timestamp past the column-detection sample with its line', async () => {
    const file = writeHourly('late-bad-time.csv', 300, (i, line) =>
      i === 279 ? line.replace(/^[^,]+/, 'yesterday') : line,
    );
    const error = await thrown(() => readCsv(file, { timezone: 'UTC' }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(281);
    expect(error.message).toContain("'yesterday'");
  });

  it('reports a bad value inside the detection sample with its line', async () => {
    const error = await thrown(() => readCsv(fixture('bad-value.csv'), { timezone: 'UTC' }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(5);
  });

  it('reports a bad timestamp inside the detection sample with its line', async () => {
    const error = await thrown(() => readCsv(fixture('bad-timestamp.csv'), { timezone: 'UTC' }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(4);
  });

  it('rejects an empty file', async () => {
    const error = await thrown(() => readCsv(fixture('empty.csv'), { timezone: 'UTC' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('empty.csv');
    expect(error.message).toMatch(/empty/);
  });

  it('rejects a header-only file', async () => {
    const error = await thrown(() => readCsv(fixture('header-only.csv'), { timezone: 'UTC' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('header-only.csv');
    expect(error.message).toMatch(/no data rows/);
  });

  it('rejects a missing file as a UserError naming it', async () => {
    const error = await thrown(() => readCsv(fixture('no-such-file.csv'), { timezone: 'UTC' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('no-such-file.csv');
    expect(error.message).toContain('ENOENT');
  });

  it('names the available columns when --value-column is unknown', async () => {
    const error = await thrown(() =>
      readCsv(fixture('two-values.csv'), { timezone: 'UTC', valueColumn: 'rps' }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('--value-column');
    expect(error.message).toContain("'rps'");
    expect(error.message).toContain("'timestamp', 'cpu', 'requests'");
  });

  it('names the available columns when --timestamp-column is unknown', async () => {
    const error = await thrown(() =>
      readCsv(fixture('two-values.csv'), { timezone: 'UTC', timestampColumn: 'when' }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('--timestamp-column');
    expect(error.message).toContain("'timestamp', 'cpu', 'requests'");
  });
});

describe('readCsv: columns and values', () => {
  it('prefers a column named like load and notes the alternatives', async () => {
    const read = await readCsv(fixture('two-values.csv'), { timezone: 'UTC' });
    expect(read.timestampColumn).toBe('timestamp');
    expect(read.valueColumn).toBe('requests');
    expect(Array.from(read.points.values)).toEqual([100, 120, 140]);
    expect(read.notes.join('\n')).toContain("'cpu'");
  });

  it('takes the value column the user names, case-insensitively', async () => {
    const read = await readCsv(fixture('two-values.csv'), { timezone: 'UTC', valueColumn: 'CPU' });
    expect(read.valueColumn).toBe('cpu');
    expect(Array.from(read.points.values)).toEqual([0.5, 0.6, 0.7]);
  });

  it('skips and counts empty and NaN values, keeping the line of every kept row', async () => {
    const read = await readCsv(fixture('missing.csv'), { timezone: 'UTC', valueColumn: 'value' });
    expect(Array.from(read.points.values)).toEqual([1, 3, 5, 7]);
    expect(Array.from(read.points.lines)).toEqual([2, 4, 6, 8]);
    expect(Array.from(read.points.times)).toEqual([0, 2, 4, 6].map((h) => Date.UTC(2024, 0, 1, h)));
    expect(warning(read.warnings, 'missing-values')?.count).toBe(3);
  });

  it('skips NaN values when the value column is detected automatically', async () => {
    const read = await readCsv(fixture('missing.csv'), { timezone: 'UTC' });
    expect(Array.from(read.points.values)).toEqual([1, 3, 5, 7]);
    expect(warning(read.warnings, 'missing-values')?.count).toBe(3);
  });

  it('counts naive local times in a DST gap', async () => {
    const read = await readCsv(fixture('dst-gap-ny.csv'), { timezone: 'America/New_York' });
    expect(warning(read.warnings, 'dst-gap')?.count).toBe(1);
    expect(Array.from(read.points.times)).toEqual([
      Date.UTC(2024, 2, 10, 5),
      Date.UTC(2024, 2, 10, 6),
      Date.UTC(2024, 2, 10, 7, 30),
      Date.UTC(2024, 2, 10, 8),
    ]);
  });

  it('detects a date column completed by an hour column', () => {
    const choice = chooseColumns(
      'x.csv',
      ['day', 'hr', 'temp', 'cnt'],
      [
        ['2024-01-01', '0', '0.2', '5'],
        ['2024-01-01', '1', '0.3', '7'],
      ],
      {},
    );
    expect(choice).toMatchObject({ timestamp: 0, hour: 1, value: 3 });
  });
});

describe('sortAndMerge and loadSeries: order and duplicates', () => {
  it('sorts unsorted rows and counts the rows that were out of order', async () => {
    const loaded = await loadSeries(fixture('unsorted.csv'), options());
    expect(Array.from(loaded.series.values)).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(loaded.series.start).toBe(Date.UTC(2024, 0, 1));
    expect(warning(loaded.warnings, 'unsorted')?.count).toBe(2);
    expect(loaded.rows).toBe(8);
  });

  it.each([
    [[0, 1, 2, 3], 0],
    [[1, 0, 2, 3], 1],
    [[3, 2, 1, 0], 3],
    [[0, 2, 1, 4, 3, 5], 2],
  ])('counts out-of-order rows of %j as %i', (order, expected) => {
    const times = Float64Array.from(order, (h) => h * HOUR);
    const clean = sortAndMerge(
      { times, values: Float64Array.from(order), lines: Int32Array.from(order, (_, i) => i + 2) },
      'mean',
      'x.csv',
    );
    expect(Array.from(clean.values)).toEqual([...order].sort((a, b) => a - b));
    expect(warning(clean.warnings, 'unsorted')?.count).toBe(expected || undefined);
  });

  it.each<[DuplicatePolicy, number[]]>([
    ['mean', [10, 30, 30, 7]],
    ['sum', [10, 60, 30, 21]],
    ['first', [10, 20, 30, 5]],
    ['last', [10, 40, 30, 9]],
  ])('merges duplicate timestamps by %s (in file order)', async (duplicates, expected) => {
    const loaded = await loadSeries(fixture('duplicates.csv'), options({ duplicates }));
    expect(Array.from(loaded.series.values)).toEqual(expected);
    expect(loaded.series.start).toBe(Date.UTC(2024, 0, 1));
    expect(warning(loaded.warnings, 'duplicates')?.count).toBe(3);
    expect(warning(loaded.warnings, 'unsorted')?.count).toBe(1);
  });

  it("throws on duplicates with policy 'error', naming both lines", async () => {
    const error = await thrown(() =>
      loadSeries(fixture('duplicates.csv'), options({ duplicates: 'error' })),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(5);
    expect(error.message).toContain('duplicates.csv:5:');
    expect(error.message).toContain('line 3');
    expect(error.message).toContain('2024-01-01T01:00:00Z');
  });

  it('needs at least two distinct timestamps', async () => {
    const file = join(scratch, 'one.csv');
    writeFileSync(file, 'timestamp,value\n2024-01-01T00:00:00Z,1\n2024-01-01T00:00:00Z,2\n');
    const error = await thrown(() => loadSeries(file, options()));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/1 distinct timestamp/);
  });
});

describe.skipIf(noDatasets)('loadSeries on the real datasets', () => {
  it('bike-sharing: joins dteday + hr and picks cnt', async () => {
    const loaded = await loadSeries(dataset('bike-sharing/hour.csv'), options());
    expect(loaded.timestampColumn).toBe('dteday+hr');
    expect(loaded.valueColumn).toBe('cnt');
    expect(loaded.rows).toBe(17_379);
    expect(loaded.series.start).toBe(Date.UTC(2011, 0, 1, 0));
    // 2011-01-01 00:00 → 2012-12-31 23:00: 731 days, of which 165 hours are absent.
    expect(loaded.series.values.length).toBe(731 * 24);
    expect(loaded.series.values.filter(Number.isNaN).length).toBe(165);
    // Row 2 of the file: 2011-01-01, hr 0, cnt 16; row 3: hr 1, cnt 40.
    expect(Array.from(loaded.series.values.slice(0, 2))).toEqual([16, 40]);
  });

  it('metro-traffic: picks date_time and traffic_volume and merges 7,629 duplicates', async () => {
    const loaded = await loadSeries(
      dataset('metro-traffic/Metro_Interstate_Traffic_Volume.csv'),
      options(),
    );
    expect(loaded.timestampColumn).toBe('date_time');
    expect(loaded.valueColumn).toBe('traffic_volume');
    expect(loaded.rows).toBe(48_204);
    const duplicates = warning(loaded.warnings, 'duplicates');
    expect(duplicates?.count).toBe(7_629);
    expect(duplicates?.message).toMatch(/7629/);
    // 40,575 distinct hours with a value, out of 52,551 on the grid.
    expect(loaded.series.values.length).toBe(52_551);
    expect(loaded.series.values.filter((v) => !Number.isNaN(v)).length).toBe(40_575);
  });

  it('nyc_taxi: 10,320 half-hour rows sum into 5,160 hours', async () => {
    const file = dataset('nab/nyc_taxi.csv');
    const loaded = await loadSeries(file, options({ agg: 'sum' }));
    expect(loaded.rows).toBe(10_320);
    expect(loaded.sampleStepMs).toBe(30 * MIN);
    expect(loaded.series.stepMs).toBe(HOUR);
    expect(loaded.series.values.length).toBe(5_160);
    expect(loaded.series.start).toBe(Date.UTC(2014, 6, 1));
    const rows = readFileSync(file, 'utf8').trim().split('\n');
    const value = (line: string) => Number(line.split(',')[1]);
    expect(loaded.series.values[0]).toBe(value(rows[1]) + value(rows[2]));
    expect(loaded.series.values[5_159]).toBe(value(rows[10_319]) + value(rows[10_320]));
    expect(loaded.warnings).toEqual([]);
  });

  it('nyc_taxi in New York time: the fall-back fold leaves one empty hour beside a double one', async () => {
    const file = dataset('nab/nyc_taxi.csv');
    const loaded = await loadSeries(file, options({ timezone: 'America/New_York' }));
    // 2014-07-01 00:00 EDT = 04:00Z; one more UTC hour than wall-clock hours.
    expect(loaded.series.start).toBe(Date.UTC(2014, 6, 1, 4));
    expect(loaded.series.values.length).toBe(5_161);
    const empty = loaded.series.values.findIndex(Number.isNaN);
    expect(loaded.series.values.filter(Number.isNaN).length).toBe(1);
    const foldEdt = Date.UTC(2014, 10, 2, 5); // 01:00 EDT
    const foldEst = Date.UTC(2014, 10, 2, 6); // 01:00 EST
    const emptyAt = loaded.series.start + empty * HOUR;
    expect([foldEdt, foldEst]).toContain(emptyAt);
    const full = (emptyAt === foldEdt ? foldEst : foldEdt) - loaded.series.start;
    // The file's 01:00 and 01:30 rows that day (39,197 and 35,212) land in one bucket.
    expect(loaded.series.values[full / HOUR]).toBe(39_197 + 35_212);
    expect(warning(loaded.warnings, 'gaps-long')?.count).toBe(1);
  });

  it('nab elb: finds its 8 missing 5-minute samples', async () => {
    const file = dataset('nab/elb_request_count_8c0756.csv');
    const left = await loadSeries(file, options({ intervalMs: 5 * MIN, fillGapsMs: 0 }));
    expect(left.rows).toBe(4_032);
    expect(left.series.values.length).toBe(4_040);
    expect(left.series.values.filter(Number.isNaN).length).toBe(8);
    expect(warning(left.warnings, 'gaps-long')?.count).toBe(8);
    // The first gap follows 2014-04-10 11:29 and sits in the 11:30 bucket.
    const first = left.series.values.findIndex(Number.isNaN);
    expect(left.series.start + first * left.series.stepMs).toBe(Date.UTC(2014, 3, 10, 11, 30));

    const filled = await loadSeries(file, options({ intervalMs: 5 * MIN, fillGapsMs: 10 * MIN }));
    expect(filled.series.values.every(Number.isFinite)).toBe(true);
    expect(warning(filled.warnings, 'gaps-filled')?.count).toBe(8);
    expect(filled.series.values[first]).toBe(
      (filled.series.values[first - 1] + filled.series.values[first + 1]) / 2,
    );
  });

  it('datacenter-traces: no timestamp column, and the hint names --timestamp-column', async () => {
    const error = await thrown(() =>
      loadSeries(
        dataset('datacenter-traces/machine_usage_days_1_to_8_grouped_300_seconds.csv'),
        options(),
      ),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/no timestamp column/);
    expect(error.message).toContain("'cpu_util_percent'");
    // The CLI prints `hint` under the message.
    expect(`${error.message}\n${(error as UserError).hint}`).toContain('--timestamp-column');
  });

  it('peyton manning: daily samples at an hourly interval ask for --interval 1d', async () => {
    const file = dataset('prophet/example_wp_log_peyton_manning.csv');
    const error = await thrown(() => loadSeries(file, options()));
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).hint).toContain('--interval 1d');

    const daily = await loadSeries(file, options({ intervalMs: 24 * HOUR, agg: 'mean' }));
    expect(daily.timestampColumn).toBe('ds');
    expect(daily.valueColumn).toBe('y');
    expect(daily.rows).toBe(2_905);
    expect(daily.series.values.length).toBe(2_964);
    expect(daily.series.values.filter(Number.isNaN).length).toBe(59);
    expect(warning(daily.warnings, 'gaps-long')?.count).toBe(29);
  });
});
