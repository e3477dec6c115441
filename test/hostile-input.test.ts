import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UserError } from '../src/errors.js';
import { loadSeries, type IngestOptions, type Ingested } from '../src/ingest/index.js';
import type { Warning } from '../src/types.js';
import { runInProcess } from './helpers/in-process.js';
import { thrown } from './helpers/thrown.js';

// Every odd file a real export can be: each ends in the right series with a warning that counts
// what was fixed, or a clear error naming the file and line; never a stack trace.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NY = 'America/New_York';
const scratch = mkdtempSync(join(tmpdir(), 'headroom-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
function file(content: string | Buffer, name = `f${counter++}.csv`): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

const options = (overrides: Partial<IngestOptions> = {}): IngestOptions => ({
  timezone: 'UTC',
  duplicates: 'mean',
  intervalMs: HOUR,
  agg: 'mean',
  fillGapsMs: 0,
  gapFill: 'linear',
  ...overrides,
});

const warning = (w: Warning[], code: string) => w.find((x) => x.code === code);
const values = (ingested: Ingested) => Array.from(ingested.series.values);

/** `rows` hourly rows from 2024-01-01 UTC as `time,value` lines; value = hour index. */
function hourly(rows: number, format = (t: number, v: number) => `${iso(t)},${v}`): string[] {
  return Array.from({ length: rows }, (_, i) => format(Date.UTC(2024, 0, 1) + i * HOUR, i));
}
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const PLAIN = ['timestamp,requests', ...hourly(48)].join('\n') + '\n';
const plainSeries = () => loadSeries(file(PLAIN), options());

describe('hostile input: encodings and containers', () => {
  it('reads a UTF-8 BOM file the same as without the BOM', async () => {
    const read = await loadSeries(file('\uFEFF' + PLAIN), options());
    expect(read.valueColumn).toBe('requests');
    expect(values(read)).toEqual(values(await plainSeries()));
  });

  it('reads CRLF line endings', async () => {
    const read = await loadSeries(file(PLAIN.replace(/\n/g, '\r\n')), options());
    expect(values(read)).toEqual(values(await plainSeries()));
  });

  it('reads a gzip file (.csv.gz), whatever its name', async () => {
    const gz = await loadSeries(file(gzipSync(PLAIN), 'load.csv.gz'), options());
    const misnamed = await loadSeries(file(gzipSync(PLAIN), 'load.csv'), options());
    expect(values(gz)).toEqual(values(await plainSeries()));
    expect(values(misnamed)).toEqual(values(gz));
  });

  it('decodes UTF-16 with a BOM (Excel "Unicode text", tab-separated)', async () => {
    const text = '\uFEFF' + PLAIN.replace(/,/g, '\t');
    const read = await loadSeries(file(Buffer.from(text, 'utf16le')), options());
    expect(values(read)).toEqual(values(await plainSeries()));
  });

  it('refuses a binary file, a zip archive and corrupt gzip with a clear error', async () => {
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x13, 0x37]);
    expect((await thrown(() => loadSeries(file(binary), options()))).message).toMatch(
      /binary file/,
    );
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);
    const zipError = await thrown(() => loadSeries(file(zip, 'book.xlsx'), options()));
    expect(zipError).toBeInstanceOf(UserError);
    expect(zipError.message).toMatch(/zip archive/);
    const cut = gzipSync(PLAIN.repeat(50)).subarray(0, 200);
    const gzError = await thrown(() => loadSeries(file(cut, 'cut.csv.gz'), options()));
    expect(gzError).toBeInstanceOf(UserError);
    expect(gzError.message).toMatch(/gzip data is corrupt or cut short/);
  });
});

describe('hostile input: shape of the file', () => {
  it('rejects an empty file and a header-only file, naming the file', async () => {
    const empty = await thrown(() => loadSeries(file(''), options()));
    expect(empty).toBeInstanceOf(UserError);
    expect(empty.message).toMatch(/f\d+\.csv: the file is empty/);
    const blank = await thrown(() => loadSeries(file('\n\n  \n'), options()));
    expect(blank.message).toMatch(/the file is empty/);
    const header = await thrown(() => loadSeries(file('timestamp,requests\n\n'), options()));
    expect(header.message).toMatch(/header but no data rows/);
  });

  it('ignores trailing blank lines (and whitespace-only lines)', async () => {
    const read = await loadSeries(file(PLAIN + '\n\n   \n\r\n'), options());
    expect(values(read)).toEqual(values(await plainSeries()));
  });

  it('reads ; and tab delimiters', async () => {
    const semicolon = await loadSeries(file(PLAIN.replace(/,/g, ';')), options());
    const tab = await loadSeries(file(PLAIN.replace(/,/g, '\t')), options());
    expect(values(semicolon)).toEqual(values(await plainSeries()));
    expect(values(tab)).toEqual(values(await plainSeries()));
  });

  it('keeps an empty first field of a tab-separated row in its place', async () => {
    const lines = hourly(30, (t, v) => `\t${iso(t)}\t${v}`);
    const read = await loadSeries(file(['site\ttime\trequests', ...lines].join('\n')), options());
    expect(values(read)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('reads quoted fields holding commas, quotes and line breaks', async () => {
    const lines = hourly(30, (t, v) => `"${iso(t)}","web, ""eu""\nwest",${v}`);
    const read = await loadSeries(file(['time,site,requests', ...lines].join('\n')), options());
    expect(values(read)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('names the line of a row with too many fields, past the quote-free fast path too', async () => {
    const lines = ['timestamp,requests', ...hourly(300)];
    lines[250] += ',extra';
    const error = await thrown(() => loadSeries(file(lines.join('\n')), options()));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/:251: this row has a different number of fields/);
  });

  it('rejects a row with an unclosed quote with its line', async () => {
    const lines = ['timestamp,requests', ...hourly(10)];
    lines[5] = '"2024-01-01T04:00:00Z,4';
    const error = await thrown(() => loadSeries(file(lines.join('\n')), options()));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/quot/);
  });
});

describe('hostile input: values', () => {
  it('stops at a text value with the file, line and column', async () => {
    const lines = ['timestamp,requests', ...hourly(40)];
    lines[33] = lines[33].replace(/,\d+$/, ',timeout');
    const error = await thrown(() => loadSeries(file(lines.join('\n')), options()));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(34);
    expect(error.message).toContain("column 'requests', got 'timeout'");
  });

  it('skips NaN, empty, #N/A and infinite values with counted warnings', async () => {
    const lines = ['timestamp,requests', ...hourly(48)];
    lines[3] = lines[3].replace(/,\d+$/, ',NaN');
    lines[4] = lines[4].replace(/,\d+$/, ',');
    lines[5] = lines[5].replace(/,\d+$/, ',#N/A');
    lines[6] = lines[6].replace(/,\d+$/, ',Infinity');
    lines[7] = lines[7].replace(/,\d+$/, ',-inf');
    const read = await loadSeries(file(lines.join('\n')), options());
    expect(warning(read.warnings, 'missing-values')?.count).toBe(3);
    expect(warning(read.warnings, 'infinite-values')?.count).toBe(2);
    expect(read.rows).toBe(43);
    expect(values(read).slice(2, 8).map(Number.isNaN)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('skips negative values with a warning: load cannot be negative', async () => {
    const lines = ['timestamp,requests', ...hourly(48)];
    lines[10] = lines[10].replace(/,\d+$/, ',-1');
    lines[11] = lines[11].replace(/,\d+$/, ',-250.5');
    const read = await loadSeries(file(lines.join('\n')), options({ fillGapsMs: 6 * HOUR }));
    expect(warning(read.warnings, 'negative-values')?.count).toBe(2);
    expect(Math.min(...values(read))).toBeGreaterThanOrEqual(0);
  });

  it('reads thousands separators in quoted cells, and says so', async () => {
    const lines = hourly(48, (t, v) => `${iso(t)},"${(v * 1000 + 0.5).toLocaleString('en-US')}"`);
    const read = await loadSeries(file(['timestamp,requests', ...lines].join('\n')), options());
    expect(values(read)[47]).toBe(47_000.5);
    expect(read.notes.join(' ')).toMatch(/thousands separator/);
  });

  it('reads decimal commas with dot thousands in a ;-separated export', async () => {
    const lines = hourly(48, (t, v) => `${iso(t)};${(v * 1000 + 0.25).toLocaleString('de-DE')}`);
    const read = await loadSeries(file(['Zeit;Anfragen', ...lines].join('\n')), options());
    expect(values(read)[47]).toBe(47_000.25);
    expect(values(read)[0]).toBe(0.25);
    expect(read.notes.join(' ')).toMatch(/decimal mark/);
  });
});

describe('hostile input: timestamps', () => {
  it('reads mixed formats (ISO with T or space, epoch seconds and milliseconds) in one column', async () => {
    const base = Date.UTC(2024, 0, 1);
    const cells = [
      '2024-01-01T00:00:00Z',
      '2024-01-01 01:00:00',
      String((base + 2 * HOUR) / 1000),
      String(base + 3 * HOUR),
      '2024-01-01T04:00:00.000Z',
      '2024/01/01 05:00',
    ];
    const lines = cells.map((c, i) => `${c},${i}`);
    const read = await loadSeries(file(['time,requests', ...lines].join('\n')), options());
    expect(read.series.start).toBe(base);
    expect(values(read)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads mixed UTC offsets as the instants they name, and warns when some have none', async () => {
    const lines = [
      'time,requests',
      '2024-06-01T10:00:00+02:00,1', // 08:00Z
      '2024-06-01T05:00:00-04:00,2', // 09:00Z
      '2024-06-01T10:00:00Z,3',
      '2024-06-01T11:00:00+0000,4',
      '2024-06-01 12:00:00,5', // naive: read in --timezone (UTC)
    ];
    const read = await loadSeries(file(lines.join('\n')), options());
    expect(read.series.start).toBe(Date.UTC(2024, 5, 1, 8));
    expect(values(read)).toEqual([1, 2, 3, 4, 5]);
    expect(warning(read.warnings, 'mixed-offsets')?.count).toBe(1);
  });

  it('sorts unsorted rows and merges duplicates, counting both, to the same series', async () => {
    const sorted = hourly(300);
    const shuffled = [...sorted].reverse();
    shuffled.splice(10, 0, sorted[5], sorted[5]);
    const read = await loadSeries(file(['timestamp,requests', ...shuffled].join('\n')), options());
    expect(values(read)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(warning(read.warnings, 'unsorted')?.count).toBeGreaterThan(250);
    expect(warning(read.warnings, 'duplicates')?.count).toBe(2);
  });

  it('in a New York DST fold, reads the repeated hour as its second occurrence', async () => {
    // 2024-11-03: 01:00 EDT (05:00Z) and 01:00 EST (06:00Z) are both written "01:00".
    const lines = ['time,requests'];
    ['00', '01', '01', '02', '03'].forEach((h, i) => lines.push(`2024-11-03 ${h}:00:00,${i}`));
    const read = await loadSeries(file(lines.join('\n')), options({ timezone: NY }));
    expect(read.series.start).toBe(Date.UTC(2024, 10, 3, 4));
    expect(values(read)).toEqual([0, 1, 2, 3, 4]);
    expect(warning(read.warnings, 'dst-fold')?.count).toBe(1);
    expect(warning(read.warnings, 'duplicates')).toBeUndefined();
  });

  it.each([
    // Zones east of +12: New Zealand's summer (+13 → +12) and Chatham's (+13:45 → +12:45).
    ['Pacific/Auckland', '2027-04-04', ['01', '02', '02', '03'], Date.UTC(2027, 3, 3, 12)],
    ['Pacific/Chatham', '2027-04-04', ['02', '03', '03', '04'], Date.UTC(2027, 3, 3, 12, 15)],
    ['America/New_York', '2027-11-07', ['00', '01', '01', '02'], Date.UTC(2027, 10, 7, 4)],
  ])(
    'in a %s DST fold (%s), reads the repeated hour as its second, and the hours around it as they are',
    async (zone, day, hours, start) => {
      const lines = ['time,requests'];
      hours.forEach((h, i) => lines.push(`${day} ${h}:00:00,${i}`));
      const read = await loadSeries(file(lines.join('\n')), options({ timezone: zone }));
      expect(read.series.start).toBe(start);
      expect(values(read)).toEqual([0, 1, 2, 3]);
      expect(warning(read.warnings, 'dst-fold')?.count).toBe(1);
      expect(warning(read.warnings, 'dst-gap')).toBeUndefined();
      expect(warning(read.warnings, 'duplicates')).toBeUndefined();
    },
  );

  it.each([
    // The skipped hour has no row: nothing is moved, nothing is merged.
    ['Pacific/Auckland', '2027-09-26', ['01', '03', '04']],
    ['Pacific/Chatham', '2027-09-26', ['01', '02', '04']],
  ])(
    'in a %s DST gap (%s) without a row in it, reads every row as it is',
    async (zone, day, hours) => {
      const lines = ['time,requests'];
      hours.forEach((h, i) => lines.push(`${day} ${h}:00:00,${i}`));
      const read = await loadSeries(file(lines.join('\n')), options({ timezone: zone }));
      expect(values(read)).toEqual([0, 1, 2]);
      expect(warning(read.warnings, 'dst-gap')).toBeUndefined();
      expect(warning(read.warnings, 'duplicates')).toBeUndefined();
    },
  );

  it('in a New York DST gap, moves the missing hour forward and merges it', async () => {
    // 2024-03-10 02:30 does not exist: clocks go from 02:00 EST to 03:00 EDT.
    const lines = ['time,requests'];
    ['00:00', '01:00', '02:30', '03:30', '04:00'].forEach((h, i) =>
      lines.push(`2024-03-10 ${h}:00,${i}`),
    );
    const read = await loadSeries(file(lines.join('\n')), options({ timezone: NY }));
    expect(warning(read.warnings, 'dst-gap')?.count).toBe(1);
    expect(read.series.start).toBe(Date.UTC(2024, 2, 10, 5));
    // 00:00 EST 05Z, 01:00 EST 06Z, 02:30→03:30 EDT 07:30Z and 03:30 EDT → one hour, 04:00 EDT 08Z
    expect(values(read)).toEqual([0, 1, 2.5, 4]);
    expect(warning(read.warnings, 'duplicates')?.count).toBe(1);
  });

  it('reads a 100-year daily history', async () => {
    const start = Date.UTC(1925, 0, 1);
    const days = Math.round((Date.UTC(2025, 0, 1) - start) / DAY);
    const lines = Array.from({ length: days }, (_, i) => {
      const date = new Date(start + i * DAY).toISOString().slice(0, 10);
      return `${date},${100 + (i % 7)}`;
    });
    const read = await loadSeries(
      file(['date,requests', ...lines].join('\n')),
      options({ intervalMs: DAY }),
    );
    expect(read.series.start).toBe(start);
    expect(read.series.values.length).toBe(days);
    expect(read.series.values[days - 1]).toBe(100 + ((days - 1) % 7));
  });

  it('keeps a stray row 100 years early as a long gap, and plans from the recent history', async () => {
    const lines = ['timestamp,requests', '1924-01-01T00:00:00Z,5', ...hourly(24 * 21)];
    const path = file(lines.join('\n'));
    const read = await loadSeries(path, options());
    expect(warning(read.warnings, 'gaps-long')?.message).toMatch(
      /the longest is 100 years from 1924-01-01/,
    );
    const out = join(scratch, 'stray-plan');
    const run = await runInProcess(['plan', path, '--out-dir', out, '--json']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { summary: { peakServers: number } };
    expect(plan.summary.peakServers).toBeGreaterThan(0);
  });

  it('refuses a span that would need more than 20 million intervals, naming the span', async () => {
    const lines = ['timestamp,requests', '1900-01-01T00:00:00Z,1', '2024-01-01T00:00:00Z,2'];
    const error = await thrown(() =>
      loadSeries(file(lines.join('\n')), options({ intervalMs: 60_000 })),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/intervals of 1m, more than 20,000,000/);
    expect((error as UserError).hint).toMatch(/stray timestamp/);
  });
});

describe('hostile input through the CLI: no stack trace, no half-written report', () => {
  const broken = () => {
    const lines = ['timestamp,requests', ...hourly(24 * 10)];
    lines[200] = lines[200].replace(/,\d+$/, ',n/a?');
    return file(lines.join('\n'), 'broken.csv');
  };

  it('a broken row exits 2 with file:line and writes nothing', async () => {
    const out = join(scratch, 'never-written');
    const run = await runInProcess(['plan', broken(), '--out-dir', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.csv:201: expected a number in column 'requests'/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('a failed run leaves the previous reports as they were', async () => {
    const out = join(scratch, 'kept');
    const good = file(['timestamp,requests', ...hourly(24 * 10)].join('\n'), 'good.csv');
    expect((await runInProcess(['plan', good, '--out-dir', out])).code).toBe(0);
    const before = Object.fromEntries(
      readdirSync(out).map((name) => [name, readFileSync(join(out, name)).toString('base64')]),
    );
    const run = await runInProcess(['plan', broken(), '--out-dir', out]);
    expect(run.code).toBe(2);
    const after = Object.fromEntries(
      readdirSync(out).map((name) => [name, readFileSync(join(out, name)).toString('base64')]),
    );
    expect(after).toEqual(before);
  });

  it('a binary file exits 2 with a one-line reason', async () => {
    const run = await runInProcess([
      'plan',
      file(Buffer.from([0, 1, 2, 3, 255, 0, 7]), 'blob.csv'),
      '--out-dir',
      join(scratch, 'blob'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/blob\.csv: this looks like a binary file/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
