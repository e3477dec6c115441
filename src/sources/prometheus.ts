/**
 * Prometheus as a source: one PromQL query read over a range through the HTTP API's
 * `/api/v1/query_range`, in as many calls as it takes to stay under the server's 11,000 points per
 * series, with retries on 429 and 5xx. Servers that speak the same API (Thanos, Mimir,
 * VictoriaMetrics) are read by the same code, under whatever path prefix their URL has.
 *
 * Calls go through node:http(s) rather than the global fetch: a custom CA (`--ca-file`) needs
 * undici's Agent with fetch, which Node bundles but does not let one import.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { RemoteError, UserError } from '../errors.js';
import { parseTimestamp, TIMESTAMP_FORMATS } from '../ingest/timestamp.js';
import { SETTINGS } from '../settings/table.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import type { SourceKind, SourceOptions } from './source.js';

export interface PrometheusSpec {
  kind: 'prometheus';
  /** The server's base URL as given (it may hold user:password; messages show it masked). */
  url: string;
  query: string;
  /** First and last evaluation time, epoch ms, both multiples of the step. */
  start: number;
  end: number;
  stepMs: number;
  bearerTokenFile?: string;
  caFile?: string;
}

/** The most points per series one query_range call may ask for (Prometheus refuses more). */
/** The query_range step when --step is not given. */
const DEFAULT_STEP = '5m';
export const MAX_POINTS_PER_CALL = 11_000;
/** The most calls one read may take (at 11,000 points each): beyond, the step is too fine. */
export const MAX_CALLS = 500;
/** The largest answer one call may return. */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
/** The environment variables read for credentials. */
export const ENV = {
  user: 'HEADROOM_PROMETHEUS_USER',
  password: 'HEADROOM_PROMETHEUS_PASSWORD',
  bearerTokenFile: 'HEADROOM_PROMETHEUS_BEARER_TOKEN_FILE',
} as const;

/** What one call answered. */
export interface Answer {
  status: number;
  body: string;
  retryAfter?: string;
}

/** Sends a form-encoded POST; rejects with the socket's error (its `code`) when there is no answer. */
export type Post = (
  url: URL,
  form: string,
  headers: Record<string, string>,
  ca?: string[],
) => Promise<Answer>;

/** What a read does its I/O with: injectable so that tests can count calls and skip the waits. */
export interface PrometheusIo {
  post: Post;
  sleep: (ms: number) => Promise<void>;
  env: NodeJS.ProcessEnv;
  /** The wait before each retry; its length is the number of retries. */
  backoffMs: readonly number[];
}

export const DEFAULT_IO: PrometheusIo = {
  post: postForm,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  env: process.env,
  backoffMs: [500, 1_000, 2_000],
};

/** The URL with any user and password replaced by `***`: how every message shows it. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '***';
      parsed.password = '';
    }
    return parsed.href.replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The URL without its user and password, for a command to try. */
function bareUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.href.replace(/\/$/, '');
}

/** The range read: `since` back from `until`, both on the step's grid so reruns ask alike. */
export function rangeOf(untilMs: number, sinceMs: number, stepMs: number) {
  const end = Math.floor(untilMs / stepMs) * stepMs;
  return { start: end - Math.floor(sinceMs / stepMs) * stepMs, end };
}

/** The calls a range takes: consecutive windows of at most MAX_POINTS_PER_CALL points, no overlap. */
export function windowsOf(spec: Pick<PrometheusSpec, 'start' | 'end' | 'stepMs'>) {
  const windows: { start: number; end: number }[] = [];
  const span = (MAX_POINTS_PER_CALL - 1) * spec.stepMs;
  for (let at = spec.start; at <= spec.end; at += span + spec.stepMs) {
    windows.push({ start: at, end: Math.min(spec.end, at + span) });
  }
  return windows;
}

/** The spec `--prometheus` and its flags (or a config's `source:` block) ask for. */
export function prometheusSpec(
  options: SourceOptions,
  now: () => number = Date.now,
  env: NodeJS.ProcessEnv = process.env,
): PrometheusSpec | undefined {
  const url = options.prometheus;
  if (url === undefined) {
    const stray = (['query', 'bearerTokenFile', 'caFile'] as const).find((k) => options[k]);
    if (stray) {
      const flag = `--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UserError(
        `${flag} applies to --prometheus, which is not given`,
        'add --prometheus URL',
      );
    }
    return undefined;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    throw new UserError(
      `--prometheus: expected the server's http:// or https:// URL, got '${maskUrl(url)}'`,
      'for example --prometheus http://prometheus:9090 (with its path prefix if it has one: http://host/prometheus)',
    );
  }
  if (!options.query?.trim()) {
    throw new UserError(
      '--prometheus needs --query, the PromQL expression of the load',
      `e.g. --query 'sum(rate(http_requests_total{job="web"}[5m]))'`,
    );
  }
  const stepMs = parseDuration(options.step ?? DEFAULT_STEP, '--step');
  const sinceMs = parseDuration(options.since ?? SETTINGS.since.default, '--since');
  if (stepMs < 1000 || stepMs % 1000 !== 0) {
    throw new UserError(`--step: expected whole seconds, got '${options.step}'`, 'e.g. 5m or 60s');
  }
  if (sinceMs < 2 * stepMs) {
    throw new UserError(
      `--since ${options.since} is not longer than two --step ${options.step}`,
      'read weeks of history (e.g. --since 8w) at a step of minutes (e.g. --step 5m)',
    );
  }
  let untilMs = now();
  if (options.until !== undefined) {
    untilMs = parseTimestamp(options.until, 'UTC').ms;
    if (Number.isNaN(untilMs)) {
      throw new UserError(
        `--until: expected a timestamp, got '${options.until}'`,
        `accepted: ${TIMESTAMP_FORMATS} (naive times are UTC)`,
      );
    }
  }
  const range = rangeOf(untilMs, sinceMs, stepMs);
  const calls = Math.ceil((range.end - range.start) / stepMs / MAX_POINTS_PER_CALL);
  if (calls > MAX_CALLS) {
    throw new UserError(
      `--since ${options.since} at --step ${options.step} is ${calls} calls of ${MAX_POINTS_PER_CALL.toLocaleString('en-US')} points, more than ${MAX_CALLS}`,
      `a step of ${formatDuration(Math.ceil((range.end - range.start) / (MAX_CALLS * MAX_POINTS_PER_CALL) / 60_000) * 60_000)} or more reads it; plans resample to --interval (1h) anyway`,
    );
  }
  const bearerTokenFile = options.bearerTokenFile ?? env[ENV.bearerTokenFile];
  return {
    kind: 'prometheus',
    url,
    query: options.query,
    ...range,
    stepMs,
    ...(bearerTokenFile && { bearerTokenFile }),
    ...(options.caFile && { caFile: options.caFile }),
  };
}

/** The Authorization header: a bearer token from its file, or basic auth from the URL or env. */
async function authorization(
  spec: PrometheusSpec,
  url: URL,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const user = url.username ? decodeURIComponent(url.username) : env[ENV.user];
  const password = url.username ? decodeURIComponent(url.password) : env[ENV.password];
  if (password && !user) {
    throw new UserError(`${ENV.password} is set but ${ENV.user} is not`, `set ${ENV.user} too`);
  }
  if (spec.bearerTokenFile) {
    if (user) {
      throw new UserError(
        'both a bearer token file and basic auth are given for Prometheus',
        `give one: --bearer-token-file (or ${ENV.bearerTokenFile}), or a user and password (in the URL or ${ENV.user} and ${ENV.password})`,
      );
    }
    let token: string;
    try {
      token = (await readFile(spec.bearerTokenFile, 'utf8')).trim();
    } catch (error) {
      throw new UserError(
        `cannot read the bearer token file ${spec.bearerTokenFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        'check the path given with --bearer-token-file (or in the environment)',
      );
    }
    if (!token || /\s/.test(token)) {
      throw new UserError(
        `the bearer token file ${spec.bearerTokenFile} ${token ? 'holds more than one word' : 'is empty'}`,
        'it should hold the token alone',
      );
    }
    return `Bearer ${token}`;
  }
  return user ? `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}` : undefined;
}

async function certificates(spec: PrometheusSpec): Promise<string[] | undefined> {
  if (!spec.caFile) return undefined;
  try {
    return [...rootCertificates, await readFile(spec.caFile, 'utf8')];
  } catch (error) {
    throw new UserError(
      `cannot read the CA file ${spec.caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'give --ca-file the PEM file of the CA that signed the server certificate',
    );
  }
}

/** Socket errors worth another try; others (refused, unknown host, TLS) will not change. */
const TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/;

interface Series {
  labels: Record<string, string>;
  points: Map<number, string>;
}

/** One query_range result, as the API documents it. */
interface Matrix {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Reads the range in windows and merges each series' points by timestamp. */
export async function readPrometheus(
  spec: PrometheusSpec,
  io: PrometheusIo = DEFAULT_IO,
): Promise<Series[]> {
  const base = new URL(spec.url);
  const auth = await authorization(spec, base, io.env);
  base.username = '';
  base.password = '';
  const endpoint = new URL(`${base.pathname.replace(/\/+$/, '')}/api/v1/query_range`, base);
  const ca = await certificates(spec);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    ...(auth && { Authorization: auth }),
  };
  const series = new Map<string, Series>();
  for (const window of windowsOf(spec)) {
    const form = new URLSearchParams({
      query: spec.query,
      start: String(window.start / 1000),
      end: String(window.end / 1000),
      step: String(spec.stepMs / 1000),
    }).toString();
    const answer = await call(spec, () => io.post(endpoint, form, headers, ca), io);
    for (const result of answer) {
      const name = seriesName(result.metric);
      const one = series.get(name) ?? { labels: result.metric, points: new Map() };
      series.set(name, one);
      for (const [seconds, value] of result.values)
        one.points.set(Math.round(seconds * 1000), value);
    }
  }
  return [...series.values()];
}

/** One call, retried on 429, 5xx and transient socket errors; its result or a UserError. */
async function call(
  spec: PrometheusSpec,
  send: () => Promise<Answer>,
  io: PrometheusIo,
): Promise<Matrix[]> {
  const where = maskUrl(spec.url);
  for (let attempt = 0; ; attempt++) {
    let answer: Answer | undefined;
    let failure: NodeJS.ErrnoException | undefined;
    try {
      answer = await send();
    } catch (error) {
      failure = error as NodeJS.ErrnoException;
    }
    const again = failure
      ? TRANSIENT.has(failure.code ?? '')
      : answer!.status === 429 || answer!.status >= 500;
    if (again && attempt < io.backoffMs.length) {
      const asked = Number(answer?.retryAfter);
      await io.sleep(
        Number.isFinite(asked) && asked > 0
          ? Math.min(asked * 1000, 30_000)
          : io.backoffMs[attempt],
      );
      continue;
    }
    if (failure) throw unreachable(where, failure, spec);
    return judge(spec, answer!, attempt + 1);
  }
}

function unreachable(where: string, failure: NodeJS.ErrnoException, spec: PrometheusSpec) {
  const code = failure.code ?? '';
  const what = code ? `${code}: ${failure.message}` : failure.message;
  if (TLS.test(code)) {
    return new UserError(
      `cannot reach Prometheus at ${where}: its TLS certificate is not trusted (${what})`,
      spec.caFile
        ? `check that ${spec.caFile} holds the CA that signed the server's certificate`
        : 'give the CA that signed it with --ca-file FILE (or NODE_EXTRA_CA_CERTS=FILE)',
    );
  }
  return new UserError(
    `cannot reach Prometheus at ${where} (${what})`,
    `check the URL and that the server is up: curl ${bareUrl(spec.url)}/-/ready`,
  );
}

/** The result of an answer, or a UserError that says what the server said and what to do. */
function judge(spec: PrometheusSpec, answer: Answer, attempts: number): Matrix[] {
  const where = maskUrl(spec.url);
  const { status } = answer;
  let json: {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType?: string; result?: unknown };
  } = {};
  try {
    json = JSON.parse(answer.body) as typeof json;
  } catch {
    // not the API's JSON: said below
  }
  if (status === 401 || status === 403) {
    return fail(
      `Prometheus at ${where} refused the credentials (auth refused, HTTP ${status})`,
      `give a token with --bearer-token-file FILE (or ${ENV.bearerTokenFile}), or basic auth with ${ENV.user} and ${ENV.password} (or user:password in the URL); check that they are current`,
    );
  }
  if (json.status === 'error' && json.error && (status === 400 || status === 422)) {
    return fail(
      `Prometheus at ${where} refused the query: ${json.errorType ? `${json.errorType}: ` : ''}${json.error}`,
      `the query was: ${oneLine(spec.query)}; try it in Prometheus's graph page`,
    );
  }
  if (status === 404) {
    return fail(
      `no Prometheus API at ${where}/api/v1/query_range (HTTP 404)`,
      "give the server's base URL, with its path prefix if it has one (e.g. http://host/prometheus), not a page of its UI",
    );
  }
  if (status === 429 || status >= 500) {
    // The server, not the command, is what failed: exit 3, as for CloudWatch's throttling.
    throw new RemoteError(
      `Prometheus at ${where} answered HTTP ${status} ${attempts} times${json.error ? `: ${json.error}` : ''}`,
      'try again later; a shorter --since or a longer --step asks it for less',
    );
  }
  if (status !== 200 || json.status !== 'success') {
    return fail(
      `Prometheus at ${where} answered HTTP ${status} without the API's JSON${json.error ? `: ${json.error}` : ''}`,
      "check that the URL is the server's base URL (a proxy's login page answers like this too)",
    );
  }
  if (json.data?.resultType !== 'matrix' || !Array.isArray(json.data.result)) {
    return fail(
      `Prometheus at ${where} answered a ${json.data?.resultType ?? 'missing'} result, not a range of series`,
      'query a range: an instant vector expression such as sum(rate(x[5m])), not a string or scalar',
    );
  }
  return json.data.result as Matrix[];
}

const fail = (message: string, hint: string): never => {
  throw new UserError(message, hint);
};

/** A series' name: its labels, `job=web,instance=a` (the metric name first, if it has one). */
export function seriesName(labels: Record<string, string>): string {
  const { __name__: metric, ...rest } = labels;
  const pairs = Object.keys(rest)
    .sort()
    .map((key) => `${key}=${rest[key]}`);
  return [...(metric ? [metric] : []), ...pairs].join(',') || '{}';
}

const csvCell = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
/** Prometheus's NaN and infinities are no load: written as missing. */
const cellOf = (value: string) => (Number.isFinite(Number(value)) ? value : '');

/** The CSV of the series: `timestamp,value`, or long format `timestamp,series,value` for several. */
export function seriesCsv(series: Series[]): string {
  const lines: string[] = [];
  if (series.length === 1) {
    lines.push('timestamp,value');
    for (const [ms, value] of [...series[0].points].sort((a, b) => a[0] - b[0])) {
      lines.push(`${new Date(ms).toISOString()},${cellOf(value)}`);
    }
  } else {
    lines.push('timestamp,series,value');
    for (const one of series) {
      const name = csvCell(seriesName(one.labels));
      for (const [ms, value] of [...one.points].sort((a, b) => a[0] - b[0])) {
        lines.push(`${new Date(ms).toISOString()},${name},${cellOf(value)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Several series where one history is read: refused with their labels and how to narrow. */
function refuseSeveral(spec: PrometheusSpec, series: Series[]): never {
  const names = series.map((s) => seriesName(s.labels));
  const keys = [...new Set(series.flatMap((s) => Object.keys(s.labels)))].filter(
    (key) => new Set(series.map((s) => s.labels[key])).size > 1,
  );
  const shown = names.slice(0, 5).join('; ') + (names.length > 5 ? `; … (${names.length})` : '');
  throw new UserError(
    `${describePrometheus(spec)}: the query returned ${names.length} series (${shown}); one history is planned at a time`,
    `aggregate them in the query, e.g. sum(…) or sum without (${keys.join(', ')}) (…), or pick one with a label matcher such as {${keys[0] ?? 'instance'}="…"}`,
  );
}

export function describePrometheus(spec: PrometheusSpec): string {
  return `Prometheus ${maskUrl(spec.url)} ${oneLine(spec.query)}`;
}

/** Reads one history into `file` as CSV. */
export async function fetchPrometheus(
  spec: PrometheusSpec,
  file: string,
  io: PrometheusIo = DEFAULT_IO,
): Promise<void> {
  const series = await readPrometheus(spec, io);
  if (series.length === 0) {
    throw new UserError(
      `${describePrometheus(spec)}: the query returned no data from ${new Date(spec.start).toISOString()} to ${new Date(spec.end).toISOString()}`,
      "check the metric and label names in Prometheus's graph page, and --since and --until",
    );
  }
  if (series.length > 1) refuseSeveral(spec, series);
  await writeFile(file, seriesCsv(series));
}

export const prometheusKind: SourceKind<PrometheusSpec> = {
  kind: 'prometheus',
  fromOptions: (options) => prometheusSpec(options),
  describe: describePrometheus,
  fetch: (spec, file, options) => {
    refuseCoarseStep(spec.stepMs, options.intervalMs);
    return fetchPrometheus(spec, file);
  },
};

/**
 * Samples further apart than the interval leave intervals without one, which the ingest would
 * fill by interpolation (a --step of 90m at --interval 1h invents a third of the hours).
 */
function refuseCoarseStep(stepMs: number, intervalMs: number): void {
  if (stepMs <= intervalMs) return;
  throw new UserError(
    `--step ${formatDuration(stepMs)} is coarser than --interval ${formatDuration(intervalMs)}: some intervals would have no sample`,
    `give --step ${formatDuration(intervalMs)} or finer (e.g. 5m), or plan at --interval ${formatDuration(stepMs)}`,
  );
}

/** The real POST, with node:http(s): a custom CA, a timeout and a size limit. */
export function postForm(
  url: URL,
  form: string,
  headers: Record<string, string>,
  ca?: string[],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method: 'POST', headers, timeout: 120_000, ...(ca && { ca }) },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            request.destroy(
              Object.assign(new Error(`answer larger than ${MAX_ANSWER_BYTES / 2 ** 20} MiB`), {
                code: 'ETOOBIG',
              }),
            );
          } else chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfter: header(response.headers, 'retry-after'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error('no answer in 120 s'), { code: 'ETIMEDOUT' })),
    );
    request.on('error', reject);
    request.end(form);
  });
}

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};
