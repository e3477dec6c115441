import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { numberWithUnit } from '../src/ingest/numbers.js';
import { runInProcess } from './helpers/in-process.js';

// Values written with a % sign, an SI prefix or a unit (Grafana's CSV export: "18.86%", "1.2k",
// "350 ms", "12 req/s") are read as numbers with one note; mixed units are refused.

const root = mkdtempSync(join(tmpdir(), 'headroom-units-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
function write(lines: string[]): string {
  const path = join(root, `u${counter++}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const HOURS = 15 * 24;
const timeOf = (h: number) => new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
/** The load at hour h, and a file of it with each value written by `cell`. */
const load = (h: number) => 800 + 40 * (h % 24) + (h % 7);
function history(cell: (value: number, h: number) => string, header = 'Time,Value'): string[] {
  return [header, ...Array.from({ length: HOURS }, (_, h) => `${timeOf(h)},${cell(load(h), h)}`)];
}

const forecast = (file: string) =>
  runInProcess(['forecast', file, '--model', 'seasonal-naive', '--out', '-']);

describe('values with a unit are read as numbers, with one note', () => {
  it.each([
    ['a % sign, quoted as Grafana writes it', (v: number) => `"${v / 100}%"`, 100, '% sign'],
    ['a unit after a space', (v: number) => `${v} ms`, 1, "the unit 'ms'"],
    ['a rate unit', (v: number) => `${v} req/s`, 1, "the unit 'req/s'"],
  ])('%s', async (_, cell, scale, said) => {
    const plain = await forecast(write(history((v) => String(v / scale))));
    const run = await forecast(write(history(cell)));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(plain.stdout);
    const notes = run.stderr.split('\n').filter((line) => line.includes('carried'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(said);
    expect(notes[0]).toContain(`(${HOURS} rows)`);
  });

  it('multiplies SI prefixes out (950, 1.2k, 1.5 kB → 1200, 1500)', async () => {
    // Grafana scales each value on its own: below 1000 bare, above with k.
    const cell = (v: number) => (v < 1000 ? String(v) : `${v / 1000}k`);
    const plain = await forecast(write(history((v) => String(v))));
    const run = await forecast(write(history(cell)));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(plain.stdout);
    expect(run.stderr).toMatch(/carried SI prefixes \(k\); read as numbers .*\(\d+ rows\)/);
    expect(numberWithUnit('1.5 kB')).toEqual({ number: '1.5', prefix: 'k', unit: 'B' });
    expect(numberWithUnit('3 MB/s')).toEqual({ number: '3', prefix: 'M', unit: 'B/s' });
  });

  it('finds the value column when its values carry a suffix', async () => {
    const lines = history((v) => `"${v / 100}%"`, 'Time,host,cpu');
    const withHost = lines.map((line, i) => (i === 0 ? line : line.replace(',', ',web-1,')));
    const run = await forecast(write(withHost));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("values in 'cpu' carried a % sign");
  });

  it('does not take words that start with digits (2xx, v2) for numbers', () => {
    expect(numberWithUnit('2xx')).toBeUndefined();
    expect(numberWithUnit('12')).toBeUndefined();
    expect(numberWithUnit('3 Tasks')).toEqual({ number: '3', prefix: '', unit: 'Tasks' });
  });
});

describe('mixed units are refused', () => {
  it('names the line, the two units and the cell (exit 2)', async () => {
    const lines = history((v) => `${v} ms`);
    lines[250] = `${timeOf(249)},1.2 s`;
    const file = write(lines);
    const run = await forecast(file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${file}:251: the values in column 'Value' mix units: 's' here, 'ms' in the rows before ('1.2 s')`,
    );
    expect(run.stderr).toContain('convert the column to one unit');
  });

  it('within the first rows too', async () => {
    const lines = history((v, h) => (h === 3 ? `${v}%` : `${v} ms`));
    const run = await forecast(write(lines));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/:5: the values in column 'Value' mix units: '%' here, 'ms'/);
  });
});
