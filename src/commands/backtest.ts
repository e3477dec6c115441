import { describePlanRule, formatShare } from '../capacity/servers.js';
import { anomalyWindow, primaryModel, type ModelScores } from '../evaluate/backtest.js';
import { AUTO } from '../models/registry.js';
import { writeBacktest } from '../report/backtest-report.js';
import { formatReadable } from '../report/tables.js';
import { runBacktestCsv, type BacktestOptions, type BacktestRun } from '../run/backtest.js';
import { describeDuration, formatDuration } from '../util/duration.js';
import { formatShort } from '../util/time.js';
import { table, type CommandOutput } from './output.js';
import { progressCounter } from './progress.js';
import { sourceFrom } from '../sources/registry.js';

export type { BacktestOptions };

/** "87%"; "–" for missing; one decimal below 10%, so that 0.4% does not read as 0%. */
function pct(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const tenths = Math.round(fraction * 1000) / 10;
  const small = Math.abs(tenths) < 10 && !Number.isInteger(tenths);
  return `${small ? tenths.toFixed(1) : Math.round(tenths)}%`;
}

/** +12% / −3% for excess server-hours. */
function signedPct(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  return fraction > 0 ? `+${pct(fraction)}` : pct(fraction);
}

/** "1.4 (0.97%)": hours and their share of the scored hours. */
function hoursAndShare(hours: number, share: number): string {
  return Number.isFinite(share) ? `${formatReadable(hours)} (${formatShare(share)})` : '–';
}

/** Promised against realised coverage per model, and the plans' short hours against the budget. */
function calibrationTable(models: ModelScores[]): string {
  return table(
    [
      'model',
      ...models[0].calibration.coverage.map((l) => pct(l.promised)),
      'short h expected',
      'short h realised',
      'budget',
    ],
    models.map(({ model, calibration: c }) => [
      model,
      ...c.coverage.map((l) => pct(l.realised)),
      hoursAndShare(c.expectedShortHours, c.expectedShortShare),
      hoursAndShare(c.realisedShortHours, c.realisedShortShare),
      c.budget === undefined ? '–' : formatShare(c.budget),
    ]),
  );
}

/** "ridge ×3, mstl ×1", most chosen first. */
function choiceCounts(chosen: Record<string, number>): string {
  return Object.entries(chosen)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ×${count}`)
    .join(', ');
}

/** `headroom backtest <csv>`: run the backtest, write its reports, print the scores. */
export async function backtestCommand(
  csv: string | undefined,
  options: BacktestOptions,
): Promise<CommandOutput> {
  const progress = progressCounter('backtest');
  let run: BacktestRun;
  try {
    run = await runBacktestCsv(sourceFrom(csv, options), options, progress.onProgress);
  } finally {
    progress.clear();
  }
  const { warnings, notes } = run;
  const { files, json } = await writeBacktest(run, options);
  const text = [
    ...backtestLines(run),
    '',
    `wrote ${files.length} files to ${options.outDir}: ${files.map((f) => f.slice(options.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  ].join('\n');
  return { json, text, warnings, notes };
}

/** The scores per model, their calibration and what auto chose, as lines for people. */
function backtestLines(run: BacktestRun): string[] {
  const { ingested, zone, origins, settings, request, horizonSteps, result } = run;
  const { series } = ingested;
  const q = request.quantile;
  const askedBand = 2 * q - 1;
  const primary = primaryModel(result);
  const anomalies = anomalyWindow(result);
  const horizon = formatDuration(horizonSteps * series.stepMs);
  const rows = result.models.map((m) => [
    m.model,
    formatReadable(m.mae),
    formatReadable(m.mase),
    pct(m.smape),
    `${pct(m.coverage)} (asked ${pct(askedBand)})`,
    `${pct(m.upperCoverage)} (asked ${pct(q)})`,
    pct(m.underProvisioned),
    signedPct(m.excess),
  ]);
  const autoWindows = result.windows.filter((w) => w.chosen !== undefined);
  const lines = [
    `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${series.values.length} × ${formatDuration(series.stepMs)}`,
    `${origins} window(s) of ${horizon} from ${formatShort(result.origins[0], zone)} to ${formatShort(result.end, zone)} ${zone}, each forecast from up to ${formatDuration(request.trainWindowMs)} of history before it`,
    `plans: servers for the ${describePlanRule(settings, q)}, ${formatReadable(settings.capacityPerServer)} per server`,
    '',
    table(
      [
        'model',
        'MAE',
        'MASE',
        'sMAPE',
        `in ${pct(1 - q)}–${pct(q)} band`,
        '≤ upper bound',
        'under-provisioned',
        'excess server-h',
      ],
      rows,
    ),
    '',
    'MASE < 1: better than repeating last week (last day with under 2 weeks of history).',
    `under-provisioned: intervals over 100% busy on the planned servers; excess: server-hours above a plan that knew the demand.`,
    '',
    'calibration: share of actuals at or below each quantile of the forecast distribution (calibrated: the same as the quantile), and hours above 100% of the planned servers',
    calibrationTable(result.models),
  ];
  if (autoWindows.length > 0) {
    lines.push(
      '',
      `auto chose ${choiceCounts(
        autoWindows.reduce<Record<string, number>>((acc, w) => {
          acc[w.chosen as string] = (acc[w.chosen as string] ?? 0) + 1;
          return acc;
        }, {}),
      )}: ${autoWindows.map((w) => `${formatShort(w.start, zone).slice(0, 10)} ${w.chosen}`).join(' · ')}`,
    );
  }
  if (anomalies?.anomalies) {
    lines.push(
      '',
      `${anomalies.anomalies} interval(s) in the history (the ${describeDuration(anomalies.start - anomalies.trainingStart)} before the last window) looked like outages or spikes and were down-weighted by ${anomalies.chosen ?? anomalies.model}`,
    );
  }
  if (primary !== AUTO) {
    // The chart features the first model when auto is not backtested; say which.
    lines.push(`the chart's band and red intervals are ${primary}'s`);
  }
  return lines;
}
