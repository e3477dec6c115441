import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, type Run } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

// Hostile flags and files found by review: each is exit 2 with a message that says what is wrong
// and how to fix it; never a stack trace, an internal error, a hang or a file left behind.

const HOUR = 3_600_000;
const scratch = mkdtempSync(join(tmpdir(), 'headroom-bad-input-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
function csv(header: string, rows = 24 * 14, value = (i: number) => String(100 + (i % 24))) {
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    lines.push(`${new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString()},${value(i)}`);
  }
  const path = join(scratch, `in-${counter++}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Exit 2, the message, no stack trace, no internal error. */
function refused(run: Run, message: RegExp): void {
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).not.toMatch(/internal error/);
  expect(run.code).toBe(2);
}

const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.includes('.headroom-tmp-'));

describe('a quote in the CSV header', () => {
  it.each([
    ['time,lo"ad', /in-\d+\.csv:1: .*quot/i],
    ['"time,load', /in-\d+\.csv:\d+: .*quot/i],
    ['time,"load"x', /in-\d+\.csv:1: .*quot/i],
  ])('%s exits 2 naming the file and line', async (header, message) => {
    const out = join(scratch, `quoted-${counter}`);
    refused(await runInProcess(['forecast', csv(header), '--out', join(out, 'f.csv')]), message);
    expect(existsSync(out)).toBe(false);
  });

  it('a well-quoted header (with a line break inside) still reads', async () => {
    const run = await runInProcess([
      'forecast',
      csv('"time","lo\nad"'),
      '--out',
      join(scratch, 'ok.csv'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('--horizon', () => {
  it('900w is refused with the limit, for forecast and plan', async () => {
    const file = csv('timestamp,requests');
    for (const out of [
      ['forecast', '--out', join(scratch, 'f.csv')],
      ['plan', '--out-dir', scratch],
    ]) {
      const run = await runInProcess([out[0], file, '--horizon', '900w', ...out.slice(1)]);
      refused(run, /--horizon: 900w is longer than a year/);
    }
  });

  it('a duration without a unit is refused with the units to choose from, not read as seconds', async () => {
    const file = csv('timestamp,requests');
    const horizon = await runInProcess(['plan', file, '--horizon', '5', '--out-dir', scratch]);
    refused(horizon, /--horizon: '5' has no unit\n\s+hint: write 5m, 5h or 5d/);
    const hold = await runInProcess(['plan', file, '--min-hold', '2', '--out-dir', scratch]);
    refused(hold, /--min-hold: '2' has no unit/);
    const off = await runInProcess([
      'plan',
      file,
      '--lead-time',
      '0',
      '--no-charts',
      '-q',
      '--out-dir',
      scratch,
    ]);
    expect(off.code, off.stderr).toBe(0);
  });

  it('a last row stamped decades late is named, not just "only 1h of history"', async () => {
    const file = csv('timestamp,requests');
    writeFileSync(file, `${readFileSync(file, 'utf8')}2099-01-01T00:00:00Z,300\n`);
    const run = await runInProcess([
      'plan',
      file,
      '--capacity-per-server',
      '50',
      '--out-dir',
      scratch,
    ]);
    refused(
      run,
      /only 1h of history with values.*the last timestamp, 2099-01-01 00:00 UTC, and the 2w of values before it lie outside/,
    );
    expect(run.stderr).toMatch(/hint: is that last row stamped wrongly/);
  });

  it('the longest allowed horizon plans (no stack overflow on its ~100,000 steps)', async () => {
    const lines = ['timestamp,requests'];
    for (let i = 0; i < 12 * 24 * 21; i++) {
      lines.push(
        `${new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString()},${100 + (i % 288)}`,
      );
    }
    const file = join(scratch, 'five-minutes.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const out = join(scratch, 'longest');
    const run = await runInProcess([
      'plan',
      file,
      '--interval',
      '5m',
      '--horizon',
      '347d',
      '--out-dir',
      out,
    ]);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'plan.csv'))).toBe(true);
  });

  it('too many steps for the --interval is refused, suggesting a longer interval', async () => {
    const file = csv('timestamp,requests');
    const run = await runInProcess(['forecast', file, '--horizon', '300d', '--interval', '1m']);
    refused(run, /--horizon 300d at --interval 1m is 432,000 steps, more than 100,000/);
  });
});

describe('values too large to plan with', () => {
  it('1e308 values are skipped with a counted warning, and the rest are planned', async () => {
    const file = csv('timestamp,requests', 24 * 14, (i) => (i % 3 === 0 ? '1e308' : '100'));
    const run = await runInProcess(['plan', file, '--out-dir', join(scratch, 'huge'), '--json']);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as {
      warnings: { code: string; count: number }[];
      summary: { peakServers: number };
    };
    expect(json.warnings.find((w) => w.code === 'huge-values')?.count).toBe(112);
    expect(Number.isFinite(json.summary.peakServers)).toBe(true);
  });

  it('a file of nothing but 1e308 is refused', async () => {
    const file = csv('timestamp,requests', 48, () => '1e308');
    refused(
      await runInProcess(['plan', file, '--out-dir', scratch]),
      /no rows with a usable value/,
    );
  });
});

describe('forecast --out that is not a file name', () => {
  it('a path ending in a separator is refused and leaves no temporary file', async () => {
    const dir = join(scratch, 'out-slash');
    mkdirSync(dir);
    const run = await runInProcess(['forecast', csv('timestamp,requests'), '--out', `${dir}/sub/`]);
    refused(run, /--out|ends in a separator|a file name/);
    expect(leftovers(dir)).toEqual([]);
    expect(existsSync(join(dir, 'sub'))).toBe(false);
  });

  it('an existing directory is refused and leaves no temporary file', async () => {
    const dir = join(scratch, 'out-dir');
    mkdirSync(join(dir, 'existing'), { recursive: true });
    const run = await runInProcess([
      'forecast',
      csv('timestamp,requests'),
      '--out',
      `${dir}/existing`,
    ]);
    refused(run, /existing.*(directory|other than a file)/);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('server counts must be finite and sane', () => {
  it('--capacity-per-server 1e-300 is refused, naming the flag', async () => {
    const run = await runInProcess([
      'plan',
      csv('timestamp,requests'),
      '--capacity-per-server',
      '1e-300',
      '--out-dir',
      join(scratch, 'tiny'),
    ]);
    refused(run, /--capacity-per-server/);
    expect(run.stderr).toMatch(/1,000,000 servers/);
    expect(existsSync(join(scratch, 'tiny'))).toBe(false);
  });
});

describe('--out-dir that cannot be made', () => {
  it('/proc/x fails fast with the reason', async () => {
    // Killed after 20 s, so that a hang fails the test instead of spinning on.
    const run = await new Promise<Run>((resolve) =>
      execFile(
        process.execPath,
        [BIN, 'plan', csv('timestamp,requests'), '--out-dir', '/proc/x/y'],
        { env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000, killSignal: 'SIGKILL' },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
      ),
    );
    refused(run, /cannot (write|create).*\/proc\/x/);
  }, 40_000);
});
