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
    const flags = ['--horizon', '2d', '--model', 'seasonal-naive'];
    const average = await runInProcess(
      ['plan', 'cpu.csv', '--current-servers', '12', ...flags, '--out-dir', 'a'],
      { cwd: dir },
    );
    const total = await runInProcess(
      ['plan', 'total.csv', '--capacity-per-server', '100', ...flags, '--out-dir', 't'],
      { cwd: dir },
    );
    expect(average.code, average.stderr).toBe(0);
    expect(total.code, total.stderr).toBe(0);
    // 100 per server is the rule with --current-servers, not a placeholder.
    expect(average.stderr).not.toContain('assuming --capacity-per-server');
    expect(average.stderr).toContain(
      "read 'cpu_utilization' as a utilisation of 12 server(s): the load is cpu_utilization × 12",
    );
    const servers = async (out: string) =>
      JSON.parse(await readFile(join(dir, out, 'schedule.json'), 'utf8')).entries.map(
        (e: { capacity: number }) => e.capacity,
      );
    expect(await servers('a')).toEqual(await servers('t'));
    expect(Math.max(...(await servers('a')))).toBeGreaterThan(1);
  });
});
