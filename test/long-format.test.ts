import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';

/** Three days of hours, one row per hour and per series, with a text column naming the series. */
function longCsv(rowsOf: (hour: number) => [string, number][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-long-'));
  const lines = ['timestamp,service,rps'];
  for (let h = 0; h < 72; h++) {
    const time = new Date(Date.UTC(2024, 0, 1, h)).toISOString().slice(0, 16).replace('T', ' ');
    for (const [service, value] of rowsOf(h)) lines.push(`${time},${service},${value}`);
  }
  const file = join(dir, 'load.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const threeServices = (h: number): [string, number][] => [
  ['api', 100 + (h % 24)],
  ['web', 300 + 2 * (h % 24)],
  ['db', 50],
];

describe('a file of several series (long format) given as one', () => {
  it('is refused, naming the series column and how to plan each, instead of averaged', async () => {
    const run = await runInProcess(['plan', longCsv(threeServices), '--out-dir', tmpdir()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "timestamps repeat once per value of column 'service' ('api', 'web', 'db')",
    );
    expect(run.stderr).toContain('seriesColumn: service');
    expect(run.stderr).toContain('--duplicates sum');
  });

  it('is planned as the total with --duplicates sum', async () => {
    const out = mkdtempSync(join(tmpdir(), 'headroom-long-out-'));
    const run = await runInProcess([
      'plan',
      longCsv(threeServices),
      '--duplicates',
      'sum',
      '--out-dir',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    // The history's peak is the sum of the three services' peaks (123 + 346 + 50).
    expect(JSON.parse(run.stdout).history.peak).toBe(519);
  });

  it('is not taken for one when a repeated row carries the same value (one sample listed twice)', async () => {
    // As the metro traffic export: each hour once per weather description, the volume the same.
    const repeated = (h: number): [string, number][] => [
      ['rain', 1000 + h],
      ['mist', 1000 + h],
    ];
    const out = mkdtempSync(join(tmpdir(), 'headroom-long-out-'));
    const run = await runInProcess(['plan', longCsv(repeated), '--out-dir', out]);
    expect(run.code).toBe(0);
    // Two series that happen to match look the same: the note says how to split them.
    expect(run.stderr).toMatch(
      /note: repeated timestamps carry the same value under different names in column .* \('rain', 'mist'\): read as one series.*plan them with --series-column/,
    );
  });
});
