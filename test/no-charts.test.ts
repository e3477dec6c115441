import { copyFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANY_AGE, ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

// `--no-charts` (and `charts: false` in headroom.yaml): every report but the two PNGs.

/** What every plan writes; a single plan also writes its own index.html (a fleet one for all). */
const TABLES = ['forecast.csv', 'plan.csv', 'schedule.csv', 'schedule.json', 'summary.md'];
const SINGLE = [...TABLES, 'index.html'].sort();
const NOT_DRAWN = /charts were not drawn/i;
// Quick to plan: charts are what is being tested, not the model.
const QUICK = ['--model', 'seasonal-naive', '--horizon', '2d', '--workers', '2'];

/** Every file under a folder, as paths relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(folder.length + 1))
    .sort();
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-no-charts-'));
  await copyFile(ELB, join(dir, 'elb.csv')); // a config names files in its own folder
  const rows = ['timestamp,service,requests'];
  for (let h = 0; h < 24 * 21; h++) {
    const time = new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
    rows.push(`${time},api,${200 + 100 * Math.sin((2 * Math.PI * h) / 24)}`);
    rows.push(`${time},search,${50 + 20 * Math.cos((2 * Math.PI * h) / 24)}`);
  }
  await writeFile(join(dir, 'long.csv'), rows.join('\n') + '\n');
  const services = [
    'services:',
    '  - name: elb',
    '    data: elb.csv',
    '    agg: sum',
    '  - name: fleet',
    '    data: long.csv',
    '    seriesColumn: service',
  ];
  await writeFile(
    join(dir, 'headroom.yaml'),
    ['defaults:', '  capacityPerServer: 100', ...services].join('\n'),
  );
  // The config key: off for the fleet, back on for one service.
  await writeFile(
    join(dir, 'keyed.yaml'),
    [
      'reports: keyed',
      'defaults:',
      '  capacityPerServer: 100',
      '  charts: false',
      ...services,
      '    charts: true',
    ].join('\n'),
  );
}, 30_000);

describe('headroom plan --no-charts', () => {
  it('writes every report but the PNGs; summary.md says so and links no image', async () => {
    const out = join(dir, 'single');
    const run = await runInProcess(
      [
        'plan',
        'elb.csv',
        '--agg',
        'sum',
        '--no-charts',
        '--out-dir',
        out,
        ...QUICK.slice(0, 4),
        '--json',
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(await filesUnder(out)).toEqual(SINGLE);
    const json = JSON.parse(run.stdout);
    expect(json.files.map((f: string) => f.slice(out.length + 1)).sort()).toEqual(SINGLE);
    expect(json.charts).toBe(false);
    const summary = await readFile(join(out, 'summary.md'), 'utf8');
    expect(summary).not.toMatch(/!\[|\.png\)/);
    expect(summary.split('\n').filter((l) => NOT_DRAWN.test(l))).toHaveLength(1);
    expect(summary).toMatch(/without --no-charts/);

    const text = await runInProcess(
      ['plan', 'elb.csv', '--agg', 'sum', '--no-charts', '--out-dir', out, ...QUICK.slice(0, 4)],
      { cwd: dir },
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /wrote 6 files to .*: forecast\.csv, plan\.csv, schedule\.csv, schedule\.json, summary\.md, index\.html$/m,
    );
    expect(text.stdout).not.toMatch(/\.png/);
  }, 60_000);

  it('the default still draws both charts and links them', async () => {
    const out = join(dir, 'default');
    const run = await runInProcess(
      ['plan', 'elb.csv', '--agg', 'sum', '--out-dir', out, ...QUICK.slice(0, 4)],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(await filesUnder(out)).toEqual([...SINGLE, 'forecast.png', 'plan.png'].sort());
    const summary = await readFile(join(out, 'summary.md'), 'utf8');
    // Named, not embedded: appended to $GITHUB_STEP_SUMMARY, an image beside it would not load.
    expect(summary).toContain('Charts: `forecast.png` and `plan.png` beside this file');
    expect(summary).not.toMatch(/!\[[^\]]*\]\(/);
    expect(summary).not.toMatch(NOT_DRAWN);
    // index.html shows both charts with the plan's figures.
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<img src="forecast.png"');
    expect(html).toContain('<img src="plan.png"');
    expect(html).toContain('elb.csv');
  }, 60_000);

  it('a fleet draws no PNG anywhere; index.html shows each service without images', async () => {
    const args = ['plan', '--no-charts', '--out-dir', 'fleet-out', ...QUICK, ...ANY_AGE];
    const run = await runInProcess(args, {
      cwd: dir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/warning/i);
    const out = join(dir, 'fleet-out');
    const files = await filesUnder(out);
    expect(files.filter((f) => f.endsWith('.png'))).toEqual([]);
    for (const name of ['elb', 'fleet-api', 'fleet-search']) {
      expect(files.filter((f) => f.startsWith(`${name}/`))).toEqual(
        TABLES.map((t) => `${name}/${t}`),
      );
      expect(await readFile(join(out, name, 'summary.md'), 'utf8')).not.toMatch(/!\[/);
    }
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<img/);
    for (const name of ['elb', 'fleet-api', 'fleet-search']) {
      const section = html.slice(html.indexOf(`<section id="service-${name}"`));
      expect(section).toMatch(/<h3>Schedule<\/h3>/);
      expect(section.slice(0, section.indexOf('</section>'))).toMatch(NOT_DRAWN);
    }
    const summary = await readFile(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| elb \| ok \|/);
    expect(summary).not.toMatch(/!\[|charts/);
  }, 60_000);

  it('charts: false in the config turns them off, and a service may turn them back on', async () => {
    const run = await runInProcess(['plan', '--config', 'keyed.yaml', ...QUICK], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const out = join(dir, 'keyed');
    const pngs = (await filesUnder(out)).filter((f) => f.endsWith('.png'));
    expect(pngs).toEqual([
      'fleet-api/forecast.png',
      'fleet-api/plan.png',
      'fleet-search/forecast.png',
      'fleet-search/plan.png',
    ]);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html.match(/<img /g)).toHaveLength(4);
    const elb = html.slice(html.indexOf('<section id="service-elb"'));
    expect(elb.slice(0, elb.indexOf('</section>'))).not.toMatch(/<img/);
    expect(await readFile(join(out, 'elb', 'summary.md'), 'utf8')).toMatch(NOT_DRAWN);

    await writeFile(
      join(dir, 'bad.yaml'),
      ['services:', '  - name: elb', '    data: elb.csv', '    charts: "no"'].join('\n'),
    );
    const bad = await runInProcess(['plan', '--config', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:4: services\[0\]\.charts: expected boolean/);
  }, 60_000);

  it('shards planned without charts merge into a report without images or warnings', async () => {
    const shards = await Promise.all(
      ['1/2', '2/2'].map((s) =>
        runInProcess(['plan', '--no-charts', '--shard', s, '--out-dir', 'sharded', ...QUICK], {
          cwd: dir,
        }),
      ),
    );
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    const out = join(dir, 'sharded');
    const part = JSON.parse(await readFile(join(out, 'fleet-part-1-of-2.json'), 'utf8'));
    for (const o of part.outcomes) expect(o.plan.charts).toBe(false);
    const merge = await runInProcess(['report', '--merge', 'sharded'], { cwd: dir });
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stderr).not.toMatch(/warning|chart-missing|no forecast\.png/);
    expect((await filesUnder(out)).filter((f) => f.endsWith('.png'))).toEqual([]);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<img/);
    expect(html.match(NOT_DRAWN)).toBeTruthy();
    const summary = await readFile(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| fleet-search \| ok[ ,]/);
    expect(summary).not.toMatch(/!\[|charts/);
  }, 60_000);
});
