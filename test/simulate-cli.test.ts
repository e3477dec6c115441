import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

const datasets = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const noDatasets = !existsSync(datasets);
const POLICIES = ['hpa', 'step', 'scheduled', 'predictive'];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'headroom-simulate-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The timeline CSV as rows of named numbers (timestamp kept as text). */
async function timeline(dir: string): Promise<Record<string, string>[]> {
  const [header, ...lines] = (await readFile(join(dir, 'simulate-timeline.csv'), 'utf8'))
    .trim()
    .split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, j) => [names[j], v])));
}

/** Invariants every replay must keep, whatever the forecast. */
function expectConsistent(rows: Record<string, string>[]) {
  for (const row of rows) {
    for (const id of POLICIES) {
      expect(Number(row[`${id}_warm`])).toBeLessThanOrEqual(Number(row[`${id}_servers`]));
    }
    // The schedule is a floor under predictive + reactive: never fewer servers than it.
    expect(Number(row.predictive_servers)).toBeGreaterThanOrEqual(Number(row.scheduled_servers));
    expect(Number(row.scheduled_servers)).toBe(Number(row.scheduled));
  }
}

describe('headroom simulate', () => {
  it('replays every policy over the backtest windows and writes the table, timeline, JSON, summary and chart', async () => {
    const out = join(work, 'elb');
    const run = await runInProcess([
      'simulate',
      ELB,
      '--agg',
      'sum',
      '--capacity-per-server',
      '300',
      '--horizon',
      '2d',
      '--origins',
      '2',
      '--cost-per-server-hour',
      '0.5',
      '--out-dir',
      out,
      '--json',
    ]);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.format).toBe('headroom.simulate/v1');
    expect(json.policies.map((p: { id: string }) => p.id)).toEqual(POLICIES);
    expect(json.replay.windows).toHaveLength(2);
    expect(json.replay.hours).toBe(96);
    expect(json.settings).toMatchObject({
      tick: '1m',
      warmup: '5m',
      leadTime: '5m',
      current: 'hpa',
      hpa: { targetUtilization: 0.7, tolerance: 0.1 },
    });
    for (const p of json.policies) {
      expect(p.hours).toBe(96);
      expect(p.cost).toBeCloseTo(p.serverHours * 0.5, 6);
      expect(p.underProvisionedHours).toBeGreaterThanOrEqual(0);
      expect(p.underProvisionedHours).toBeLessThanOrEqual(p.aboveTargetHours);
    }
    const byId = Object.fromEntries(json.policies.map((p: { id: string }) => [p.id, p]));
    expect(byId.predictive.serverHours).toBeGreaterThanOrEqual(byId.scheduled.serverHours);
    expect(json.verdict).toMatch(
      /^Over the 4 days replayed, predictive \+ reactive would have .* target tracking \(HPA\).*server-hours/,
    );

    expect((await readdir(out)).sort()).toEqual([
      'simulate-timeline.csv',
      'simulate.csv',
      'simulate.json',
      'simulate.md',
      'simulate.png',
    ]);
    const rows = await timeline(out);
    expect(rows).toHaveLength(96 * 60);
    expect(rows[0].timestamp).toBe(json.replay.start);
    expect(json.replay.windows[0].start).toBe(json.replay.start);
    expectConsistent(rows);

    const csv = (await readFile(join(out, 'simulate.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toMatch(/^policy,label,hours,scored_hours,under_provisioned_hours,/);
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(POLICIES);

    const md = await readFile(join(out, 'simulate.md'), 'utf8');
    expect(md).toContain(json.verdict);
    expect(md).toContain('| under-provisioned (over 100%) |');
    expect(md).toContain('](simulate.png)');

    const png = await readFile(join(out, 'simulate.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1200);
  });

  it('prints the table for people: one column per policy and the sentence', async () => {
    const run = await runInProcess([
      'simulate',
      ELB,
      '--agg',
      'sum',
      '--capacity-per-server',
      '300',
      '--horizon',
      '1d',
      '--origins',
      '2',
      '--current',
      'step',
      '--out-dir',
      join(work, 'text'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /target tracking \(HPA\)\s+step scaling\s+scheduled only\s+predictive \+ reactive/,
    );
    expect(run.stdout).toMatch(/^under-provisioned \(over 100%\)/m);
    expect(run.stdout).toMatch(/^server-hours/m);
    expect(run.stdout).toContain('against your step scaling');
    expect(run.stdout).not.toContain('cost at');
  });

  it('holds every policy to the database with --db-limit cap, and flags it without', async () => {
    const db = ['--db-connections-per-server', '150', '--db-max-connections', '750'];
    const common = ['simulate', ELB, '--agg', 'sum', '--capacity-per-server', '100'];
    const common2 = ['--horizon', '1d', '--origins', '2', '--json'];
    const capped = await runInProcess([
      ...common,
      ...db,
      '--db-limit',
      'cap',
      ...common2,
      '--out-dir',
      join(work, 'cap'),
    ]);
    expect(capped.code).toBe(0);
    const json = JSON.parse(capped.stdout);
    expect(json.settings.capacity.maxServers).toBe(5);
    for (const p of json.policies) {
      expect(p.peakServers).toBeLessThanOrEqual(5);
      expect(p.database).toMatchObject({ maxConnections: 750, limitServers: 5, overLimitHours: 0 });
    }
    expect(capped.stderr).toContain('every policy held to 5 servers');

    const flagged = await runInProcess([
      ...common,
      ...db,
      ...common2,
      '--out-dir',
      join(work, 'flag'),
    ]);
    expect(flagged.code).toBe(0);
    const over = JSON.parse(flagged.stdout).policies.filter(
      (p: { database: { overLimitHours: number } }) => p.database.overLimitHours > 0,
    );
    expect(over.length).toBeGreaterThan(0);
    expect(flagged.stderr).toContain("would have exceeded the database's 750 connections");
  });

  it("replays the user's own HPA behaviour from a manifest", async () => {
    const manifest = join(work, 'hpa.yaml');
    await writeFile(
      manifest,
      [
        'apiVersion: autoscaling/v2',
        'kind: HorizontalPodAutoscaler',
        'spec:',
        '  behavior:',
        '    scaleDown:',
        '      stabilizationWindowSeconds: 600',
        '      policies:',
        '        - {type: Pods, value: 1, periodSeconds: 60}',
        '',
      ].join('\n'),
    );
    const run = await runInProcess([
      'simulate',
      ELB,
      '--agg',
      'sum',
      '--capacity-per-server',
      '300',
      '--horizon',
      '1d',
      '--origins',
      '2',
      '--hpa-behavior',
      manifest,
      '--out-dir',
      join(work, 'manifest'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.settings.hpa.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 600,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
    });
    // Kubernetes' own default for the rule the manifest leaves out.
    expect(json.settings.hpa.behavior.scaleUp.policies).toEqual([
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ]);
  });

  it.each<[string, string[], string]>([
    [
      'a tick that does not divide the interval',
      ['--tick', '7m'],
      'does not divide the 1h interval',
    ],
    ['half of the database flags', ['--db-max-connections', '750'], 'give both'],
    ['a saved model', ['--model-file', 'model.json'], 'drop --model-file'],
    ['step thresholds the wrong way round', ['--step-down', '0.8'], 'must be below --step-up'],
  ])('refuses %s with exit code 2', async (_name, flags, message) => {
    const run = await runInProcess([
      'simulate',
      ELB,
      '--agg',
      'sum',
      ...flags,
      '--out-dir',
      join(work, 'refused'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});

describe.skipIf(noDatasets)('headroom simulate on a shared dataset', () => {
  it('replays four weeks of bike rentals through every policy', async () => {
    const out = join(work, 'bikes');
    const run = await runInProcess([
      'simulate',
      join(datasets, 'bike-sharing/hour.csv'),
      '--gap-fill',
      'zero',
      '--capacity-per-server',
      '50',
      '--out-dir',
      out,
      '--json',
    ]);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.input.valueColumn).toBe('cnt');
    expect(json.replay.windows).toHaveLength(4);
    expect(json.replay.hours).toBe(4 * 168);
    expect(json.policies.map((p: { id: string }) => p.id)).toEqual(POLICIES);
    const byId = Object.fromEntries(json.policies.map((p: { id: string }) => [p.id, p]));
    // The HPA's scale-down window held recommendations, and warming servers held scale-ups.
    expect(Object.keys(byId.hpa.reasons)).toEqual(
      expect.arrayContaining([
        'ScaleDownStabilized',
        'WaitingForWarmUp',
        'MetricRatioWithWarmingReplicas',
      ]),
    );
    expect(byId.predictive.reasons.BelowMinReplicas).toBeGreaterThan(0);
    expectConsistent(await timeline(out));
  });
});
