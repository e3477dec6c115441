import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileTimestampFormat, suggestTimestampFormats } from '../src/ingest/timestamp-format.js';
import { runInProcess } from './helpers/in-process.js';
import { thrown } from './helpers/thrown.js';

// --timestamp-format: strftime-like patterns read through the same zone arithmetic as ISO cells;
// a row that does not match names the file, the line, the value and the format; without the
// flag, day/month cells get a hint with the format(s) the data allow.

const root = mkdtempSync(join(tmpdir(), 'headroom-timestamp-format-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
function write(lines: string[]): string {
  const path = join(root, `t${counter++}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 16 days of hours, each hour written by `cell`, with a value that follows the hour. */
function history(cell: (d: Date) => string, header = 'time,rps'): string[] {
  const lines = [header];
  for (let h = 0; h < 16 * 24; h++) {
    const d = new Date(START + h * HOUR);
    lines.push(`${cell(d)},${100 + (h % 24) * 3 + (h % 5)}`);
  }
  return lines;
}
const iso = (d: Date) => d.toISOString().slice(0, 19);
const dmy = (d: Date) =>
  `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
const mdy12 = (d: Date) => {
  const h = d.getUTCHours();
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(h % 12 || 12)}:${pad(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
};
const compact = (d: Date) =>
  `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
const named = (d: Date) =>
  `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${String(d.getUTCFullYear()).slice(2)} ${pad(d.getUTCHours())}:00:00+0000`;

const forecast = (file: string, extra: string[] = []) =>
  runInProcess(['forecast', file, '--model', 'seasonal-naive', '--out', '-', '-q', ...extra]);

describe('--timestamp-format reads the cells the pattern describes', () => {
  it.each([
    ['%d/%m/%Y %H:%M', dmy],
    ['%m/%d/%Y %I:%M %p', mdy12],
    ['%Y%m%d%H%M', compact],
    ['%d-%b-%y %H:%M:%S%z', named],
  ])('%s gives the same forecast as ISO 8601 cells', async (pattern, cell) => {
    const expected = await forecast(write(history(iso)));
    const run = await forecast(write(history(cell)), [
      '--timestamp-format',
      pattern,
      '--timestamp-column',
      'time',
    ]);
    expect(expected.code, expected.stderr).toBe(0);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(expected.stdout);
  });

  it('finds the timestamp column by the pattern, and reads naive times in --timezone', async () => {
    const berlin = ['--timezone', 'Europe/Berlin'];
    const expected = await forecast(write(history(iso)), berlin);
    const run = await forecast(write(history(dmy)), [
      '--timestamp-format',
      '%d/%m/%Y %H:%M',
      ...berlin,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(expected.stdout);
  });

  it('a row that does not match names the file, the line, the value and the format (exit 2)', async () => {
    const lines = history(dmy);
    lines[300] = '2024-01-13 11:00,5';
    const file = write(lines);
    const run = await forecast(file, ['--timestamp-format', '%d/%m/%Y %H:%M']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${file}:301: expected a timestamp written as --timestamp-format '%d/%m/%Y %H:%M' in column 'time', got '2024-01-13 11:00'`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a pattern that fits no column says where the time column stops matching', async () => {
    const run = await forecast(write(history(dmy)), ['--timestamp-format', '%m-%d-%Y %H:%M']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "found no column of timestamps written as --timestamp-format '%m-%d-%Y %H:%M'",
    );
    expect(run.stderr).toContain("'time' has '01/01/2024 00:00': expected '-' at character 3");
  });

  it('a 31st of February is refused, not rolled into March', async () => {
    const lines = history(dmy);
    lines[5] = '31/02/2024 04:00,5';
    const run = await forecast(write(lines), ['--timestamp-format', '%d/%m/%Y %H:%M']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("got '31/02/2024 04:00': the day is not in the month");
  });

  it.each([
    ['%d/%m %H:%M', 'it has no year'],
    ['%Y-%m-%d %q', 'unknown directive %q'],
    ['%Y-%m-%d %I:%M', '%I (hour 1–12) and %p (AM/PM) go together'],
  ])('refuses the pattern %s before reading the file', async (pattern, problem) => {
    const run = await forecast(write(history(iso)), ['--timestamp-format', pattern]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--timestamp-format '${pattern}': ${problem}`);
  });
});

describe('without the flag, day/month cells are refused with the format to give', () => {
  it('suggests both orders when no number above 12 tells them apart', async () => {
    const run = await forecast(write(history(dmy).slice(0, 40)));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('found no timestamp column');
    expect(run.stderr).toContain(
      "add --timestamp-format '%d/%m/%Y %H:%M' if the day comes first, or --timestamp-format '%m/%d/%Y %H:%M' if the month does",
    );
  });

  it('suggests the one order the data allow', async () => {
    const lines = ['time,rps', '13/01/2024 00:00,1', '13/01/2024 01:00,2', '14/01/2024 00:00,3'];
    const run = await forecast(write(lines));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("add --timestamp-format '%d/%m/%Y %H:%M'");
    expect(run.stderr).not.toContain('%m/%d/%Y');
    expect(suggestTimestampFormats(['01/13/2024 1:00 PM'])).toEqual(['%m/%d/%Y %I:%M %p']);
  });

  it('a named timestamp column of such cells gets the same hint at its line', async () => {
    const lines = ['time,rps', '01/02/2024 00:00,1', '01/02/2024 01:00,2'];
    const run = await forecast(write(lines), ['--timestamp-column', 'time']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /:2: expected a timestamp in column 'time', got '01\/02\/2024 00:00'/,
    );
    expect(run.stderr).toContain("--timestamp-format '%d/%m/%Y %H:%M' if the day comes first");
  });
});

describe('the compiled pattern', () => {
  const read = (pattern: string, cell: string) =>
    compileTimestampFormat(pattern).read(cell, 0, cell.length);

  it('reads 12 AM as hour 0 and 12 PM as hour 12; two-digit years 00–68 as 20xx', () => {
    expect(read('%m/%d/%y %I:%M %p', '01/02/24 12:05 AM')).toMatchObject({ year: 2024, hour: 0 });
    expect(read('%m/%d/%y %I:%M %p', '01/02/99 12:05 pm')).toMatchObject({ year: 1999, hour: 12 });
    expect(read('%Y-%m-%dT%H:%M:%S.%f%z', '2024-03-04T05:06:07.250-02:30')).toMatchObject({
      millis: 250,
      offsetMinutes: -150,
    });
  });

  it('says where a cell stops matching', async () => {
    const format = compileTimestampFormat('%d/%m/%Y %H:%M');
    expect(format.mismatch('01/02/2024T10:00')).toBe('expected a space at character 11');
    expect(format.mismatch('01/02/2024 10:00:00')).toBe('unexpected text at character 17');
    const error = await thrown(async () => compileTimestampFormat('%Y %Y-%m-%d'));
    expect(error.message).toContain('%Y appears twice');
  });
});
