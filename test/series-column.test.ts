import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';

// Long-format files (`timestamp,service,rps`) from the command line: --series-column splits them
// into one plan per series (written as a fleet) or, with --series, picks one for the commands that
// read a single history; init proposes the column.

const root = mkdtempSync(join(tmpdir(), 'headroom-series-column-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const folder = () => mkdtempSync(join(root, `f${counter++}-`));

const SERIES = ['api', 'web', 'db'] as const;
/** Each series' value at hour h: distinct levels, so a mean or a mix-up shows. */
const valueOf = (series: string, h: number) =>
  series === 'api' ? 100 + (h % 24) : series === 'web' ? 300 + 2 * (h % 24) : 50 + (h % 7);
const DAYS = 15;

function rows(): { time: string; series: string; value: number }[] {
  const out = [];
  for (let h = 0; h < DAYS * 24; h++) {
    const time = new Date(Date.UTC(2024, 0, 1, h)).toISOString().slice(0, 16).replace('T', ' ');
    for (const series of SERIES) out.push({ time, series, value: valueOf(series, h) });
  }
  return out;
}

/** The long file as text: `,`-separated, or `;` with decimal commas, quoted, or with a BOM. */
function longText(style: 'plain' | 'semicolon' | 'quoted' | 'bom' = 'plain'): string {
  const lines = rows().map(({ time, series, value }) => {
    if (style === 'semicolon') return `${time};${series};${value},5`;
    if (style === 'quoted') return `"${time}","${series}","${value}"`;
    return `${time},${series},${value}`;
  });
  const header = style === 'semicolon' ? 'timestamp;service;rps' : 'timestamp,service,rps';
  return (style === 'bom' ? '\uFEFF' : '') + [header, ...lines].join('\n') + '\n';
}

function write(name: string, content: string | Buffer): string {
  const path = join(folder(), name);
  writeFileSync(path, content);
  return path;
}

/** One series alone, as an ordinary two-column file. */
function singleText(series: string): string {
  const lines = rows()
    .filter((r) => r.series === series)
    .map((r) => `${r.time},${r.value}`);
  return ['timestamp,rps', ...lines].join('\n') + '\n';
}

const modelOnly = ['--model', 'seasonal-naive', '-q'];
const quick = [...modelOnly, '--capacity-per-server', '50'];
/** forecast and fit take no capacity flags. */
const flagsOf = (command: string) => (['forecast', 'fit'].includes(command) ? modelOnly : quick);

type FleetJson = {
  config: string;
  services: { name: string; ok: boolean; plan: { history: { peak: number }; files: string[] } }[];
};

describe('plan --series-column: one plan per series, written as a fleet', () => {
  it('writes reports/<series>/ for each series, the fleet index and summary, each from its own rows', async () => {
    const out = folder();
    const run = await runInProcess([
      'plan',
      write('long.csv', longText()),
      '--series-column',
      'service',
      '--out-dir',
      out,
      '--workers',
      '2',
      '--json',
      ...quick,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as FleetJson;
    expect(json.services.map((s) => s.name)).toEqual(['api', 'web', 'db']);
    expect(json.services.map((s) => s.plan.history.peak)).toEqual([123, 346, 56]);
    expect(readdirSync(out).sort()).toEqual(['api', 'db', 'index.html', 'summary.md', 'web']);
    expect(readdirSync(join(out, 'web'))).toContain('schedule.json');
    // The reports name the file and the series, not the scratch file the split wrote.
    const summary = readFileSync(join(out, 'web', 'summary.md'), 'utf8');
    expect(summary).toContain('long.csv, series web');
    expect(summary).not.toContain('series-1.csv');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('web');
  });

  it('names no folder after a series called . or ..: every report stays in --out-dir', async () => {
    const text = longText().replace(/,api,/g, ',..,').replace(/,db,/g, ',.hidden,');
    const parent = folder();
    const out = join(parent, 'reports');
    const run = await runInProcess([
      'plan',
      write('long.csv', text),
      '--series-column',
      'service',
      '--out-dir',
      out,
      '--json',
      ...quick,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as FleetJson;
    expect(json.services.map((s) => s.name)).toEqual(['series', 'web', 'hidden']);
    expect(readdirSync(parent)).toEqual(['reports']);
    expect(readdirSync(out).sort()).toEqual([
      'hidden',
      'index.html',
      'series',
      'summary.md',
      'web',
    ]);
  });

  it('plans each series as the same series given alone would be planned', async () => {
    const [fleetOut, aloneOut] = [folder(), folder()];
    const fleet = await runInProcess([
      'plan',
      write('long.csv', longText()),
      '--series-column',
      'service',
      '--out-dir',
      fleetOut,
      ...quick,
    ]);
    const alone = await runInProcess([
      'plan',
      write('web.csv', singleText('web')),
      '--out-dir',
      aloneOut,
      ...quick,
    ]);
    expect(fleet.code, fleet.stderr).toBe(0);
    expect(alone.code, alone.stderr).toBe(0);
    const plan = (dir: string) => readFileSync(join(dir, 'plan.csv'), 'utf8');
    expect(plan(join(fleetOut, 'web'))).toBe(plan(aloneOut));
  });

  it.each([
    ['gzip', () => write('long.csv.gz', gzipSync(longText()))],
    ['; and decimal commas', () => write('long.csv', longText('semicolon'))],
    ['quoted fields', () => write('long.csv', longText('quoted'))],
    ['a byte-order mark', () => write('long.csv', longText('bom'))],
  ])('reads a long file with %s through the same reader', async (_, file) => {
    const run = await runInProcess([
      'plan',
      file(),
      '--series-column',
      'service',
      '--out-dir',
      folder(),
      '--json',
      ...quick,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as FleetJson;
    expect(json.services.map((s) => s.name)).toEqual(['api', 'web', 'db']);
    const peaks = json.services.map((s) => s.plan.history.peak);
    // `;` file: every value has ",5" (a decimal comma) added.
    expect(peaks).toEqual(_.startsWith(';') ? [123.5, 346.5, 56.5] : [123, 346, 56]);
  });

  it('splits standard input (-), named "standard input" in its messages', async () => {
    const out = folder();
    const run = await runInProcess(
      ['plan', '-', '--series-column', 'service', '--out-dir', out, '--json', ...quick],
      { stdin: longText(), env: { TMPDIR: folder() } },
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as FleetJson;
    expect(json.config).toBe('standard input');
    expect(json.services.map((s) => s.plan.history.peak)).toEqual([123, 346, 56]);
    expect(readFileSync(join(out, 'api', 'summary.md'), 'utf8')).toContain(
      'standard input, series api',
    );
  });

  it('a missing series column is an error at the header line (exit 2)', async () => {
    const run = await runInProcess([
      'plan',
      write('long.csv', longText()),
      '--series-column',
      'host',
      '--out-dir',
      folder(),
      ...quick,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/long\.csv:1: no column 'host' \(the series column\)/);
  });
});

describe('commands that read one history take one series', () => {
  const long = () => write('long.csv', longText());

  it('a long file without --series-column is refused with a hint naming --series-column <detected>', async () => {
    const run = await runInProcess(['forecast', long(), '--out', '-', ...modelOnly]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("timestamps repeat once per value of column 'service'");
    expect(run.stderr).toContain('headroom plan --series-column service');
    expect(run.stderr).toContain('--series-column service --series NAME');
  });

  it.each([
    ['forecast', ['--out', '-']],
    ['fit', []],
    ['backtest', ['--out-dir', 'OUT']],
    ['simulate', ['--out-dir', 'OUT']],
  ])(
    '%s --series-column without --series is refused with the list of series',
    async (command, extra) => {
      const run = await runInProcess([
        command,
        long(),
        '--series-column',
        'service',
        ...extra.map((a) => (a === 'OUT' ? folder() : a)),
        ...flagsOf(command),
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        "column 'service' names 3 series ('api', 'web', 'db'); this command reads one",
      );
      expect(run.stderr).toContain('--series-column service --series NAME');
    },
  );

  it('review --series-column without --series is refused the same way', async () => {
    const out = folder();
    const planned = await runInProcess([
      'plan',
      write('web.csv', singleText('web')),
      '--out-dir',
      out,
      ...quick,
    ]);
    expect(planned.code, planned.stderr).toBe(0);
    const run = await runInProcess([
      'review',
      join(out, 'schedule.json'),
      long(),
      '--series-column',
      'service',
      '-q',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("column 'service' names 3 series");
  });

  it('--series picks one: the same forecast as that series alone', async () => {
    const picked = await runInProcess([
      'forecast',
      long(),
      '--series-column',
      'service',
      '--series',
      'web',
      '--out',
      '-',
      ...modelOnly,
    ]);
    const alone = await runInProcess([
      'forecast',
      write('web.csv', singleText('web')),
      '--out',
      '-',
      ...modelOnly,
    ]);
    expect(picked.code, picked.stderr).toBe(0);
    expect(alone.code, alone.stderr).toBe(0);
    expect(picked.stdout).toBe(alone.stdout);
  });

  it('plan --series plans that series alone, in --out-dir', async () => {
    const out = folder();
    const run = await runInProcess([
      'plan',
      long(),
      '--series-column',
      'service',
      '--series',
      'db',
      '--out-dir',
      out,
      '--json',
      ...quick,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).history.peak).toBe(56);
    expect(existsSync(join(out, 'schedule.json'))).toBe(true);
  });

  it('a series that is not in the file is refused with the names there are', async () => {
    const run = await runInProcess([
      'fit',
      long(),
      '--series-column',
      'service',
      '--series',
      'Web',
      ...modelOnly,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "no rows of series 'Web' in column 'service'; the series are 'api', 'web', 'db'",
    );
  });

  it('--series without --series-column is refused', async () => {
    const run = await runInProcess(['fit', long(), '--series', 'web', ...modelOnly]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--series web needs --series-column');
  });
});

describe('seriesColumn and series in headroom.yaml', () => {
  it('a service with series: plans that one series of a long file', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'long.csv'), longText());
    writeFileSync(
      join(dir, 'headroom.yaml'),
      [
        'reports: out',
        'defaults: { model: seasonal-naive, capacityPerServer: 50 }',
        'services:',
        '  - { name: everything, data: long.csv, seriesColumn: service }',
        '  - { name: just-web, data: long.csv, seriesColumn: service, series: web }',
      ].join('\n') + '\n',
    );
    const run = await runInProcess(['plan', '--json', '-q'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as FleetJson;
    expect(json.services.map((s) => [s.name, s.plan.history.peak])).toEqual([
      ['everything-api', 123],
      ['everything-web', 346],
      ['everything-db', 56],
      ['just-web', 346],
    ]);
  });
});

describe('init on a long-format file', () => {
  it('detects the series column, proposes seriesColumn and says so', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'long.csv'), longText());
    const run = await runInProcess(['init', 'long.csv'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "long.csv is long format: column 'service' names the series; proposed seriesColumn: service",
    );
    const config = readFileSync(join(dir, 'headroom.yaml'), 'utf8');
    expect(config).toMatch(/^ {4}seriesColumn: service/m);
    expect(config).toMatch(/^ {4}valueColumn: rps/m);
    // The starter config plans: one service per series.
    const planned = await runInProcess(['plan', '--json', '-q', '--model', 'seasonal-naive'], {
      cwd: dir,
    });
    expect(planned.code, planned.stderr).toBe(0);
    expect((JSON.parse(planned.stdout) as FleetJson).services.map((s) => s.name)).toEqual([
      'long-api',
      'long-web',
      'long-db',
    ]);
  });

  it('leaves seriesColumn commented out for a file of one series', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'web.csv'), singleText('web'));
    const run = await runInProcess(['init', 'web.csv'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('long format');
    expect(readFileSync(join(dir, 'headroom.yaml'), 'utf8')).toMatch(/^ {4}# seriesColumn:/m);
  });
});
