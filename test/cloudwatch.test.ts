import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import {
  aggregate,
  FAKE_AWS_ENV,
  startFakeCloudWatch,
  type FakeCloudWatch,
  type FakeMetric,
} from './helpers/fake-cloudwatch.js';
import { runInProcess } from './helpers/in-process.js';
import { thrown } from './helpers/thrown.js';
import {
  callWindows,
  choosePeriod,
  MAX_POINTS,
  parseMetric,
  type CloudWatchSpec,
} from '../src/sources/cloudwatch.js';

// The real SDK client (@aws-sdk/client-cloudwatch) against a loopback CloudWatch that speaks its
// wire protocol: the CLI end to end in this process, and the fetch on its own where the test
// shortens the back-off.

const MINUTE = 60_000;
const DAY = 86_400_000;
const ALB = 'AWS/ApplicationELB:RequestCount:LoadBalancer=app/web/123';

let fake: FakeCloudWatch;
let dir: string;
/** The first and last 5 minutes of the fake's 55 days of requests. */
let first: number;
let last: number;

/** Requests per minute: a daily and weekly shape with a little deterministic noise. */
function requests(t: number): number {
  const hour = (t / 3_600_000) % 24;
  const weekday = Math.floor(t / DAY + 4) % 7; // 0 = Sunday
  const daily = 1 + 0.6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const weekly = weekday === 0 || weekday === 6 ? 0.7 : 1;
  const noise = ((Math.sin(t / MINUTE) * 10_000) % 1) * 40;
  return Math.round(600 * daily * weekly + noise);
}

function metric(
  namespace: string,
  name: string,
  dimensions: Record<string, string>,
  value: (t: number) => number,
): FakeMetric {
  return {
    namespace,
    name,
    dimensions,
    value: (t) => (t >= first && t < last + 5 * MINUTE ? value(t) : undefined),
  };
}

function run(args: string[], env: Record<string, string | undefined> = {}) {
  return runInProcess(args, { env: { ...FAKE_AWS_ENV, ...env } });
}

/** The fake's 5-minute sums as the CSV an export would hold. */
function exportedCsv(m: FakeMetric): string {
  const rows = ['timestamp,requests'];
  for (let t = first; t <= last; t += 5 * MINUTE) {
    rows.push(`${new Date(t).toISOString()},${aggregate(m, t, 300, 'Sum')}`);
  }
  return `${rows.join('\n')}\n`;
}

const capacities = async (file: string) =>
  (JSON.parse(await readFile(file, 'utf8')) as { entries: { capacity: number }[] }).entries.map(
    (e) => e.capacity,
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-cloudwatch-'));
  fake = await startFakeCloudWatch();
  // 55 whole days, ending an hour or two ago: inside the range a run reads back from now.
  const end = Math.floor((fake.now - 3_600_000) / 3_600_000) * 3_600_000;
  first = end - 55 * DAY;
  last = end - 5 * MINUTE;
  fake.metrics.push(
    metric('AWS/ApplicationELB', 'RequestCount', { LoadBalancer: 'app/web/123' }, requests),
    metric('AWS/EC2', 'CPUUtilization', { AutoScalingGroupName: 'web-asg' }, (t) =>
      Math.min(100, requests(t) / 20),
    ),
    metric(
      'AWS/AutoScaling',
      'GroupInServiceInstances',
      { AutoScalingGroupName: 'web-asg' },
      () => 4,
    ),
    metric('AWS/ApplicationELB', 'RequestCount', { LoadBalancer: 'app/api/456' }, (t) =>
      Math.round(requests(t) / 3),
    ),
  );
});

afterAll(() => fake.close());

beforeEach(() => {
  fake.calls.length = 0;
  fake.pageSize = 100_800;
});

describe('headroom plan --cloudwatch', () => {
  it('plans the same servers as the same history exported to CSV', async () => {
    const csv = join(dir, 'export.csv');
    await writeFile(csv, exportedCsv(fake.metrics[0]));
    const common = ['--capacity-per-server', '500', '--no-charts'];
    const fromCsv = await run(['plan', csv, ...common, '--out-dir', join(dir, 'csv')]);
    expect(fromCsv.code, fromCsv.stderr).toBe(0);
    const remote = await run([
      'plan',
      ...['--cloudwatch', ALB, '--stat', 'Sum', '--cloudwatch-endpoint', fake.url],
      ...common,
      ...['--out-dir', join(dir, 'cw')],
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    expect(await capacities(join(dir, 'cw', 'schedule.json'))).toEqual(
      await capacities(join(dir, 'csv', 'schedule.json')),
    );
    // 8 weeks asks for 5-minute periods, the finest CloudWatch keeps that long, and says so.
    expect(remote.stderr).toMatch(/reading 8w at 5-minute periods, the finest kept that long/);
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    const stat = call.body.MetricDataQueries[0].MetricStat!;
    expect(stat).toMatchObject({ Period: 300, Stat: 'Sum' });
    expect(stat.Metric.Dimensions).toEqual([{ Name: 'LoadBalancer', Value: 'app/web/123' }]);
    expect(call.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE\//);
    expect(call.authorization).not.toContain(FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY);
    // The history read is kept beside the reports, to plan again offline.
    const history = (await readFile(join(dir, 'cw', 'history.csv'), 'utf8')).trim().split('\n');
    expect(history[0]).toBe('timestamp,value');
    expect(history).toHaveLength(55 * 288 + 1);
  }, 60_000);

  it('follows NextToken pages and stays under the data-point limit', async () => {
    fake.pageSize = 4000;
    const result = await run([
      'forecast',
      ...['--cloudwatch', ALB, '--stat', 'sum', '--cloudwatch-endpoint', fake.url],
      ...['--out', join(dir, 'paged.csv')],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const points = 55 * 288;
    expect(fake.calls).toHaveLength(Math.ceil(points / 4000));
    expect(fake.calls.map((c) => c.body.NextToken)).toEqual([undefined, '4000', '8000', '12000']);
    expect(fake.calls.every((c) => (c.body.MaxDatapoints ?? 0) <= MAX_POINTS)).toBe(true);
    expect(result.stderr).toMatch(/15,840 data points in 4 call\(s\)/);
  }, 60_000);

  it('reads an expression over the metric, and a finer --step than kept makes a note', async () => {
    const result = await run([
      'forecast',
      ...['--cloudwatch', ALB, '--stat', 'Sum'],
      ...['--cloudwatch-expression', 'm1/PERIOD(m1)', '--step', '1m'],
      ...['--cloudwatch-endpoint', fake.url, '--out', join(dir, 'rate.csv')],
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /--step 1m is finer than CloudWatch keeps for --since 8w \(1-minute data is kept 15 days, 5-minute data 63\): reading 5m periods instead/,
    );
    const queries = fake.calls[0].body.MetricDataQueries;
    expect(queries.map((q) => [q.Id, q.ReturnData])).toEqual([
      ['m1', false],
      ['e1', true],
    ]);
  }, 60_000);

  it("--cloudwatch-group reads the group's CPU times its instances in service", async () => {
    const out = join(dir, 'group');
    const result = await run([
      'plan',
      ...['--cloudwatch-group', 'web-asg', '--since', '15d', '--cloudwatch-endpoint', fake.url],
      ...['--capacity-per-server', '100', '--no-charts', '--out-dir', out],
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/reading 15d at 1-minute periods/);
    // Read from the hour on: no partly covered hour at either edge.
    expect(result.stderr).not.toMatch(/partly covered/);
    const queries = fake.calls[0].body.MetricDataQueries;
    expect(queries.map((q) => q.MetricStat?.Metric.MetricName ?? q.Expression)).toEqual([
      'CPUUtilization',
      'GroupInServiceInstances',
      'm1 * m2',
    ]);
    const [, row] = (await readFile(join(out, 'history.csv'), 'utf8')).split('\n');
    const [time, value] = row.split(',');
    expect(Number(value)).toBeCloseTo(
      4 * aggregate(fake.metrics[1], Date.parse(time), 60, 'Average')!,
    );
  }, 60_000);

  it('writes several series of an expression in long format, which the ingest refuses with its hint', async () => {
    const result = await run([
      'plan',
      ...[
        '--cloudwatch-expression',
        `SEARCH('{AWS/ApplicationELB,LoadBalancer} MetricName="RequestCount"', 'Sum', 300)`,
      ],
      ...['--cloudwatch-endpoint', fake.url, '--out-dir', join(dir, 'search')],
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /timestamps repeat once per value of column 'series' \('app\/api\/456', 'app\/web\/123'\)/,
    );
    // A query is not a file to split: the hint leads to --series, not round to --series-column.
    const hint = /hint: pick one with --series-column series --series NAME, or narrow the query/;
    expect(result.stderr).toMatch(hint);
    const split = await run([
      'plan',
      ...[
        '--cloudwatch-expression',
        `SEARCH('{AWS/ApplicationELB,LoadBalancer} MetricName="RequestCount"', 'Sum', 300)`,
      ],
      ...['--series-column', 'series'],
      ...['--cloudwatch-endpoint', fake.url, '--out-dir', join(dir, 'search')],
    ]);
    expect(split.code).toBe(2);
    expect(split.stderr).toMatch(hint);
    const one = await run([
      'plan',
      ...[
        '--cloudwatch-expression',
        `SEARCH('{AWS/ApplicationELB,LoadBalancer} MetricName="RequestCount"', 'Sum', 300)`,
      ],
      ...['--series-column', 'series', '--series', 'app/web/123', '--capacity-per-server', '100'],
      ...['--cloudwatch-endpoint', fake.url, '--out-dir', join(dir, 'search')],
    ]);
    expect(one.code, one.stderr).toBe(0);
  }, 60_000);

  it('retries a throttled call, then reads', async () => {
    fake.throttle(2);
    const result = await run([
      'forecast',
      ...['--cloudwatch', ALB, '--stat', 'Sum', '--since', '4d', '--cloudwatch-endpoint', fake.url],
      ...['--out', join(dir, 'throttled.csv')],
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(fake.calls).toHaveLength(3);
  }, 60_000);

  it('without credentials exits 2 and says how to set them, before any call', async () => {
    const empty = join(dir, 'empty');
    await writeFile(empty, '');
    const result = await run(
      ['plan', '--cloudwatch', ALB, '--cloudwatch-endpoint', fake.url, '--out-dir', dir],
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_CONFIG_FILE: empty,
        AWS_SHARED_CREDENTIALS_FILE: empty,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /CloudWatch AWS\/ApplicationELB:RequestCount.*no AWS credentials found/,
    );
    expect(result.stderr).toMatch(/AWS_PROFILE/);
    expect(result.stderr).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    [['--cloudwatch', 'AWS/ApplicationELB RequestCount'], /needs a namespace and a metric name/],
    [
      ['--cloudwatch', 'AWS/EC2:CPUUtilization:AutoScalingGroupName'],
      /'AutoScalingGroupName' is not DIM=VALUE/,
    ],
  ])('refuses a malformed metric %j with the syntax (exit 2)', async (flags, problem) => {
    const result = await run(['plan', ...flags, '--cloudwatch-endpoint', fake.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toMatch(/NAMESPACE:METRIC\[:DIM=VALUE/);
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    [['--since', '500d'], /keeps data for 455 days/],
    [['--step', '90s'], /periods are 1s, 5s, 10s, 30s or a whole number of minutes/],
    [['--stat', 'median'], /'median' is not a CloudWatch statistic/],
  ])('refuses %j before any call (exit 2)', async (flags, problem) => {
    const result = await run(['plan', '--cloudwatch', ALB, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(problem);
  });

  it('says which metric has no data, and what to check', async () => {
    const result = await run([
      'plan',
      ...['--cloudwatch', 'AWS/ApplicationELB:RequestCount:LoadBalancer=app/nope/1'],
      ...['--cloudwatch-endpoint', fake.url, '--out-dir', dir],
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /LoadBalancer=app\/nope\/1 Average: CloudWatch has no data for it in us-east-1/,
    );
    expect(result.stderr).toMatch(/case-sensitive/);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_CLOUDWATCH too', async () => {
    const result = await run(
      ['forecast', '--cloudwatch', ALB, '--stat', 'Sum', '--out', join(dir, 'env.csv')],
      { AWS_ENDPOINT_URL_CLOUDWATCH: fake.url },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(fake.calls).toHaveLength(1);
  }, 60_000);

  it('refuses a headroom.yaml that sends CloudWatch calls to another host', async () => {
    const config = join(dir, 'headroom.yaml');
    await writeFile(
      config,
      [
        'version: 1',
        'services:',
        '  - name: web',
        '    source:',
        `      cloudwatch: '${ALB}'`,
        "      cloudwatchEndpoint: 'https://collector.example.com'",
        '',
      ].join('\n'),
    );
    const result = await run(['plan', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'headroom.yaml:6: services[0].source.cloudwatchEndpoint: a config may only name an AWS endpoint',
    );
  });

  it('refuses a CSV and a CloudWatch metric together', async () => {
    const result = await run(['plan', 'x.csv', '--cloudwatch', ALB]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/two sources given/);
  });
});

describe('the CloudWatch fetch', () => {
  // dist/, the module the CLI runs, so the fetch loads the same SDK the runs above used.
  const load = () =>
    import(pathToFileURL(join(ROOT, 'dist', 'sources', 'cloudwatch.js')).href) as Promise<
      typeof import('../src/sources/cloudwatch.js')
    >;
  const spec = (): CloudWatchSpec => ({
    kind: 'cloudwatch',
    metrics: [parseMetric(ALB, 'Sum')],
    sinceMs: 2 * DAY,
    region: 'us-east-1',
    endpoint: fake.url,
  });

  it('gives up after five throttled attempts with a RemoteError that names the metric', async () => {
    const { fetchCloudWatch } = await load();
    fake.throttle(10);
    const saved = { ...process.env };
    Object.assign(process.env, FAKE_AWS_ENV);
    try {
      const error = await thrown(() =>
        fetchCloudWatch(spec(), join(dir, 'never.csv'), { now: fake.now, retryBaseMs: 1 }),
      );
      expect(error).toMatchObject({ name: 'RemoteError' });
      expect((error as Error).message).toMatch(
        /CloudWatch AWS\/ApplicationELB:RequestCount:LoadBalancer=app\/web\/123 Sum: CloudWatch refused GetMetricData: Throttling \(HTTP 400\)/,
      );
    } finally {
      process.env = saved;
      fake.throttle(0);
    }
    expect(fake.calls).toHaveLength(5);
  });
});

describe('CloudWatch periods and calls', () => {
  it.each([
    [3 * 3_600_000, undefined, 60],
    [15 * DAY, undefined, 60],
    [16 * DAY, undefined, 300],
    [63 * DAY, undefined, 300],
    [64 * DAY, undefined, 3600],
    [455 * DAY, undefined, 3600],
    [3 * 3_600_000, 10_000, 10],
    [DAY, 10_000, 60],
    [8 * 7 * DAY, 60_000, 300],
    [8 * 7 * DAY, 420_000, 600],
    [8 * 7 * DAY, 3_600_000, 3600],
    [100 * DAY, 300_000, 3600],
  ])('since %i ms, step %s ms: period %i s', (since, step, period) => {
    expect(choosePeriod(since, step).periodS).toBe(period);
  });

  it('says why a --step under a minute is not kept for a day', () => {
    expect(choosePeriod(DAY, 10_000).note).toMatch(
      /--step 10s is finer than CloudWatch keeps for --since 1d \(periods under a minute are kept 3 hours\): reading 1m periods instead/,
    );
  });

  it('splits a range so that no call asks for more than 100,800 points a series', () => {
    const windows = callWindows(0, 250_000 * 60_000, 60);
    expect(windows).toEqual([
      [0, MAX_POINTS * 60_000],
      [MAX_POINTS * 60_000, 2 * MAX_POINTS * 60_000],
      [2 * MAX_POINTS * 60_000, 250_000 * 60_000],
    ]);
    expect(callWindows(0, 300_000, 60)).toEqual([[0, 300_000]]);
  });
});
