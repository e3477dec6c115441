/**
 * The run layer (src/run/) returns data and writes nothing; the report writers (src/report/*-report.ts)
 * write it. Checked on the bundled ELB request counts.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBacktest } from '../src/report/backtest-report.js';
import { writePlan } from '../src/report/plan-report.js';
import { writeReview } from '../src/report/review-report.js';
import { writeSimulate } from '../src/report/simulate-report.js';
import { runBacktestCsv } from '../src/run/backtest.js';
import { fitFrom } from '../src/run/forecast.js';
import { runPlan } from '../src/run/plan.js';
import { runReview } from '../src/run/review.js';
import { runSimulate } from '../src/run/simulate.js';
import type { RawOptions } from '../src/settings/parse.js';
import { settingsOf } from '../src/settings/table.js';

const ELB = join(import.meta.dirname, '..', 'data', 'elb_request_count_8c0756.csv');

/**
 * Every setting at its flag's default, as commander hands them over; not the schedule's shaping,
 * which simulate has its own flags for.
 */
const DEFAULTS = Object.fromEntries(
  settingsOf()
    .filter(([, s]) => s.default !== undefined && s.group !== 'schedule')
    .map(([key, s]) => [key, s.default]),
) as unknown as Omit<RawOptions, 'leadTime' | 'minHold' | 'maxChanges'>;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'headroom-run-layer-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the run layer', () => {
  it('runBacktestCsv returns the scores and writes nothing; writeBacktest writes the four files', async () => {
    const outDir = join(work, 'backtest');
    const options = { ...DEFAULTS, models: 'ridge,linear', origins: '2', horizon: '1d', outDir };
    const run = await runBacktestCsv(ELB, { ...options, horizonGiven: true });
    expect(run.result.models.map((m) => m.model)).toEqual(['ridge', 'linear']);
    expect(run.result.windows).toHaveLength(4);
    expect(run.horizonSteps).toBe(24);
    // Every figure depends on it: a warning, not a note.
    expect(
      run.warnings.some(
        (w) =>
          w.code === 'assumed-capacity' &&
          w.message.startsWith('assuming --capacity-per-server 100'),
      ),
    ).toBe(true);
    expect(existsSync(outDir)).toBe(false);

    const { files, json } = await writeBacktest(run, options);
    expect((await readdir(outDir)).sort()).toEqual([
      'backtest.csv',
      'backtest.json',
      'backtest.png',
      'calibration.png',
    ]);
    expect(files).toHaveLength(4);
    const written = JSON.parse(await readFile(join(outDir, 'backtest.json'), 'utf8'));
    expect(written.format).toBe('headroom.backtest/v1');
    expect(json).toEqual({ ...written, warnings: run.warnings, notes: run.notes, files });
  });

  it('runSimulate replays every policy and writes nothing; writeSimulate writes the five files', async () => {
    const outDir = join(work, 'simulate');
    const options = { ...DEFAULTS, origins: '1', horizon: '1d', outDir };
    const run = await runSimulate(ELB, { ...options, horizonGiven: true });
    expect(run.result.policies.map((p) => p.id)).toContain('predictive');
    expect(run.report).toMatchObject({ format: expect.stringMatching(/^headroom\.simulate/) });
    expect(existsSync(outDir)).toBe(false);

    const { files } = await writeSimulate(run, outDir);
    expect(files).toHaveLength(5);
    expect(JSON.parse(await readFile(join(outDir, 'simulate.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(run.report)),
    );
  });

  it('runReview scores a plan against the later load and writes nothing', async () => {
    const lines = (await readFile(ELB, 'utf8')).split('\n');
    const history = join(work, 'history.csv');
    await writeFile(history, lines.slice(0, 3000).join('\n') + '\n');
    const planDir = join(work, 'plan');
    const plan = { ...DEFAULTS, horizon: '1d', capacityPerServer: '500', outDir: planDir };
    await writePlan(await runPlan(history, plan), { ...plan, charts: false });

    const outDir = join(work, 'review');
    // The load is read in the plan's zone and at its interval unless told otherwise.
    const ingest = { ...DEFAULTS, timezone: undefined, interval: undefined };
    const run = await runReview(join(planDir, 'schedule.json'), ELB, { ...ingest, outDir });
    expect(run.settings.capacityPerServer).toBe(500);
    expect(run.review.scoredSteps).toBe(24);
    expect(run.failed).toBe(false);
    expect(existsSync(outDir)).toBe(false);
    const { files } = await writeReview(run, { outDir });
    expect((await readdir(outDir)).sort()).toEqual(['review.md', 'review.png']);
    expect(files).toHaveLength(2);
  });

  it('fitFrom fits and reports the span it learned from', async () => {
    const { result, trainedOn, trainedMs } = await fitFrom(ELB, { ...DEFAULTS, model: 'ridge' });
    expect(result.model.name).toBe('ridge');
    expect(trainedOn.file).toBe(ELB);
    expect(Date.parse(trainedOn.end) - Date.parse(trainedOn.start)).toBe(trainedMs);
  });
});
