import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback CloudWatch endpoint for GetMetricData, speaking the wire protocol the SDK's client
 * uses (AWS JSON 1.0 with query compatibility: a POST of JSON with
 * `X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`, JSON back with timestamps in epoch
 * seconds, errors named by the `x-amzn-query-error` header). It keeps per-minute values of a few
 * metrics, aggregates them per period and statistic, drops the periods CloudWatch no longer keeps
 * at that resolution (1-minute data 15 days, 5-minute 63 days, 1-hour 455 days), pages with
 * NextToken at MaxDatapoints (refusing more than 100,800) or its own smaller page size, can
 * throttle, refuses an unsigned request, and records every call.
 */

/** Credentials and region for the SDK, and nothing from this machine's own AWS configuration. */
export { FAKE_AWS_ENV } from './fake-autoscaling.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface FakeMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** The value of the minute starting at `t` (ms), or undefined where the metric has no data. */
  value: (t: number) => number | undefined;
}

export interface MetricCall {
  body: Record<string, unknown> & {
    MetricDataQueries: Query[];
    StartTime: number;
    EndTime: number;
    MaxDatapoints?: number;
    NextToken?: string;
  };
  authorization: string;
}

interface Query {
  Id: string;
  MetricStat?: {
    Metric: {
      Namespace: string;
      MetricName: string;
      Dimensions?: { Name: string; Value: string }[];
    };
    Period: number;
    Stat: string;
  };
  Expression?: string;
  Period?: number;
  ReturnData?: boolean;
}

export interface FakeCloudWatch {
  url: string;
  metrics: FakeMetric[];
  calls: MetricCall[];
  /** Pages hold at most this many points, whatever MaxDatapoints asks. */
  pageSize: number;
  /** The clock retention is counted back from (default: when the fake started). */
  now: number;
  /** Answer the next n requests with a Throttling error. */
  throttle: (n: number) => void;
  close: () => Promise<void>;
}

/** How long CloudWatch keeps data of this period. */
export function retentionMs(periodS: number): number {
  if (periodS % 3600 === 0) return 455 * DAY;
  if (periodS % 300 === 0) return 63 * DAY;
  return 15 * DAY;
}

/** The statistic of a metric's minutes in [from, from + period): what CloudWatch returns. */
export function aggregate(
  metric: FakeMetric,
  from: number,
  periodS: number,
  stat: string,
): number | undefined {
  const values: number[] = [];
  for (let t = from; t < from + periodS * 1000; t += MINUTE) {
    const v = metric.value(t);
    if (v !== undefined) values.push(v);
  }
  if (values.length === 0) return undefined;
  const sum = values.reduce((a, b) => a + b, 0);
  switch (stat) {
    case 'Sum':
      return sum;
    case 'Average':
      return sum / values.length;
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'SampleCount':
      return values.length;
    default:
      return undefined;
  }
}

interface Result {
  id: string;
  label: string;
  points: Map<number, number>;
}

function matches(metric: FakeMetric, q: NonNullable<Query['MetricStat']>['Metric']): boolean {
  const dims = q.Dimensions ?? [];
  return (
    metric.namespace === q.Namespace &&
    metric.name === q.MetricName &&
    dims.length === Object.keys(metric.dimensions).length &&
    dims.every((d) => metric.dimensions[d.Name] === d.Value)
  );
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The points of one metric for a period and statistic, within the range and the retention. */
function series(
  metric: FakeMetric | undefined,
  start: number,
  end: number,
  periodS: number,
  stat: string,
  now: number,
): Map<number, number> {
  const points = new Map<number, number>();
  if (!metric) return points;
  const kept = now - retentionMs(periodS);
  for (let t = start; t < end; t += periodS * 1000) {
    if (t < kept) continue;
    const v = aggregate(metric, t, periodS, stat);
    if (v !== undefined) points.set(t, v);
  }
  return points;
}

/**
 * An expression: `SEARCH('{NS,Dim} MetricName="X"', 'Stat', period)` (every metric of that
 * namespace and name, labelled by its dimension values), or arithmetic over query ids, numbers,
 * PERIOD(id) and SUM(METRICS()), point by point where every id has a value.
 */
function evaluate(
  q: Query,
  byId: Map<string, Result>,
  metrics: FakeMetric[],
  range: { start: number; end: number; now: number },
): Result[] {
  const text = q.Expression ?? '';
  const search = /^SEARCH\(\s*'\{([^,}]+)[^}]*\}\s*MetricName="([^"]+)"'\s*,\s*'(\w+)'/.exec(text);
  if (search) {
    const [, namespace, name, stat] = search;
    return metrics
      .filter((m) => m.namespace === namespace && m.name === name)
      .map((m) => ({
        id: q.Id,
        label: Object.values(m.dimensions).join(' '),
        points: series(m, range.start, range.end, q.Period ?? 60, stat, range.now),
      }));
  }
  const ids = [...byId.keys()];
  const js = text
    .replace(/SUM\(\s*METRICS\(\s*\)\s*\)/g, `(${ids.join('+')})`)
    .replace(/PERIOD\(\s*(\w+)\s*\)/g, () => String(q.Period ?? 60));
  const used = [...new Set(js.match(/\b[a-z]\w*\b/g) ?? [])];
  if (!/^[\w\s.+\-*/()]+$/.test(js) || used.some((id) => !byId.has(id))) {
    throw new Refusal('ValidationError', `Error in expression '${q.Id}': cannot parse ${text}`);
  }
  const f = new Function(...used, `return ${js};`) as (...values: number[]) => number;
  const points = new Map<number, number>();
  for (const t of byId.get(used[0] ?? '')?.points.keys() ?? []) {
    const values = used.map((id) => byId.get(id)!.points.get(t));
    if (values.every((v) => v !== undefined)) points.set(t, f(...(values as number[])));
  }
  return [{ id: q.Id, label: q.Id, points }];
}

function answer(body: MetricCall['body'], fake: FakeCloudWatch) {
  const start = body.StartTime * 1000;
  const end = body.EndTime * 1000;
  const most = body.MaxDatapoints ?? 100_800;
  if (most > 100_800) {
    throw new Refusal('InvalidParameterValue', 'MaxDatapoints must be at most 100800');
  }
  const byId = new Map<string, Result>();
  const returned: Result[] = [];
  for (const q of body.MetricDataQueries) {
    let results: Result[];
    if (q.MetricStat) {
      const { Metric, Period, Stat } = q.MetricStat;
      const metric = fake.metrics.find((m) => matches(m, Metric));
      const points = series(metric, start, end, Period, Stat, fake.now);
      results = [{ id: q.Id, label: Metric.MetricName, points }];
    } else {
      results = evaluate(q, byId, fake.metrics, { start, end, now: fake.now });
    }
    if (results.length === 1) byId.set(q.Id, results[0]);
    if (q.ReturnData !== false) returned.push(...results);
  }
  // Every returned point in order, a page of them from NextToken on.
  const all = returned.flatMap((r, i) => [...r.points].map(([t, v]) => ({ i, t, v })));
  const from = Number(body.NextToken ?? 0);
  const page = all.slice(from, from + Math.min(most, fake.pageSize));
  const more = from + page.length < all.length;
  return {
    MetricDataResults: returned.map((r, i) => {
      const mine = page.filter((p) => p.i === i);
      return {
        Id: r.id,
        Label: r.label,
        Timestamps: mine.map((p) => p.t / 1000),
        Values: mine.map((p) => p.v),
        StatusCode: more ? 'PartialData' : 'Complete',
      };
    }),
    Messages: [],
    ...(more && { NextToken: String(from + page.length) }),
  };
}

const SIGNED =
  /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[\w-]+\/monitoring\/aws4_request, SignedHeaders=[\w;-]+, Signature=[0-9a-f]{64}$/;

export async function startFakeCloudWatch(): Promise<FakeCloudWatch> {
  let throttled = 0;
  const fake = {} as FakeCloudWatch;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const reply = (status: number, body: unknown, error?: string) => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.0',
          ...(error && { 'x-amzn-query-error': `${error};Sender` }),
        });
        res.end(JSON.stringify(body));
      };
      const refuse = (status: number, code: string, message: string) =>
        reply(status, { __type: `com.amazonaws.cloudwatch#${code}`, message }, code);
      const authorization = String(req.headers.authorization ?? '');
      if (!SIGNED.test(authorization)) {
        return refuse(403, 'MissingAuthenticationToken', 'Request is missing a SigV4 signature');
      }
      if (
        req.headers['x-amz-target'] !== 'GraniteServiceVersion20100801.GetMetricData' ||
        req.headers['content-type'] !== 'application/x-amz-json-1.0'
      ) {
        return refuse(400, 'InvalidAction', 'the fake answers GetMetricData in JSON 1.0 only');
      }
      const body = JSON.parse(text) as MetricCall['body'];
      fake.calls.push({ body, authorization });
      if (throttled > 0) {
        throttled--;
        return refuse(400, 'Throttling', 'Rate exceeded');
      }
      try {
        reply(200, answer(body, fake));
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        refuse(400, error.code, error.message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    metrics: [],
    calls: [],
    pageSize: 100_800,
    now: Date.now(),
    throttle: (n: number) => (throttled = n),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return fake;
}
