import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { parse, parseAllDocuments } from 'yaml';
import { SETTINGS, type Setting } from '../src/settings/table.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANY_AGE, DATA, ELB, headroom, ROOT } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

const CHROMIUM = process.env.HEADROOM_CHROMIUM ?? '/usr/bin/chromium';
// CI installs Debian's chromium and sets HEADROOM_REQUIRE_BROWSER, so there the check cannot be skipped.
const browser = existsSync(CHROMIUM) || process.env.HEADROOM_REQUIRE_BROWSER ? it : it.skip;
const SHARED = join(ROOT, '..', 'shared', 'datasets');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-fleet-'));
  // A config names files in its own folder (see test/config-paths.test.ts).
  await copyFile(ELB, join(dir, 'elb.csv'));
  await copyFile(join(DATA, 'nyc_taxi.csv'), join(dir, 'nyc_taxi.csv'));
  await writeFile(join(dir, 'broken.csv'), 'timestamp,value\n2024-01-01 00:00,1\nnot a time,2\n');
  // Long format: two series in one file.
  const rows = ['timestamp,service,requests'];
  for (let h = 0; h < 24 * 21; h++) {
    const time = new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
    rows.push(`${time},api,${200 + 100 * Math.sin((2 * Math.PI * h) / 24)}`);
    rows.push(`${time},Search UI,${50 + 20 * Math.cos((2 * Math.PI * h) / 24)}`);
  }
  await writeFile(join(dir, 'long.csv'), rows.join('\n') + '\n');
  await writeFile(
    join(dir, 'headroom.yaml'),
    [
      'reports: out',
      'defaults:',
      '  capacityPerServer: 100',
      '  quantile: 0.8',
      'services:',
      `  - name: elb`,
      '    data: elb.csv',
      '    agg: sum',
      `  - name: taxi`,
      '    data: nyc_taxi.csv',
      '    agg: sum',
      '    timezone: America/New_York',
      '    capacityPerServer: 2000',
      '  - name: broken',
      '    data: broken.csv',
      '  - name: fleet',
      '    data: long.csv',
      '    seriesColumn: service',
    ].join('\n'),
  );
}, 30_000);

describe('fleet runs from headroom.yaml', () => {
  it('plans every service in parallel; a bad one fails alone and the exit code says so', async () => {
    // The real binary, whose worker threads plan the services: a smoke test of a fleet run.
    const run = await headroom(['plan', '--quantile', '0.95'], dir);
    expect(run.code, run.stderr).toBe(5);
    expect(run.stdout).toMatch(/5 service\(s\), 4 planned, 1 failed/);
    expect(run.stdout).toMatch(/broken\s+FAILED\s+–\s+–\s+.*broken\.csv:3: expected a timestamp/);
    // Not a TTY: one line per service as it completes.
    expect(run.stderr.match(/^\[\d\/5\] /gm)).toHaveLength(5);
    for (const name of ['elb', 'taxi', 'fleet-api', 'fleet-search-ui']) {
      const schedule = JSON.parse(await readFile(join(dir, 'out', name, 'schedule.json'), 'utf8'));
      // The flag given on the command line wins over the file's default of 0.8.
      expect(schedule.source.quantile).toBe(0.95);
    }
    const taxi = JSON.parse(await readFile(join(dir, 'out', 'taxi', 'schedule.json'), 'utf8'));
    expect(taxi.timezone).toBe('America/New_York');
    expect(taxi.capacity.capacityPerServer).toBe(2000);
    const summary = await readFile(join(dir, 'out', 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| broken \| \*\*failed\*\* \|/);
    // Its bundled history is from 2014: planned, and marked as one push would refuse.
    expect(summary).toMatch(/\| fleet-api \| ok, push refuses \(history\) \|/);
  }, 60_000);

  browser(
    'writes one self-contained report page that opens in headless Chromium without errors',
    async () => {
      const index = join(dir, 'out', 'index.html');
      if (!existsSync(index)) expect((await headroom(['plan', '--quiet'], dir)).code).toBe(5);
      const html = await readFile(index, 'utf8');
      expect(html).not.toMatch(/<script|src="(?!data:)/);
      const chrome = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const page = await chrome.newPage();
        const errors: string[] = [];
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
        await page.goto(`file://${index}`);
        expect(errors).toEqual([]);
        expect(await page.title()).toBe('headroom: capacity plans for 5 service(s)');
        const widths = await page.$$eval('img', (imgs) =>
          imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth),
        );
        expect(widths).toEqual(new Array(8).fill(1200)); // two charts for each planned service
        expect(await page.locator('#service-broken .error').innerText()).toMatch(
          /broken\.csv:3: expected a timestamp/,
        );
        expect(await page.locator('tbody tr').first().innerText()).toMatch(
          /^elb\tok, push refuses \(history\)\tensemble/,
        );
      } finally {
        await chrome.close();
      }
    },
    60_000,
  );

  it('reports a typo, a wrong type and a missing file in one go, without a stack trace', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      [
        'services:',
        '  - name: web',
        '    data: elb.csv',
        '    capacityPerSever: 300',
        '  - name: api',
        '    data: elb.csv',
        '    quantile: high',
        '  - name: db',
        '    data: nowhere/db.csv',
      ].join('\n'),
    );
    const run = await runInProcess(['plan', '--config', bad]);
    expect(run.code).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.includes('bad.yaml'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /bad\.yaml:4: services\[0\]\.capacityPerSever: unknown key \(did you mean 'capacityPerServer'\?\)/,
    );
    expect(lines[1]).toMatch(/bad\.yaml:7: services\[1\]\.quantile: expected number.*found "high"/);
    expect(lines[2]).toMatch(
      /bad\.yaml:9: services\[2\]\.data: no file matches 'nowhere\/db\.csv'/,
    );
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('init writes a starter config from a CSV that plans as it is, and never overwrites one', async () => {
    const here = await mkdtemp(join(tmpdir(), 'headroom-init-'));
    const csv = join(here, 'bikes.csv');
    await writeFile(
      csv,
      'dteday,hr,cnt\n' +
        Array.from({ length: 24 * 21 }, (_, h) => {
          const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(h / 24) * 86_400_000);
          return `${day.toISOString().slice(0, 10)},${h % 24},${100 + (h % 24) * 5}`;
        }).join('\n') +
        '\n',
    );
    const init = await runInProcess(['init', 'bikes.csv'], { cwd: here });
    expect(init.code, init.stderr).toBe(0);
    const config = await readFile(join(here, 'headroom.yaml'), 'utf8');
    expect(config).toMatch(/data: bikes\.csv/);
    expect(config).toMatch(/timestampColumn: dteday\n\s+hourColumn: hr\n\s+valueColumn: cnt/);
    expect(config).toMatch(/# push:/);
    // What it sets under defaults: is what headroom does anyway, so the file changes nothing.
    const defaults = (parse(config) as { defaults: Record<string, unknown> }).defaults;
    expect(Object.keys(defaults)).toContain('risk');
    for (const [key, value] of Object.entries(defaults)) {
      if (key === 'timezone') continue;
      expect(String(value), key).toBe((SETTINGS[key as keyof typeof SETTINGS] as Setting).default);
    }
    const plan = await runInProcess(['plan', '--quiet'], { cwd: here });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/1 service\(s\), 1 planned, 0 failed/);
    const again = await runInProcess(['init', 'bikes.csv'], { cwd: here });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/headroom\.yaml already exists/);
    expect(again.stderr).toMatch(/--force/);
  }, 60_000);

  it('push k8s --config writes one valid YAML stream with the objects of every service', async () => {
    // The example's histories are in ../data, beside the examples folder.
    const run = await runInProcess([
      'push',
      'k8s',
      '--config',
      'examples/k8s.yaml',
      '--allow-outside-config-dir',
      '--quiet',
      ...ANY_AGE,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const docs = parseAllDocuments(run.stdout);
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    const objects = docs
      .map((d) => d.toJS() as { kind: string; metadata: { namespace: string } } | null)
      .filter((o) => o !== null);
    expect(objects[0]).toMatchObject({ kind: 'ScaledObject', metadata: { namespace: 'shop' } });
    const taxi = objects.filter((o) => o.metadata.namespace === 'taxi').map((o) => o.kind);
    expect(taxi.slice(0, 3)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
    expect(taxi.filter((k) => k === 'CronJob').length).toBeGreaterThan(2);
    expect(run.stdout).toMatch(/^# web\s+ok$/m);
  }, 60_000);

  it('says what to do when there is neither a CSV nor a config', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'headroom-noconfig-'));
    const run = await runInProcess(['plan'], { cwd: empty });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nothing to plan: give a CSV, or --config, or put a headroom\.yaml/);
    expect(run.stderr).toMatch(/headroom init/);
  });

  (existsSync(SHARED) ? it : it.skip)(
    'plans the example fleet from the shared datasets',
    async () => {
      const out = await mkdtemp(join(tmpdir(), 'headroom-example-fleet-'));
      const run = await runInProcess([
        'plan',
        '--config',
        'examples/fleet.yaml',
        '--allow-outside-config-dir',
        '--out-dir',
        out,
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.services.map((s: { name: string }) => s.name)).toEqual([
        'web-requests',
        'taxi-dispatch',
        'bike-rentals',
        'highway-sensors',
        'pedestrians-4',
        'pedestrians-41',
      ]);
      expect(result.services.every((s: { ok: boolean }) => s.ok)).toBe(true);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
    },
    120_000,
  );
});
