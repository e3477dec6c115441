import { describePlanRule } from '../capacity/servers.js';
import { writePlan } from '../report/plan-report.js';
import { riskLine } from '../report/summary.js';
import { formatReadable } from '../report/tables.js';
import { runPlan, type PlanOptions } from '../run/plan.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import { formatShort } from '../util/time.js';
import { table, type CommandOutput } from './output.js';
import { modelLine } from './shared.js';
import { sourceFrom } from '../sources/registry.js';
import { staleHistoryWarning } from '../schedule/freshness.js';

export type { PlanOptions };

/**
 * `headroom plan <csv>`: run the plan, write its reports, say what it found. `now` is the clock the
 * history's age is measured against (a warning when it is older than --max-staleness); the demo,
 * whose bundled history is from 2015, passes null.
 */
export async function planCommand(
  csv: string | undefined,
  options: PlanOptions,
  now: number | null = Date.now(),
): Promise<CommandOutput> {
  const run = await runPlan(sourceFrom(csv, options), options);
  const { forecasted, settings, plan, figures, warnings, notes } = run;
  const { ingested, result, zone } = forecasted;
  const stale =
    now === null
      ? undefined
      : staleHistoryWarning(ingested.series, zone, now, options.maxStaleness);
  if (stale) warnings.push(stale);
  const { forecast, training } = result;
  const { files, json } = await writePlan(run, options);
  const risk = riskLine(figures, settings, (plan.servers.length * plan.stepMs) / HOUR_MS);
  const text = [
    `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${ingested.series.values.length} × ${formatDuration(ingested.series.stepMs)}; learned from the last ${formatDuration(training.values.length * training.stepMs)}`,
    modelLine(result),
    `servers for the ${describePlanRule(settings, forecast.quantile)}; band from ${forecast.intervalMethod}`,
    '',
    table(
      ['', 'value'],
      [
        [
          'horizon',
          `${formatDuration(forecast.point.length * forecast.stepMs)} from ${formatShort(forecast.start, zone)} ${zone}`,
        ],
        [
          'peak forecast',
          `${formatReadable(figures.peakForecast)} at ${formatShort(figures.peakForecastAt, zone)}`,
        ],
        ['peak planned load', formatReadable(figures.peakPlannedLoad)],
        ['servers', `${figures.minServers}–${figures.peakServers}`],
        ['server-hours', formatReadable(figures.serverHours)],
        ['scaling changes', String(figures.changes)],
        ...(risk ? [['risk', risk]] : []),
      ],
    ),
    '',
    `wrote ${files.length} files to ${options.outDir}: ${files.map((f) => f.slice(options.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  ].join('\n');
  return { json, text, warnings, notes };
}
