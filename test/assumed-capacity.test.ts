import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';

// Every server count depends on --capacity-per-server: falling back on the placeholder is a
// warning, on the command line and from a starter config alike; a utilisation series is told why
// it does not size servers as it is.

/** Three weeks of an hourly fleet-average CPU % (× `scale`), ending yesterday. */
function cpuCsv(scale = 1): string {
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 86_400_000;
  const rows = ['timestamp,cpu_utilization'];
  for (let i = 21 * 24; i > 0; i--) {
    const t = end - i * 3_600_000;
    const hour = new Date(t).getUTCHours();
    const cpu = Number((40 + 25 * Math.sin(((hour - 6) * Math.PI) / 12)).toFixed(2));
    rows.push(`${new Date(t).toISOString()},${cpu * scale}`);
  }
  return rows.join('\n') + '\n';
}

const PLAN_FLAGS = ['--horizon', '2d', '--model', 'seasonal-naive'];

/**
 * In `dir`: plans cpu.csv with `flags`, and total.csv (the load itself) at 100 per server; both
 * runs, and the capacities of each schedule.
 */
async function planBesideTotal(dir: string, flags: string[]) {
  const given = await runInProcess(['plan', 'cpu.csv', ...flags, ...PLAN_FLAGS, '--out-dir', 'g'], {
    cwd: dir,
  });
  const total = await runInProcess(
    ['plan', 'total.csv', '--capacity-per-server', '100', ...PLAN_FLAGS, '--out-dir', 't'],
    { cwd: dir },
  );
  expect(given.code, given.stderr).toBe(0);
  expect(total.code, total.stderr).toBe(0);
  const capacities = async (out: string): Promise<number[]> =>
    JSON.parse(await readFile(join(dir, out, 'schedule.json'), 'utf8')).entries.map(
      (e: { capacity: number }) => e.capacity,
    );
  return { given, planned: await capacities('g'), totalPlanned: await capacities('t') };
}

describe('a capacity per server nobody gave', () => {
  it('is a warning that says a utilisation does not grow with servers (command line)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-assumed-'));
    await writeFile(join(dir, 'cpu.csv'), cpuCsv());
    const run = await runInProcess(['plan', 'cpu.csv', '--horizon', '2d', '--out-dir', 'r'], {
      cwd: dir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning: assuming --capacity-per-server 100 \(a placeholder\)/m);
    expect(run.stderr).toContain("'cpu_utilization' looks like a utilisation");
    const given = await runInProcess(
      ['plan', 'cpu.csv', '--horizon', '2d', '--capacity-per-server', '100', '--out-dir', 'r2'],
      { cwd: dir },
    );
    expect(given.stderr).not.toContain('assuming --capacity-per-server');
  });

  it('is a warning for a service of the starter config until capacityPerServer is set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-assumed-'));
    await writeFile(join(dir, 'cpu.csv'), cpuCsv());
    expect((await runInProcess(['init', 'cpu.csv'], { cwd: dir })).code).toBe(0);
    const config = await readFile(join(dir, 'headroom.yaml'), 'utf8');
    expect(config).toMatch(/^\s+# capacityPerServer: 100 # TODO/m);
    const run = await runInProcess(['plan', '--horizon', '2d'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const summary = await readFile(join(dir, 'reports', 'cpu', 'summary.md'), 'utf8');
    expect(summary).toContain('assuming --capacity-per-server 100 (a placeholder)');
  });
});

describe('--current-servers: a utilisation averaged over a fleet', () => {
  it('is planned as its total (value × n, in % of one server), as the total itself would be', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-current-'));
    await writeFile(join(dir, 'cpu.csv'), cpuCsv());
    await writeFile(join(dir, 'total.csv'), cpuCsv(12));
    const { given, planned, totalPlanned } = await planBesideTotal(dir, [
      '--current-servers',
      '12',
    ]);
    // 100 per server is the rule with --current-servers, not a placeholder.
    expect(given.stderr).not.toContain('assuming --capacity-per-server');
    expect(given.stderr).toContain(
      "read 'cpu_utilization' as a utilisation of 12 server(s): the load is cpu_utilization × 12",
    );
    expect(planned).toEqual(totalPlanned);
    expect(Math.max(...planned)).toBeGreaterThan(1);
  });
});

/** cpuCsv with an in-service count per row (8 to 16 by hour); `blank` rows have no count. */
function cpuWithCounts(blank = 0): { csv: string; total: string } {
  const lines = cpuCsv().trim().split('\n').slice(1);
  const rows = ['timestamp,cpu_utilization,in_service'];
  const totals = ['timestamp,total'];
  lines.forEach((line, i) => {
    const [time, cpu] = line.split(',');
    const count = 8 + (new Date(time).getUTCHours() % 9);
    rows.push(`${time},${cpu},${i < blank ? '' : count}`);
    totals.push(`${time},${Number(cpu) * count}`);
  });
  return { csv: rows.join('\n') + '\n', total: totals.join('\n') + '\n' };
}

describe('--servers-column: a utilisation averaged over the servers in service', () => {
  it('is planned as its total, value × the count of each row, as the total itself would be', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-servers-column-'));
    const { csv, total } = cpuWithCounts();
    await writeFile(join(dir, 'cpu.csv'), csv);
    await writeFile(join(dir, 'total.csv'), total);
    const { given, planned, totalPlanned } = await planBesideTotal(dir, [
      '--servers-column',
      'in_service',
    ]);
    expect(given.stderr).not.toContain('assuming --capacity-per-server');
    expect(given.stderr).toContain(
      "read 'cpu_utilization' as a utilisation of the servers counted in 'in_service'",
    );
    expect(planned).toEqual(totalPlanned);
    expect(Math.max(...planned)).toBeGreaterThan(8);
  });

  it('leaves intervals without a count out as gaps, with a warning that counts them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-servers-column-'));
    await writeFile(join(dir, 'cpu.csv'), cpuWithCounts(5).csv);
    const run = await runInProcess(
      ['forecast', 'cpu.csv', '--servers-column', 'in_service', ...PLAN_FLAGS, '--out', 'f.csv'],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "5 interval(s) have a value but no server count in 'in_service': they are left out as gaps",
    );
  });

  it('is refused with the fix when it cannot apply', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-servers-column-'));
    const { csv } = cpuWithCounts();
    await writeFile(join(dir, 'cpu.csv'), csv);
    const both = await runInProcess(
      [
        'plan',
        'cpu.csv',
        '--servers-column',
        'in_service',
        '--current-servers',
        '4',
        ...PLAN_FLAGS,
      ],
      { cwd: dir },
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--servers-column and --current-servers both say');
    const piped = await runInProcess(
      ['plan', '-', '--servers-column', 'in_service', ...PLAN_FLAGS],
      {
        cwd: dir,
        stdin: csv,
      },
    );
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('save the data to a file first');
    const itself = await runInProcess(
      ['plan', 'cpu.csv', '--value-column', 'in_service', '--servers-column', 'in_service'],
      { cwd: dir },
    );
    expect(itself.code).toBe(2);
    expect(itself.stderr).toContain('is the value column itself');
    const absent = await runInProcess(['plan', 'cpu.csv', '--servers-column', 'instances'], {
      cwd: dir,
    });
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain("--servers-column 'instances' is not a column");
    expect(absent.stderr).not.toMatch(/\n\s+at /);
  });
});
