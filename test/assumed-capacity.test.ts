import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';

// Every server count depends on --capacity-per-server: falling back on the placeholder is a
// warning, on the command line and from a starter config alike; a utilisation series is told why
// it does not size servers as it is.

/** Three weeks of an hourly fleet-average CPU %, ending yesterday. */
function cpuCsv(): string {
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 86_400_000;
  const rows = ['timestamp,cpu_utilization'];
  for (let i = 21 * 24; i > 0; i--) {
    const t = end - i * 3_600_000;
    const hour = new Date(t).getUTCHours();
    rows.push(
      `${new Date(t).toISOString()},${(40 + 25 * Math.sin(((hour - 6) * Math.PI) / 12)).toFixed(2)}`,
    );
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
