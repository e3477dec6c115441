import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { AUTH_ENV, prometheusTests, sampleTimes, startPrometheus } from './helpers/prometheus.js';

// `plan --metric …` repeated, and `metrics:` in headroom.yaml: a service sized by requests and by
// CPU at once, on real CSV files. The plan must take, hour by hour, the larger of the two plans
// each metric makes alone, and say which one binds.

const root = mkdtempSync(join(tmpdir(), 'headroom-metrics-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const folder = () => mkdtempSync(join(root, `f${counter++}-`));

const DAYS = 21;
const T0 = Date.UTC(2024, 0, 1);

/**
 * Requests and CPU of one service, from the same daily shape with different peaks: requests
 * swing from 200 to 1,400 a second, CPU (in % of one server) from 400 to 1,000, so that at
 * 100 requests or 100% per server and 70% target CPU needs more servers at night and requests
 * by day. Deterministic noise.
 */
function writeHistories(dir: string, cpuExtraHours = 0): { rps: string; cpu: string } {
  let seed = 11;
  const noise = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const rps = ['timestamp,rps'];
  const cpu = ['timestamp,cpu'];
  for (let h = 0; h < DAYS * 24 + cpuExtraHours; h++) {
    const shape = Math.max(0, Math.sin((Math.PI * ((h % 24) - 6)) / 12));
    const time = new Date(T0 + h * 3_600_000).toISOString();
    if (h < DAYS * 24) rps.push(`${time},${(200 + 1200 * shape + 60 * noise()).toFixed(1)}`);
    cpu.push(`${time},${(400 + 600 * shape + 30 * noise()).toFixed(1)}`);
  }
  const paths = { rps: join(dir, 'rps.csv'), cpu: join(dir, 'cpu.csv') };
  writeFileSync(paths.rps, rps.join('\n') + '\n');
  writeFileSync(paths.cpu, cpu.join('\n') + '\n');
  return paths;
}

const COMMON = ['--model', 'seasonal-naive', '--horizon', '2d', '--no-charts', '-q'];
const REQUESTS = ['--capacity-per-server', '100'];
const CPU = ['--capacity-per-server', '100', '--target-utilization', '0.7', '--agg', 'mean'];

/** plan.csv as rows of named cells. */
function planRows(dir: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, 'plan.csv'), 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

async function plan(args: string[], cwd?: string) {
  const run = await runInProcess(['plan', ...args, ...COMMON], { cwd });
  return run;
}

describe('plan --metric', () => {
  const dir = folder();
  const { rps, cpu } = writeHistories(dir);
  const out = { both: join(dir, 'both'), rps: join(dir, 'rps'), cpu: join(dir, 'cpu') };
  const runs = Promise.all([
    plan([
      '--metric',
      `requests=${rps},capacity=100`,
      '--metric',
      `cpu=${cpu},capacity=100,target=0.7,agg=mean`,
      // Unshaped, so that schedule.csv is the combined servers' change points (shaping has its
      // own tests: test/shaped-schedule.test.ts).
      '--lead-time',
      '0',
      '--min-hold',
      '0',
      '--out-dir',
      out.both,
    ]),
    plan([rps, ...REQUESTS, '--out-dir', out.rps]),
    plan([cpu, ...CPU, '--out-dir', out.cpu]),
  ]);

  it('takes the larger of the two single-metric plans, hour by hour, and names the binding one', async () => {
    for (const run of await runs) expect(run.stderr).toBe('');
    const both = planRows(out.both);
    const requests = planRows(out.rps);
    const cpuAlone = planRows(out.cpu);
    expect(both).toHaveLength(48);
    both.forEach((row, i) => {
      expect(row.timestamp).toBe(requests[i].timestamp);
      expect(row.servers_requests).toBe(requests[i].servers);
      expect(row.servers_cpu).toBe(cpuAlone[i].servers);
      const r = Number(requests[i].servers);
      const c = Number(cpuAlone[i].servers);
      expect(Number(row.servers)).toBe(Math.max(r, c));
      expect(row.binding).toBe(c > r ? 'cpu' : 'requests'); // a tie: the first metric
      expect(row.forecast_requests).toBe(requests[i].forecast);
      expect(row.planned_load_cpu).toBe(cpuAlone[i].planned_load);
    });
    // The binding metric changes during the day: CPU at night, requests by day.
    const firstDay = both.slice(0, 24);
    expect(firstDay[3].binding).toBe('cpu');
    expect(firstDay[12].binding).toBe('requests');
  });

  it('says which metric binds how long: output, summary.md and schedule.json', async () => {
    const [run] = await runs;
    const rows = planRows(out.both);
    const hours = (name: string) => rows.filter((r) => r.binding === name).length;
    const line =
      hours('requests') >= hours('cpu')
        ? `requests binds ${hours('requests')} of 48 hours, cpu ${hours('cpu')}`
        : `cpu binds ${hours('cpu')} of 48 hours, requests ${hours('requests')}`;
    expect(run.stdout).toContain(line);
    expect(read(out.both, 'summary.md')).toContain(`| binding | ${line} |`);
    const doc = JSON.parse(read(out.both, 'schedule.json'));
    const peak = (rowsOf: Record<string, string>[]) =>
      Math.max(...rowsOf.map((r) => Number(r.servers)));
    expect(doc.metrics).toMatchObject([
      {
        name: 'requests',
        source: rps,
        capacityPerServer: 100,
        targetUtilization: 0.7,
        peakServers: peak(planRows(out.rps)),
        bindingSteps: hours('requests'),
      },
      {
        name: 'cpu',
        source: cpu,
        capacityPerServer: 100,
        targetUtilization: 0.7,
        peakServers: peak(planRows(out.cpu)),
        bindingSteps: hours('cpu'),
      },
    ]);
    for (const entry of doc.entries) {
      const row = rows.find((r) => r.timestamp === entry.timestamp)!;
      expect(entry.capacity).toBe(Number(row.servers));
      expect(entry.binding).toBe(row.binding);
    }
    // The schedule is the combined servers' change points.
    const changes = rows.filter((r, i) => i === 0 || r.servers !== rows[i - 1].servers);
    expect(doc.entries.map((e: { timestamp: string }) => e.timestamp)).toEqual(
      changes.map((r) => r.timestamp),
    );
    expect(read(out.both, 'forecast.csv').split('\n')[0]).toBe(
      'timestamp,forecast_requests,lower_requests,upper_requests,forecast_cpu,lower_cpu,upper_cpu',
    );
  });

  it('with one --metric, writes the same files as the plain plan', async () => {
    await runs;
    const one = join(dir, 'one');
    const run = await plan(['--metric', `requests=${rps},capacity=100`, '--out-dir', one]);
    expect(run.code).toBe(0);
    for (const file of [
      'plan.csv',
      'forecast.csv',
      'schedule.csv',
      'schedule.json',
      'summary.md',
    ]) {
      expect(read(one, file), file).toBe(read(out.rps, file));
    }
  });

  it('draws plan.png by binding metric and a forecast chart per metric', async () => {
    const charts = join(dir, 'charts');
    const run = await runInProcess([
      'plan',
      '--metric',
      `requests=${rps},capacity=100`,
      '--metric',
      `cpu=${cpu},capacity=100,target=0.7,agg=mean`,
      '--model',
      'seasonal-naive',
      '--horizon',
      '2d',
      '--out-dir',
      charts,
      '-q',
    ]);
    expect(run.code).toBe(0);
    for (const png of ['plan.png', 'forecast.png', 'forecast-cpu.png']) {
      expect(readFileSync(join(charts, png)).subarray(1, 4).toString(), png).toBe('PNG');
    }
    const summary = read(charts, 'summary.md');
    expect(summary).toContain(
      'Charts: `forecast.png`, `forecast-cpu.png` and `plan.png` beside this file',
    );
  });
});

describe('plan --metric refusals', () => {
  it('refuses histories that end more than a day apart', async () => {
    const dir = folder();
    const { rps, cpu } = writeHistories(dir, 30);
    const run = await plan([
      '--metric',
      `requests=${rps},capacity=100`,
      '--metric',
      `cpu=${cpu},capacity=100`,
      '--out-dir',
      join(dir, 'out'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: metrics requests and cpu end 30h apart');
    expect(run.stderr).toContain("hint: bring requests's history up to date, or cut cpu's");
  });

  it('cuts a history that ends a few hours later, and says so', async () => {
    const dir = folder();
    const { rps, cpu } = writeHistories(dir, 3);
    const out = join(dir, 'out');
    const run = await runInProcess([
      'plan',
      '--metric',
      `requests=${rps},capacity=100`,
      '--metric',
      `cpu=${cpu},capacity=100`,
      '--out-dir',
      out,
      ...COMMON.filter((a) => a !== '-q'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "cpu: its last 3h not used, so that every metric's plan starts at the same step",
    );
    expect(planRows(out)[0].timestamp).toBe(
      new Date(T0 + DAYS * 86_400_000).toISOString().replace('.000', ''),
    );
  });

  it.each([
    {
      name: 'a metric without capacity',
      args: (rps: string, cpu: string) => [
        '--metric',
        `requests=${rps},capacity=100`,
        '--metric',
        `cpu=${cpu}`,
      ],
      error: "error: metric 'cpu' has no capacity per server",
    },
    {
      name: 'a CSV argument beside --metric',
      args: (rps: string, cpu: string) => [rps, '--metric', `cpu=${cpu},capacity=100`],
      error: 'or with --metric, not both',
    },
    {
      name: 'a remote source beside --metric',
      args: (rps: string) => [
        '--metric',
        `requests=${rps},capacity=100`,
        '--prometheus',
        'http://127.0.0.1:9',
        '--query',
        'up',
      ],
      error: 'error: --metric names its own source',
    },
  ])('refuses $name (exit 2)', async ({ args, error }) => {
    const dir = folder();
    const { rps, cpu } = writeHistories(dir);
    const run = await plan([...args(rps, cpu), '--out-dir', join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(error);
  });
});

describe('metrics: in headroom.yaml', () => {
  it('plans a service by its metrics, as --metric does', async () => {
    const dir = folder();
    const { rps, cpu } = writeHistories(dir);
    writeFileSync(
      join(dir, 'headroom.yaml'),
      [
        'defaults:',
        '  model: seasonal-naive',
        '  horizon: 2d',
        '  charts: false',
        'services:',
        '  - name: web',
        '    metrics:',
        '      - name: requests',
        '        data: rps.csv',
        '        capacityPerServer: 100',
        '      - name: cpu',
        '        data: cpu.csv',
        '        capacityPerServer: 100',
        '        targetUtilization: 0.7',
        '        agg: mean',
        '  - name: api',
        '    data: rps.csv',
        '    capacityPerServer: 100',
        '',
      ].join('\n'),
    );
    const fleet = await runInProcess(['plan', '--config', 'headroom.yaml', '-q'], { cwd: dir });
    expect(fleet.stderr).toBe('');
    expect(fleet.code).toBe(0);
    const cli = join(dir, 'cli');
    await plan(
      [
        '--metric',
        `requests=${rps},capacity=100`,
        '--metric',
        `cpu=${cpu},capacity=100,target=0.7,agg=mean`,
        '--out-dir',
        cli,
      ],
      dir,
    );
    const web = join(dir, 'reports', 'web');
    expect(read(web, 'plan.csv')).toBe(read(cli, 'plan.csv'));
    const doc = JSON.parse(read(web, 'schedule.json'));
    expect(doc.metrics.map((m: { name: string }) => m.name)).toEqual(['requests', 'cpu']);
    // The fleet page says what binds, and each metric's own rule.
    const index = read(join(dir, 'reports'), 'index.html');
    expect(index).toMatch(/(requests|cpu) binds \d+ of 48 hours, (requests|cpu) \d+/);
    expect(index).toContain('cpu.csv (column cpu): 100 per server at 70%');
    // A service with one history stays as it was: no metrics in its schedule.json.
    expect(JSON.parse(read(join(dir, 'reports', 'api'), 'schedule.json'))).not.toHaveProperty(
      'metrics',
    );
  });

  it('refuses a metric without capacityPerServer, and a service with data and metrics, with their lines', async () => {
    const dir = folder();
    writeHistories(dir);
    writeFileSync(
      join(dir, 'headroom.yaml'),
      [
        'services:',
        '  - name: web',
        '    metrics:',
        '      - name: requests',
        '        data: rps.csv',
        '        capacityPerServer: 100',
        '      - name: cpu',
        '        data: cpu.csv',
        '',
      ].join('\n'),
    );
    const run = await runInProcess(['plan', '--config', 'headroom.yaml', '-q'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "headroom.yaml:7: services[0].metrics[1]: metric 'cpu' has no capacityPerServer",
    );
    writeFileSync(
      join(dir, 'headroom.yaml'),
      [
        'services:',
        '  - name: web',
        '    data: rps.csv',
        '    metrics:',
        '      - name: requests',
        '        data: rps.csv',
        '',
      ].join('\n'),
    );
    const both = await runInProcess(['plan', '--config', 'headroom.yaml', '-q'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      'headroom.yaml:3: services[0].data: give either data or source, or metrics',
    );
  });
});

describe.skipIf(!prometheusTests().run)('a metric read from a real Prometheus', () => {
  it('plans requests from Prometheus and CPU from a CSV as it plans the same histories from CSVs', async () => {
    const prom = await startPrometheus(2);
    try {
      const dir = folder();
      const times = sampleTimes(prom.end, 2);
      // CPU of the same service (in % of one server), on the same 5-minute samples: a wave that
      // peaks when requests are low (nightly batch work), so that each binds part of the day.
      const cpu = times.map((t) => {
        const day = (t / 86_400_000) % 1;
        return `${new Date(t).toISOString()},${(800 + 200 * Math.sin(2 * Math.PI * (day - 0.8))).toFixed(3)}`;
      });
      writeFileSync(join(dir, 'cpu.csv'), `timestamp,cpu\n${cpu.join('\n')}\n`);
      writeFileSync(
        join(dir, 'headroom.yaml'),
        [
          'defaults:',
          '  model: seasonal-naive',
          '  horizon: 2d',
          '  charts: false',
          'services:',
          '  - name: web',
          '    metrics:',
          '      - name: requests',
          '        source:',
          `          prometheus: ${prom.url}`,
          `          query: 'http_load{instance="a"}'`,
          '          since: 2w',
          '          step: 5m',
          `          until: ${new Date(prom.end).toISOString()}`,
          '        capacityPerServer: 150',
          '      - name: cpu',
          '        data: cpu.csv',
          '        capacityPerServer: 50',
          '',
        ].join('\n'),
      );
      const env = { ...AUTH_ENV, HEADROOM_PROMETHEUS_BEARER_TOKEN_FILE: undefined };
      const fleet = await runInProcess(['plan', '--config', 'headroom.yaml', '-q'], {
        cwd: dir,
        env,
      });
      expect(fleet.stderr).toBe('');
      const web = join(dir, 'reports', 'web');
      const doc = JSON.parse(read(web, 'schedule.json'));
      expect(doc.metrics[0].source).toBe(`Prometheus ${prom.url} http_load{instance="a"}`);
      // What Prometheus returned is kept as history-requests.csv, and replays to the same plan.
      const replay = await plan(
        [
          '--metric',
          `requests=${join(web, 'history-requests.csv')},capacity=150`,
          '--metric',
          'cpu=cpu.csv,capacity=50',
          '--out-dir',
          'replay',
        ],
        dir,
      );
      expect(replay.code).toBe(0);
      expect(read(join(dir, 'replay'), 'plan.csv')).toBe(read(web, 'plan.csv'));
      const bindings = new Set(planRows(web).map((r) => r.binding));
      expect(bindings).toEqual(new Set(['requests', 'cpu']));
    } finally {
      await prom.stop();
    }
  }, 60_000);
});
