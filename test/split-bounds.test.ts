import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitLongCsv } from '../src/fleet/split.js';
import { BIN, type Run } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { thrown } from './helpers/thrown.js';

// The long-format split (timestamp,series,value → one scratch file per series) is bounded: a cap
// on the number of series, rows streamed to disk rather than held, and its scratch folder gone on
// every way out: success, a bad file, SIGINT and SIGTERM.

const HOUR = 3_600_000;
const root = mkdtempSync(join(tmpdir(), 'headroom-split-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh folder with a long-format `long.csv` and a headroom.yaml that splits it. */
async function fleet(series: number, hours: number, extra: string[] = []): Promise<string> {
  const dir = join(root, `fleet-${counter++}`);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const rows = ['timestamp,service,requests'];
  for (let h = 0; h < hours; h++) {
    const time = new Date(Date.UTC(2024, 0, 1) + h * HOUR).toISOString();
    for (let s = 0; s < series; s++) rows.push(`${time},s${s},${100 + s + (h % 24)}`);
  }
  await writeFile(join(dir, 'long.csv'), rows.join('\n') + '\n');
  await writeFile(
    join(dir, 'headroom.yaml'),
    [
      'reports: out',
      'services:',
      '  - name: f',
      '    data: long.csv',
      '    seriesColumn: service',
      ...extra,
    ].join('\n') + '\n',
  );
  return dir;
}

/** `headroom plan` in `dir`, with TMPDIR inside it so that scratch files left behind can be seen. */
const plan = (dir: string, args: string[]) =>
  runInProcess(['plan', ...args], { cwd: dir, env: { TMPDIR: join(dir, 'tmp') } });

/** The same, as a process of its own that the test can signal. */
function start(dir: string, args: string[]) {
  const child = spawn(process.execPath, [BIN, 'plan', ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', TMPDIR: join(dir, 'tmp') },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? -1 : 1), stdout, stderr }),
    ),
  );
  return { child, done, stderr: () => stderr };
}

const scratchLeft = (dir: string) => readdirSync(join(dir, 'tmp'));

describe('the number of series is capped', () => {
  it('more series than --max-series stops at the line of the first one too many', async () => {
    const dir = await fleet(5, 48);
    const run = await plan(dir, ['--max-series', '3']);
    // The service fails alone, as bad data does: exit 5, its message naming file and line.
    expect(run.stderr).toMatch(/FAILED f: .*long\.csv:5: more than 3 series in column 'service'/);
    expect(run.stderr).toMatch(/--max-series/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(5);
    expect(scratchLeft(dir)).toEqual([]);
  });

  it('a long file that will not split fails as its service; the others are planned', async () => {
    const dir = await fleet(5, 24 * 15, [
      '    maxSeries: 3',
      '  - name: whole',
      '    data: long.csv',
      '    series: s1',
      '    seriesColumn: service',
    ]);
    const run = await plan(dir, ['--json', '--capacity-per-server', '50', '--no-charts']);
    expect(run.code, run.stderr).toBe(5);
    const { services } = JSON.parse(run.stdout) as {
      services: { name: string; ok: boolean; error?: string }[];
    };
    expect(services.map((s) => [s.name, s.ok])).toEqual([
      ['f', false],
      ['whole', true],
    ]);
    expect(services[0].error).toMatch(/long\.csv:5: more than 3 series/);
  }, 60_000);

  it('the default cap is 10,000 series; maxSeries in the config raises it', async () => {
    const dir = await fleet(10_001, 1);
    const run = await plan(dir, []);
    expect(run.stderr).toMatch(/more than 10,000 series/);
    expect(run.code).toBe(5);
    expect(scratchLeft(dir)).toEqual([]);

    const raised = await fleet(4, 48, ['    maxSeries: 4']);
    const ok = await runInProcess(['plan', '--max-series', '3'], { cwd: raised });
    expect(ok.stderr).toMatch(/more than 3 series/); // the flag wins over the file
    expect((await plan(raised, ['--quiet'])).stderr).not.toMatch(/more than/);
  }, 60_000);
});

describe('rows stream to disk', () => {
  it('writes the same files whatever the buffer size, in order of first appearance', async () => {
    const dir = await fleet(7, 30);
    const out = (name: string) => {
      const folder = join(dir, name);
      mkdirSync(folder);
      return folder;
    };
    const small = await splitLongCsv(join(dir, 'long.csv'), 'service', out('small'), {
      maxSeries: 100,
      bufferBytes: 64,
    });
    const large = await splitLongCsv(join(dir, 'long.csv'), 'service', out('large'), {
      maxSeries: 100,
    });
    expect([...small.keys()]).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
    for (const [series, path] of small) {
      const text = readFileSync(path, 'utf8');
      expect(text).toBe(readFileSync(large.get(series)!, 'utf8'));
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).toBe('timestamp,requests');
      expect(lines).toHaveLength(31);
    }
  });

  it('a quoted row late in the file restarts the split without repeating rows', async () => {
    const dir = await fleet(3, 40);
    const lines = readFileSync(join(dir, 'long.csv'), 'utf8').trimEnd().split('\n');
    // Row 100 has quotes: the quote-free reader has flushed rows by then, csv-parse starts again.
    lines[100] = lines[100].replace(/,s(\d),/, ',"s$1",');
    await writeFile(join(dir, 'late.csv'), lines.join('\n') + '\n');
    mkdirSync(join(dir, 'late'));
    const parts = await splitLongCsv(join(dir, 'late.csv'), 'service', join(dir, 'late'), {
      maxSeries: 100,
      bufferBytes: 64,
    });
    expect([...parts.keys()]).toEqual(['s0', 's1', 's2']);
    for (const path of parts.values()) {
      expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(41);
    }
  });

  it('refuses a file with too many series before writing them all', async () => {
    const dir = await fleet(50, 2);
    mkdirSync(join(dir, 'scratch'));
    const error = await thrown(() =>
      splitLongCsv(join(dir, 'long.csv'), 'service', join(dir, 'scratch'), { maxSeries: 10 }),
    );
    expect(error.message).toMatch(/long\.csv:12: more than 10 series/);
  });
});

describe('the scratch folder goes on every way out', () => {
  it('after a successful run', async () => {
    const dir = await fleet(2, 24 * 15);
    const run = await plan(dir, ['--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(scratchLeft(dir)).toEqual([]);
  }, 60_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'after %s while the fleet is planned',
    async (signal, code) => {
      const dir = await fleet(40, 24 * 15);
      const { child, done, stderr } = start(dir, ['--workers', '1']);
      // Wait until the split has written its scratch files and planning has begun.
      for (let i = 0; i < 600 && !/\[1\/40\]/.test(stderr()); i++) await sleep(50);
      expect(scratchLeft(dir).length).toBe(1);
      process.kill(-child.pid!, signal);
      const run = await done;
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(new RegExp(`${signal}: stopped`));
      // It says which reports are new: some services were written, the index was not.
      const [, done2, total] =
        /at least (\d+) of (\d+) service\(s\) had new reports in .*out; the others, index\.html and summary\.md are still the previous run's/.exec(
          run.stderr,
        ) ?? [];
      expect(Number(total)).toBe(40);
      expect(Number(done2)).toBeGreaterThanOrEqual(1);
      // A worker may have written one or two more (it holds two services) before the signal.
      const written = readdirSync(join(dir, 'out')).filter((n) => n.startsWith('f-')).length;
      expect(written).toBeGreaterThanOrEqual(Number(done2));
      expect(written).toBeLessThanOrEqual(Number(done2) + 2);
      expect(readdirSync(join(dir, 'out'))).not.toContain('index.html');
      expect(scratchLeft(dir)).toEqual([]);
    },
    60_000,
  );
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
