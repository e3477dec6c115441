/**
 * The speed benchmark of /work/shared/BENCHMARK.md ("Speed and scale"), with what each figure is
 * compared with measured in the same run:
 *
 *   npm run bench:speed                      # everything (about 10 minutes on 2 cores)
 *   npm run bench:speed -- --skip-1gb        # without the 1 GB streaming check
 *   npm run bench:speed -- --fleet 100       # a smaller fleet
 *
 * Inputs are generated (seeded) into the system's temp folder and kept there for the next run.
 * Every measurement runs in its own process; the report goes to reports/bench-speed.{md,json}.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { firstDesignSample, mulberry32 } from '../src/data/synthetic.js';
import { writeFilesAtomically } from '../src/report/atomic.js';
import { repoRoot } from './series.js';

const root = repoRoot();
const BIN = join(root, 'bin', 'headroom.js');
const CHILD = join(root, '.bench-dist', 'bench', 'speed-child.js');
const WORK = join(tmpdir(), 'headroom-bench-speed');

const args = process.argv.slice(2);
const skip1gb = args.includes('--skip-1gb');
const fleetAt = args.indexOf('--fleet');
const FLEET = fleetAt >= 0 ? Number(args[fleetAt + 1]) : 1000;
const SEQUENTIAL_SAMPLE = Math.min(20, FLEET);

interface ChildResult {
  seconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  rows: number;
  intervals: number;
}

/** Writes `rows` rows of `timestamp,requests,cpu`, ISO times 15 s apart, in 4 MB pieces. */
function writeIngestCsv(path: string, rows: number): void {
  if (existsSync(path)) return;
  const random = mulberry32(7);
  const fd = openSync(`${path}.part`, 'w');
  let piece = 'timestamp,requests,cpu\n';
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const t = start + i * 15_000;
    const daily = Math.sin(((t % 86_400_000) / 86_400_000) * 2 * Math.PI);
    const requests = (1000 + 400 * daily + 60 * random()).toFixed(1);
    const cpu = (0.35 + 0.2 * daily + 0.05 * random()).toFixed(3);
    piece += `${new Date(t).toISOString().slice(0, 19)}Z,${requests},${cpu}\n`;
    if (piece.length > 4_000_000) {
      writeSync(fd, piece);
      piece = '';
    }
  }
  writeSync(fd, piece);
  closeSync(fd);
  renameSync(`${path}.part`, path);
}

function hourlyCsv(seed: number, days: number): string {
  const { times, load } = firstDesignSample({ days, start: Date.UTC(2024, 0, 1), seed });
  const scale = 0.5 + (seed % 10) / 4;
  const lines = times.map((t, i) => `${new Date(t).toISOString()},${(load[i] * scale).toFixed(2)}`);
  return `timestamp,requests\n${lines.join('\n')}\n`;
}

function writeFleet(dir: string, size: number): string {
  const config = join(dir, 'headroom.yaml');
  if (existsSync(config)) return config;
  mkdirSync(join(dir, 'series'), { recursive: true });
  for (let k = 1; k <= size; k++) {
    const fd = openSync(join(dir, 'series', `svc-${String(k).padStart(4, '0')}.csv`), 'w');
    writeSync(fd, hourlyCsv(k, 56));
    closeSync(fd);
  }
  const yaml = [
    'version: 1',
    'reports: ./reports',
    'defaults:',
    '  capacityPerServer: 100',
    '  minServers: 2',
    'services:',
    '  - name: svc',
    '    data: series/*.csv',
    '',
  ].join('\n');
  const fd = openSync(config, 'w');
  writeSync(fd, yaml);
  closeSync(fd);
  return config;
}

function child(task: string, file: string, nodeFlags: string[] = []): ChildResult {
  const run = spawnSync(process.execPath, [...nodeFlags, CHILD, task, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`${task} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ChildResult;
}

function median<T>(runs: T[], key: (r: T) => number): T {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)];
}

function wall(command: string[], cwd = root): number {
  const started = performance.now();
  const run = spawnSync(command[0], command.slice(1), { cwd, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 5) {
    throw new Error(`${command.join(' ')} exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
  }
  return seconds;
}

const s = (seconds: number) => `${seconds.toFixed(2)} s`;
const mb = (value: number) => `${Math.round(value)} MB`;
const verdict = (value: number, goal: number) =>
  value <= goal ? 'met' : `missed by ${Math.round((value / goal - 1) * 100)}%`;

interface Row {
  figure: string;
  measured: string;
  goal: string;
  verdict: string;
  beside: string;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const rows: Row[] = [];
  const log = (text: string) => process.stderr.write(`${text}\n`);
  const json: Record<string, unknown> = {
    machine: { cores: availableParallelism(), node: process.version },
  };

  // 1. Ingest: 2,000,000 rows, against csv-parse with one object per row.
  const ingestFile = join(WORK, 'ingest-2m.csv');
  log('generating the 2,000,000-row CSV (once)…');
  writeIngestCsv(ingestFile, 2_000_000);
  log('ingest: headroom and csv-parse, 3 runs each…');
  const ours = median(
    [0, 1, 2].map(() => child('headroom-ingest', ingestFile)),
    (r) => r.seconds,
  );
  const peer = median(
    [0, 1, 2].map(() => child('csv-parse-objects', ingestFile)),
    (r) => r.seconds,
  );
  const megabytes = statSync(ingestFile).size / 1e6;
  json.ingest = { file: ingestFile, megabytes, headroom: ours, csvParseObjects: peer };
  rows.push({
    figure: `ingest 2,000,000 rows (${Math.round(megabytes)} MB) to hourly: time`,
    measured: s(ours.seconds),
    goal: '≤ 1.0 s',
    verdict: verdict(ours.seconds, 1.0),
    beside: `csv-parse, one object per row: ${s(peer.seconds)} (${(peer.seconds / ours.seconds).toFixed(1)}× slower)`,
  });
  rows.push({
    figure: 'ingest 2,000,000 rows: peak memory (RSS)',
    measured: mb(ours.peakRssMb),
    goal: '≤ 200 MB',
    verdict: verdict(ours.peakRssMb, 200),
    beside: `csv-parse, one object per row: ${mb(peer.peakRssMb)}`,
  });

  // 2. A 1 GB file streams: it must not need 1 GB of heap. The V8 heap is capped at 256 MB.
  if (!skip1gb) {
    const bigFile = join(WORK, 'ingest-1gb.csv');
    log('generating the 1 GB CSV (once; about a minute)…');
    writeIngestCsv(bigFile, 31_000_000);
    log('ingest of 1 GB with the heap capped at 256 MB…');
    const big = child('headroom-ingest', bigFile, ['--max-old-space-size=256']);
    const gigabytes = statSync(bigFile).size / 1e9;
    json.streaming = { file: bigFile, gigabytes, headroom: big, heapCapMb: 256 };
    rows.push({
      figure: `stream ${gigabytes.toFixed(2)} GB (${(big.rows / 1e6).toFixed(0)} M rows)`,
      measured: `${s(big.seconds)}, peak heap ${mb(big.peakHeapMb)}, peak RSS ${mb(big.peakRssMb)}`,
      goal: 'heap well under 1 GB',
      verdict: big.peakHeapMb < 256 ? 'met (ran under a 256 MB heap cap)' : 'missed',
      beside: `${((big.rows / big.seconds) * 1e-6).toFixed(1)} M rows/s`,
    });
  }

  // 3. A fleet of FLEET 8-week hourly series, default model and backtest, on every core.
  const fleetDir = join(WORK, `fleet-${FLEET}`);
  log(`generating ${FLEET} 8-week hourly series (once)…`);
  const config = writeFleet(fleetDir, FLEET);
  log(`planning the fleet of ${FLEET} on ${availableParallelism()} cores…`);
  const fleetSeconds = wall([process.execPath, BIN, 'plan', '--config', config, '-q']);
  log(`the same fleet with --no-charts…`);
  const noChartsSeconds = wall([
    process.execPath,
    BIN,
    'plan',
    '--config',
    config,
    '-q',
    '--no-charts',
  ]);
  log(`the same services one \`headroom plan\` at a time (${SEQUENTIAL_SAMPLE} of them)…`);
  const out = join(WORK, 'sequential-out');
  let sequential = 0;
  for (let k = 1; k <= SEQUENTIAL_SAMPLE; k++) {
    const csv = join(fleetDir, 'series', `svc-${String(k).padStart(4, '0')}.csv`);
    sequential += wall([
      process.execPath,
      BIN,
      'plan',
      csv,
      '--capacity-per-server',
      '100',
      '--min-servers',
      '2',
      '--out-dir',
      out,
      '-q',
    ]);
  }
  const sequentialFleet = (sequential / SEQUENTIAL_SAMPLE) * FLEET;
  json.fleet = {
    services: FLEET,
    seconds: fleetSeconds,
    noChartsSeconds,
    sequentialEstimate: sequentialFleet,
  };
  const fleetGoal = FLEET === 1000 ? '≤ 60 s' : `≤ ${(60 * FLEET) / 1000} s (60 s per 1,000)`;
  rows.push({
    figure: `fleet of ${FLEET} 8-week hourly series, default model + backtest, ${availableParallelism()} cores`,
    measured: s(fleetSeconds),
    goal: fleetGoal,
    verdict: verdict(fleetSeconds, (60 * FLEET) / 1000),
    beside: `one \`headroom plan\` per service in a loop: ${s(sequentialFleet)} (from ${SEQUENTIAL_SAMPLE} services)`,
  });
  rows.push({
    figure: `the same fleet with --no-charts (no forecast.png, plan.png)`,
    measured: s(noChartsSeconds),
    goal: fleetGoal,
    verdict: verdict(noChartsSeconds, (60 * FLEET) / 1000),
    beside: `with charts: ${s(fleetSeconds)}`,
  });

  // 4. `headroom plan` end to end on an 8-week hourly CSV, start-up included.
  const eightWeeks = join(WORK, 'eight-weeks.csv');
  const fd = openSync(eightWeeks, 'w');
  writeSync(fd, hourlyCsv(42, 56));
  closeSync(fd);
  const planOut = join(WORK, 'plan-out');
  const runs = Array.from({ length: 5 }, () =>
    wall([process.execPath, BIN, 'plan', eightWeeks, '--out-dir', planOut, '-q']),
  );
  const plan = median(runs, (x) => x);
  const nodeStart = median(
    Array.from({ length: 5 }, () => wall([process.execPath, '-e', '0'])),
    (x) => x,
  );
  const version = median(
    Array.from({ length: 5 }, () => wall([process.execPath, BIN, '--version'])),
    (x) => x,
  );
  json.plan = { seconds: plan, runs, nodeStart, version };
  rows.push({
    figure: '`headroom plan` end to end, 8-week hourly CSV (median of 5)',
    measured: s(plan),
    goal: '≤ 1 s',
    verdict: verdict(plan, 1),
    beside: `of which start-up: \`node -e 0\` ${s(nodeStart)}, \`headroom --version\` ${s(version)}`,
  });

  const table = [
    '| figure | measured | goal | verdict | measured beside it |',
    '|---|--:|--:|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.measured} | ${r.goal} | ${r.verdict} | ${r.beside} |`),
  ].join('\n');
  const markdown = [
    '# Speed benchmark',
    '',
    `${availableParallelism()} cores, Node ${process.version}; \`npm run bench:speed${args.length ? ` -- ${args.join(' ')}` : ''}\`.`,
    '',
    table,
    '',
  ].join('\n');
  await writeFilesAtomically([
    { path: resolve(root, 'reports/bench-speed.md'), content: markdown },
    {
      path: resolve(root, 'reports/bench-speed.json'),
      content: JSON.stringify(json, null, 2) + '\n',
    },
  ]);
  process.stdout.write(`${markdown}\nwrote reports/bench-speed.md and reports/bench-speed.json\n`);
}

await main();
