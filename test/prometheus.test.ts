import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_IO,
  fetchPrometheus,
  maskUrl,
  MAX_POINTS_PER_CALL,
  prometheusKind,
  prometheusSpec,
  rangeOf,
  readPrometheus,
  seriesCsv,
  seriesName,
  windowsOf,
  type PrometheusSpec,
} from '../src/sources/prometheus.js';
import { RemoteError, UserError } from '../src/errors.js';
import type { IngestOptions } from '../src/ingest/options.js';
import { runInProcess } from './helpers/in-process.js';
import {
  AUTH_ENV,
  freePort,
  generatedCsv,
  PASSWORD,
  prometheusTests,
  selfSignedCertificate,
  startPrometheus,
  startProxy,
  STEP_MS,
  USER,
  WEEK_MS,
  type Proxy,
  type RunningPrometheus,
} from './helpers/prometheus.js';
import { thrown } from './helpers/thrown.js';

const MINUTE = 60_000;

describe('reading Prometheus: the range and its calls', () => {
  it('aligns the range to the step and splits it into windows of at most 11,000 points, no overlap', () => {
    const range = rangeOf(Date.UTC(2024, 5, 1, 12, 7, 31), 8 * WEEK_MS, STEP_MS);
    expect(range.end).toBe(Date.UTC(2024, 5, 1, 12, 5));
    expect(range.start).toBe(range.end - 8 * WEEK_MS);
    const windows = windowsOf({ ...range, stepMs: STEP_MS });
    expect(windows).toHaveLength(2);
    const points = windows.map((w) => (w.end - w.start) / STEP_MS + 1);
    expect(points).toEqual([MAX_POINTS_PER_CALL, 8 * 7 * 288 + 1 - MAX_POINTS_PER_CALL]);
    expect(windows[0].start).toBe(range.start);
    expect(windows[1].start).toBe(windows[0].end + STEP_MS);
    expect(windows[1].end).toBe(range.end);
    // Exactly 11,000 points is one call; one more is two.
    expect(windowsOf({ start: 0, end: 10_999 * 1000, stepMs: 1000 })).toHaveLength(1);
    expect(windowsOf({ start: 0, end: 11_000 * 1000, stepMs: 1000 })).toHaveLength(2);
  });

  it('makes the spec from the flags (or a source block), with the defaults 8w and 5m', () => {
    const now = () => Date.UTC(2024, 5, 1, 0, 3);
    const spec = prometheusSpec({ prometheus: 'http://p:9090/x/', query: 'up' }, now, {});
    expect(spec).toEqual({
      kind: 'prometheus',
      url: 'http://p:9090/x/',
      query: 'up',
      start: Date.UTC(2024, 5, 1) - 8 * WEEK_MS,
      end: Date.UTC(2024, 5, 1),
      stepMs: 5 * MINUTE,
    });
    expect(prometheusSpec({ step: '1m', since: '8w' })).toBeUndefined();
    const until = prometheusSpec(
      {
        prometheus: 'https://p',
        query: 'up',
        until: '2024-01-08T00:00:00Z',
        since: '1w',
        step: '1h',
      },
      now,
      { HEADROOM_PROMETHEUS_BEARER_TOKEN_FILE: '/run/token' },
    );
    expect(until).toMatchObject({
      start: Date.UTC(2024, 0, 1),
      end: Date.UTC(2024, 0, 8),
      stepMs: 3_600_000,
      bearerTokenFile: '/run/token',
    });
  });

  it.each([
    [{ prometheus: 'prom:9090', query: 'up' }, /--prometheus: expected the server's http/],
    [{ prometheus: 'ftp://u:pw@p', query: 'up' }, /'ftp:\/\/\*\*\*@p'/],
    [{ prometheus: 'http://p' }, /--prometheus needs --query/],
    [{ query: 'up' }, /--query applies to --prometheus, which is not given/],
    [{ caFile: 'ca.pem' }, /--ca-file applies to --prometheus/],
    [{ prometheus: 'http://p', query: 'up', step: '1500ms' }, /--step: expected a duration/],
    [{ prometheus: 'http://p', query: 'up', step: '90.5s' }, /--step: expected whole seconds/],
    [{ prometheus: 'http://p', query: 'up', since: '5m' }, /not longer than two --step/],
    [{ prometheus: 'http://p', query: 'up', until: 'yesterday' }, /--until: expected a timestamp/],
    [{ prometheus: 'http://p', query: 'up', since: '520w', step: '1s' }, /more than 500/],
  ])('refuses %j', async (options, message) => {
    const error = await thrown(() => prometheusSpec(options, () => 0, {}));
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('pw');
  });

  it('refuses a --step coarser than --interval before reading: intervals would have no sample', async () => {
    const spec = prometheusSpec(
      { prometheus: 'http://127.0.0.1:9', query: 'up', step: '90m', since: '8w' },
      () => Date.UTC(2024, 0, 8),
      {},
    )!;
    const hour = { intervalMs: 3_600_000 } as IngestOptions;
    const error = await thrown(() => prometheusKind.fetch(spec, join(tmpdir(), 'never.csv'), hour));
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      '--step 90m is coarser than --interval 1h: some intervals would have no sample',
    );
    expect((error as UserError).hint).toMatch(/give --step 1h or finer/);
  });

  it('masks credentials in URLs and names series by their labels', () => {
    expect(maskUrl('http://me:secret@prom:9090/p/')).toBe('http://***@prom:9090/p');
    expect(maskUrl('http://prom:9090')).toBe('http://prom:9090');
    expect(seriesName({ instance: 'a', job: 'web' })).toBe('instance=a,job=web');
    expect(seriesName({ __name__: 'up', job: 'web' })).toBe('up,job=web');
    expect(seriesName({})).toBe('{}');
    const series = (name: string) => ({
      labels: { job: name },
      points: new Map([
        [60_000, '1.5'],
        [0, 'NaN'],
      ]),
    });
    expect(seriesCsv([series('web')])).toBe(
      'timestamp,value\n1970-01-01T00:00:00.000Z,\n1970-01-01T00:01:00.000Z,1.5\n',
    );
    expect(
      seriesCsv([series('a,b'), series('c')])
        .split('\n')
        .slice(0, 3),
    ).toEqual([
      'timestamp,series,value',
      '1970-01-01T00:00:00.000Z,"job=a,b",',
      '1970-01-01T00:01:00.000Z,"job=a,b",1.5',
    ]);
  });
});

describe('a source: block in headroom.yaml', () => {
  it('is checked with the config: data or source, a named source, its keys and its paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-prom-config-'));
    try {
      await writeFile(join(dir, 'load.csv'), 'timestamp,value\n2024-01-01T00:00:00Z,1\n');
      await writeFile(
        join(dir, 'headroom.yaml'),
        [
          'services:',
          '  - name: both',
          '    data: load.csv',
          '    source: { prometheus: http://p:9090, query: up }',
          '  - name: neither',
          '    capacityPerServer: 10',
          '  - name: no-query',
          '    source: { prometheus: http://p:9090 }',
          '  - name: typo',
          '    source: { prometheus: http://p:9090, query: up, stepp: 1m }',
          '  - name: token',
          '    source: { prometheus: http://p:9090, query: up, bearerTokenFile: /etc/token }',
          '  - name: split',
          '    seriesColumn: service',
          '    source: { prometheus: http://p:9090, query: up }',
          '',
        ].join('\n'),
      );
      const run = await runInProcess(['plan', '--config', 'headroom.yaml'], { cwd: dir });
      expect(run.code).toBe(2);
      const lines = run.stderr.split('\n');
      const line = (text: string) => lines.find((l) => l.includes(text));
      expect(line('services[0].data: give either data (a CSV) or source')).toContain(':3:');
      expect(line('services[1].data: give data (a CSV file or glob) or source')).toBeDefined();
      expect(line("services[3].source.stepp: unknown key (did you mean 'step'?)")).toContain(
        ':10:',
      );
      expect(line("services[4].source.bearerTokenFile: '/etc/token' is outside")).toContain(':12:');
      const again = await runInProcess(
        ['plan', '--config', 'headroom.yaml', '--prometheus', 'http://p', '--query', 'up'],
        { cwd: dir },
      );
      expect(again.stderr).toContain(
        'give either --config or a source to read (--prometheus), not both',
      );

      await writeFile(
        join(dir, 'headroom.yaml'),
        'services:\n  - name: a\n    source: { prometheus: http://p:9090 }\n  - name: b\n    seriesColumn: s\n    source: { prometheus: http://p:9090, query: up }\n',
      );
      const late = await runInProcess(['plan', '--config', 'headroom.yaml'], { cwd: dir });
      expect(late.code).toBe(2);
      expect(late.stderr).toMatch(/:3: services\[0\]\.source: --prometheus needs --query/);
      expect(late.stderr).toMatch(
        /:5: services\[1\]\.seriesColumn: applies to a data file, not a source/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const available = prometheusTests();

describe.skipIf(!available.run)('reading a real Prometheus server', () => {
  let prom: RunningPrometheus;
  let proxy: Proxy;
  let work: string;
  const until = () => new Date(prom.end).toISOString();
  const A = 'http_load{job="web",instance="a"}';

  /** `headroom <verb> --prometheus <url> --query … --until <data's end>`, with basic auth. */
  function read(
    verb: string,
    args: string[],
    { url = proxy.url, env = AUTH_ENV as Record<string, string | undefined> } = {},
  ) {
    return runInProcess(
      [verb, '--prometheus', url, '--since', '8w', '--step', '5m', '--until', until(), ...args],
      { env: { HEADROOM_PROMETHEUS_BEARER_TOKEN_FILE: undefined, ...env }, cwd: work },
    );
  }

  const planArgs = ['--capacity-per-server', '150', '--model', 'ridge', '--no-charts'];
  const schedule = async (dir: string) => {
    const json = JSON.parse(await readFile(join(dir, 'schedule.json'), 'utf8'));
    delete json.source.file;
    return json;
  };

  beforeAll(async () => {
    prom = await startPrometheus(8);
    proxy = await startProxy(prom.url, { tokens: { 'good-token': USER } });
    work = await mkdtemp(join(tmpdir(), 'headroom-prom-test-'));
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await prom?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('plans 8 weeks at 5 minutes read in two calls, the same plan as the same history from a CSV', async () => {
    const before = proxy.calls.length;
    const run = await read('plan', ['--query', A, ...planArgs, '--out-dir', 'prom']);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Prometheus ${proxy.url} ${A}: 16129 rows of 'value'`);

    const calls = proxy.calls.slice(before);
    expect(calls.map((c) => c.path)).toEqual([
      '/prometheus/api/v1/query_range',
      '/prometheus/api/v1/query_range',
    ]);
    const windows = calls.map((c) => ({
      start: Number(c.form.get('start')) * 1000,
      end: Number(c.form.get('end')) * 1000,
      step: Number(c.form.get('step')) * 1000,
    }));
    for (const w of windows) expect((w.end - w.start) / w.step + 1).toBeLessThanOrEqual(11_000);
    expect(windows[0].start).toBe(prom.end - 8 * WEEK_MS);
    expect(windows[1].start).toBe(windows[0].end + STEP_MS);
    expect(windows[1].end).toBe(prom.end);

    // What it read is the generator's history, point for point, with no seam doubled.
    const fetched = await readFile(join(work, 'prom', 'history.csv'), 'utf8');
    const generated = generatedCsv(prom.end, 8);
    expect(fetched).toBe(generated);

    await writeFile(join(work, 'generated.csv'), generated);
    for (const [csv, out] of [
      ['prom/history.csv', 'replayed'],
      ['generated.csv', 'generated'],
    ]) {
      const offline = await runInProcess(['plan', csv, ...planArgs, '--out-dir', out], {
        cwd: work,
      });
      expect(offline.code).toBe(0);
      expect(await schedule(join(work, out))).toEqual(await schedule(join(work, 'prom')));
    }
    const servers = (await schedule(join(work, 'prom'))).summary;
    expect(servers.peakServers).toBeGreaterThan(servers.minServers);
  }, 60_000);

  it('refuses a query that returns several series, naming their labels', async () => {
    const run = await read('forecast', ['--query', 'http_load']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the query returned 2 series');
    expect(run.stderr).toContain('http_load,instance=a,job=web; http_load,instance=b,job=web');
    expect(run.stderr).toContain('sum without (instance) (…)');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("shows Prometheus's own message for a bad query, with the query, and does not retry it", async () => {
    const before = proxy.calls.length;
    const run = await read('plan', ['--query', 'sum(rate(http_load[5m]'], { url: prom.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/refused the query: bad_data: .*parse error/);
    expect(run.stderr).toContain('the query was: sum(rate(http_load[5m]');
    expect(proxy.calls.length).toBe(before);
  });

  it('says which URL it could not reach, and how to check it', async () => {
    const port = await freePort();
    const run = await read('plan', ['--query', A], { url: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `cannot reach Prometheus at http://127.0.0.1:${port} (ECONNREFUSED`,
    );
    expect(run.stderr).toContain(`curl http://127.0.0.1:${port}/-/ready`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('says auth was refused (by Prometheus itself) and never prints the password', async () => {
    const wrong = `${PASSWORD}-old`;
    const inUrl = prom.url.replace('//', `//${USER}:${encodeURIComponent(wrong)}@`);
    for (const attempt of [
      { url: prom.url, env: {} },
      { url: prom.url, env: { ...AUTH_ENV, HEADROOM_PROMETHEUS_PASSWORD: wrong } },
      { url: inUrl, env: {} },
    ]) {
      const run = await read('plan', ['--query', A], attempt);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('refused the credentials (auth refused, HTTP 401)');
      expect(run.stderr).toContain('--bearer-token-file');
      expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
    }
    // The right password in the URL works, and shows nowhere: not in the output, not in the reports.
    const right = prom.url.replace('//', `//${USER}:${encodeURIComponent(PASSWORD)}@`);
    const run = await read('plan', ['--query', A, ...planArgs, '--out-dir', 'in-url'], {
      url: right,
      env: {},
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Prometheus http://***@127.0.0.1');
    expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
    for (const file of await readdir(join(work, 'in-url'))) {
      expect(await readFile(join(work, 'in-url', file), 'utf8')).not.toContain(PASSWORD);
    }
  }, 30_000);

  it('sends a bearer token from its file (through a gateway that takes tokens)', async () => {
    await writeFile(join(work, 'token'), 'good-token\n');
    await writeFile(join(work, 'bad-token'), 'stale-token\n');
    const before = proxy.calls.length;
    const run = await read('forecast', ['--query', A, '--bearer-token-file', 'token'], { env: {} });
    expect(run.code).toBe(0);
    expect(proxy.calls.slice(before).map((c) => c.authorization)).toEqual([
      'Bearer good-token',
      'Bearer good-token',
    ]);
    const refused = await read('forecast', ['--query', A], {
      env: { HEADROOM_PROMETHEUS_BEARER_TOKEN_FILE: join(work, 'bad-token') },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('auth refused');
    expect(`${refused.stdout}${refused.stderr}`).not.toContain('stale-token');
  }, 30_000);

  it('says the URL has no API under it when the path prefix is wrong', async () => {
    const run = await read('plan', ['--query', A], { url: proxy.url.replace('/prometheus', '/') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no Prometheus API at');
    expect(run.stderr).toContain('path prefix');
  });

  it('trusts a server whose certificate a --ca-file signed, and says what to do when none is given', async () => {
    const certificate = await selfSignedCertificate(work);
    const secure = await startProxy(prom.url, { tls: certificate });
    try {
      const untrusted = await read('plan', ['--query', A], { url: secure.url });
      expect(untrusted.code).toBe(2);
      expect(untrusted.stderr).toContain(
        `cannot reach Prometheus at ${secure.url}: its TLS certificate is not trusted`,
      );
      expect(untrusted.stderr).toContain('--ca-file FILE');
      const trusted = await read('forecast', ['--query', A, '--ca-file', certificate.certFile], {
        url: secure.url,
      });
      expect(trusted.stderr).not.toMatch(/error/);
      expect(trusted.code).toBe(0);
      expect(secure.calls.map((c) => c.status)).toEqual([200, 200]);
    } finally {
      await secure.close();
    }
  }, 30_000);

  it('plans a push on the fly from Prometheus', async () => {
    const args = ['--query', A, '--capacity-per-server', '150', '--model', 'ridge'];
    const run = await runInProcess(
      [
        'push',
        'k8s',
        '--target',
        'deployment/web',
        '--prometheus',
        proxy.url,
        '--until',
        until(),
        ...args,
      ],
      { env: AUTH_ENV, cwd: work },
    );
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('kind: ScaledObject');
    const both = await runInProcess(
      [
        'push',
        'k8s',
        '--target',
        'deployment/web',
        '--prometheus',
        proxy.url,
        '--schedule',
        'x.json',
        ...args,
      ],
      { env: AUTH_ENV, cwd: work },
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give either a source to plan from or --schedule, not both');
  }, 30_000);

  it('retries 503 and 429 with back-off, then reads; gives up after its retries', async () => {
    const spec = prometheusSpec(
      { prometheus: proxy.url, query: A, since: '8w', step: '5m', until: until() },
      Date.now,
      {},
    ) as PrometheusSpec;
    const waits: number[] = [];
    const io = { ...DEFAULT_IO, env: AUTH_ENV, sleep: async (ms: number) => void waits.push(ms) };
    const before = proxy.calls.length;
    proxy.failNext(503, 429);
    const series = await readPrometheus(spec, io);
    expect(series).toHaveLength(1);
    expect(series[0].points.size).toBe(8 * 7 * 288 + 1);
    expect(waits).toEqual([500, 1000]);
    expect(proxy.calls.slice(before).map((c) => c.status)).toEqual([503, 429, 200, 200]);

    proxy.failNext(503, 503, 503, 503);
    const error = await fetchPrometheus(spec, join(work, 'never.csv'), io).catch((e) => e);
    // The server failed, not the command: a RemoteError, exit 3 (docs/exit-codes.md).
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toContain('answered HTTP 503 4 times: busy');
    expect(waits).toEqual([500, 1000, 500, 1000, 2000]);
  });

  it('reads a source: block of headroom.yaml; its token file must stay in the folder', async () => {
    const dir = join(work, 'fleet');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'token'), 'good-token\n');
    const config = (tokenFile: string) =>
      [
        'services:',
        '  - name: web',
        '    capacityPerServer: 150',
        '    model: ridge',
        '    charts: false',
        '    source:',
        `      prometheus: ${proxy.url}`,
        `      query: '${A}'`,
        '      since: 8w',
        '      step: 5m',
        `      until: '${until()}'`,
        `      bearerTokenFile: ${tokenFile}`,
        '',
      ].join('\n');
    await writeFile(join(dir, 'headroom.yaml'), config('token'));
    const run = await runInProcess(['plan', '--config', 'headroom.yaml', '--workers', '1'], {
      cwd: dir,
      env: { HEADROOM_PROMETHEUS_BEARER_TOKEN_FILE: undefined },
    });
    expect(run.stderr).not.toContain('FAILED');
    expect(run.code).toBe(0);
    expect(await readFile(join(dir, 'reports', 'web', 'history.csv'), 'utf8')).toBe(
      generatedCsv(prom.end, 8),
    );
    expect(await schedule(join(dir, 'reports', 'web'))).toEqual(await schedule(join(work, 'prom')));

    await writeFile(join(dir, 'headroom.yaml'), config(join(work, 'token')));
    const outside = await runInProcess(['plan', '--config', 'headroom.yaml'], { cwd: dir });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(
      /services\[0\]\.source\.bearerTokenFile: .* is outside the config's folder/,
    );
  }, 60_000);
});
