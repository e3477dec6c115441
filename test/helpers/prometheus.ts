import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  request,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A real Prometheus (Debian's package, 2.42) on a loopback port, its history backfilled with
// `promtool tsdb create-blocks-from openmetrics` from a generated file; and a proxy in front of
// it that counts the calls, answers some with an error first and serves it under a path prefix.

export const STEP_MS = 5 * 60_000;
export const WEEK_MS = 7 * 86_400_000;
/** The one user Prometheus lets in (basic auth, checked by the server against a bcrypt hash). */
export const USER = 'headroom';
export const PASSWORD = 'hunter2-never-shown';
const PASSWORD_BCRYPT = '$2b$04$uggNsHzyeDf5rHlnukZx8eEGE2tkU9lADjKqwNy/Jy9Wpul2vwihK';
export const AUTH_ENV = {
  HEADROOM_PROMETHEUS_USER: USER,
  HEADROOM_PROMETHEUS_PASSWORD: PASSWORD,
};

/**
 * Whether the Prometheus tests run: the binaries are here, or this is CI (CI, or
 * HEADROOM_REQUIRE_PROMETHEUS as .ci/run sets), where they must be, so the tests fail without them.
 */
export function prometheusTests(): { run: boolean; why?: string } {
  const found = ['prometheus', 'promtool'].every(
    (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  if (found || process.env.CI || process.env.HEADROOM_REQUIRE_PROMETHEUS) return { run: true };
  return { run: false, why: 'prometheus and promtool are not installed (CI installs them)' };
}

/**
 * Requests per second of instance `instance` at `ms`: a daily wave, quieter weekends, a slow
 * trend and a deterministic wobble, rounded to milli-requests so the text is exact both ways.
 */
export function loadAt(ms: number, instance: 'a' | 'b'): number {
  const day = (ms / 86_400_000) % 1;
  const weekday = new Date(ms).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? 0.6 : 1;
  const wobble = Math.sin(ms / 3_700_000) * 3 + Math.sin(ms / 910_000) * 2;
  const base = instance === 'a' ? 400 : 150;
  const value = base * weekend * (1 + 0.5 * Math.sin(2 * Math.PI * (day - 0.3))) + wobble;
  return Math.round(Math.max(0, value + ms / 1e9) * 1000) / 1000;
}

/** The samples' times: every 5 minutes from `end - weeks` to `end`, both included. */
export function sampleTimes(end: number, weeks: number): number[] {
  const times: number[] = [];
  for (let t = end - weeks * WEEK_MS; t <= end; t += STEP_MS) times.push(t);
  return times;
}

/** The OpenMetrics text of both instances of `http_load` (a gauge), for promtool to backfill. */
export function openMetrics(end: number, weeks: number): string {
  const lines = ['# HELP http_load Requests per second.', '# TYPE http_load gauge'];
  for (const instance of ['a', 'b'] as const) {
    for (const t of sampleTimes(end, weeks)) {
      lines.push(`http_load{job="web",instance="${instance}"} ${loadAt(t, instance)} ${t / 1000}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** The same history of instance a as a CSV written straight from the generator. */
export function generatedCsv(end: number, weeks: number): string {
  const rows = sampleTimes(end, weeks).map((t) => `${new Date(t).toISOString()},${loadAt(t, 'a')}`);
  return `timestamp,value\n${rows.join('\n')}\n`;
}

export interface RunningPrometheus {
  url: string;
  /** The last sample's time (a whole hour, an hour before the server started). */
  end: number;
  dir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${bin} exited ${code}: ${stderr}`)),
    );
  });
}

/** Backfills `weeks` of both series and starts Prometheus on a free loopback port, basic auth on. */
export async function startPrometheus(weeks = 8): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'headroom-prometheus-'));
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
  const input = join(dir, 'history.om');
  await writeFile(input, openMetrics(end, weeks));
  const data = join(dir, 'data');
  await run('promtool', [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--max-block-duration=168h',
    input,
    data,
  ]);
  await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  await writeFile(join(dir, 'web.yml'), `basic_auth_users:\n  ${USER}: '${PASSWORD_BCRYPT}'\n`);
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--web.config.file=${join(dir, 'web.yml')}`,
      `--storage.tsdb.path=${data}`,
      '--storage.tsdb.retention.time=10y',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, end, dir, stop };
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log()}`);
    try {
      const answer = await fetch(`${url}/-/ready`, { headers: { Authorization: auth } });
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus was not ready in 30 s: ${log()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface ProxyCall {
  path: string;
  form: URLSearchParams;
  authorization?: string;
  /** What the proxy answered: the status it made up, or Prometheus's. */
  status: number;
}

export interface Proxy {
  /** Its URL, with the path prefix it serves Prometheus under. */
  url: string;
  calls: ProxyCall[];
  /** Answer the next calls with these statuses (a JSON error body) instead of forwarding them. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy that serves `target` under `prefix` (as a Prometheus behind an ingress
 * path, Thanos or Mimir's /prometheus), records every call, and turns a bearer token that
 * `tokens` maps to a user into that user's basic auth, as an authenticating gateway does.
 */
export async function startProxy(
  target: string,
  {
    prefix = '/prometheus',
    tokens = {},
    tls,
  }: {
    prefix?: string;
    tokens?: Record<string, string>;
    /** Serve https with this key and certificate (PEM). */
    tls?: { key: string; cert: string };
  } = {},
): Promise<Proxy> {
  const calls: ProxyCall[] = [];
  const failures: number[] = [];
  const listener: RequestListener = (incoming: IncomingMessage, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const call: ProxyCall = {
        path: incoming.url ?? '',
        form: new URLSearchParams(body.toString()),
        authorization: incoming.headers.authorization,
        status: 0,
      };
      calls.push(call);
      const failure = failures.shift();
      if (failure !== undefined) {
        call.status = failure;
        outgoing.writeHead(failure, { 'Content-Type': 'application/json' });
        outgoing.end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'busy' }));
        return;
      }
      if (!call.path.startsWith(`${prefix}/`)) {
        call.status = 404;
        outgoing.writeHead(404).end('404 page not found\n');
        return;
      }
      const headers = { ...incoming.headers, host: new URL(target).host };
      const bearer = /^Bearer (.+)$/.exec(incoming.headers.authorization ?? '')?.[1];
      if (bearer !== undefined) {
        const user = tokens[bearer];
        headers.authorization = user
          ? `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`
          : 'Basic bm9ib2R5Og==';
      }
      const forward = request(
        new URL(call.path.slice(prefix.length), target),
        { method: incoming.method, headers },
        (answer) => {
          call.status = answer.statusCode ?? 0;
          outgoing.writeHead(call.status, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => outgoing.writeHead(502).end());
      forward.end(body);
    });
  };
  const server: Server = tls ? createTlsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}${prefix}`,
    calls,
    failNext: (...statuses) => failures.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A self-signed certificate for 127.0.0.1 (openssl), its key, and the file holding the certificate. */
export async function selfSignedCertificate(dir: string) {
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.crt');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8'), certFile: cert };
}
