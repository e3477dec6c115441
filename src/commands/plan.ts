import { describePlanRule } from '../capacity/servers.js';
import { cappedText } from '../capacity/limits.js';
import { bindingLine } from '../capacity/metrics.js';
import { writePlan } from '../report/plan-report.js';
import { capacityRule, metricsRiskLine, riskLine } from '../report/summary.js';
import { formatReadable } from '../report/tables.js';
import { runPlan, type PlanOptions, type PlanRun } from '../run/plan.js';
import type { Forecasted } from '../run/forecast.js';
import type { Series } from '../types.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import { formatShort } from '../util/time.js';
import { table, type CommandOutput } from './output.js';
import { modelLine } from './shared.js';
import { sourceFrom } from '../sources/registry.js';
import { metricsFrom } from '../settings/metrics.js';
import { maxOf } from '../util/extremes.js';
import { staleHistoryWarning } from '../schedule/freshness.js';
import { shapedText } from '../schedule/shape.js';

export type { PlanOptions };

/**
 * `headroom plan <csv>` (or `--metric …` repeated): run the plan, write its reports, say what it
 * found. `now` is the clock the history's age is measured against (a warning when it is older
 * than --max-staleness); the demo, whose bundled history is from 2015, passes null.
 */
export async function planCommand(
  csv: string | undefined,
  options: PlanOptions,
  now: number | null = Date.now(),
): Promise<CommandOutput> {
  const run = await runPlan(metricsFrom(csv, options) ?? sourceFrom(csv, options), options);
  const { forecasted, settings, plan, figures, warnings, notes } = run;
  const { ingested, result, zone } = forecasted;
  const stale =
    now === null
      ? undefined
      : staleHistoryWarning(ingested.series, zone, now, options.maxStaleness);
  if (stale) warnings.push(stale);
  const { forecast, training } = result;
  const { files, json } = await writePlan(run, options, { generatedAt: new Date().toISOString() });
  const hours = (plan.servers.length * plan.stepMs) / HOUR_MS;
  const risk = run.metrics
    ? metricsRiskLine(figures, settings, hours)
    : riskLine(figures, settings, hours);
  const horizon = [
    'horizon',
    `${formatDuration(forecast.point.length * forecast.stepMs)} from ${formatShort(forecast.start, zone)} ${zone}`,
  ];
  const head = run.metrics
    ? metricsHead(run)
    : [
        `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${ingested.series.values.length} × ${formatDuration(ingested.series.stepMs)}; ${learnedFrom(forecasted, training)}`,
        modelLine(result),
        `servers for the ${describePlanRule(settings, forecast.quantile)}; band from ${forecast.intervalMethod}`,
        '',
        table(
          ['', 'value'],
          [
            horizon,
            [
              'peak forecast',
              `${formatReadable(figures.peakForecast)} at ${formatShort(figures.peakForecastAt, zone)}`,
            ],
            // Under a risk budget the planned load is the forecast itself.
            ...(settings.planOn === 'risk'
              ? []
              : [['peak planned load', formatReadable(figures.peakPlannedLoad)]]),
            [
              'servers',
              `${figures.minServers}–${figures.peakServers} (peak at ${formatShort(figures.peakServersAt, zone)})`,
            ],
            ...(figures.cappedSteps > 0
              ? [['capped', cappedText(figures.cappedSteps, settings.maxServers, plan.stepMs)]]
              : []),
            ['server-hours', formatReadable(figures.serverHours)],
            ['schedule', shapedText(run.shaped.record)],
            ...(risk ? [['risk', risk]] : []),
          ],
        ),
      ];
  const text = [
    ...head,
    ...(run.metrics
      ? [
          table(
            ['', 'value'],
            [
              horizon,
              [
                'binding',
                bindingLine(
                  run.metrics.runs.map((r) => r.name),
                  run.metrics.runs.map((r) => r.bindingSteps),
                  plan.stepMs,
                ),
              ],
              ['servers', `${figures.minServers}–${figures.peakServers}`],
              ['server-hours', formatReadable(figures.serverHours)],
              ['schedule', shapedText(run.shaped.record)],
              ...(risk ? [['risk', risk]] : []),
            ],
          ),
        ]
      : []),
    '',
    `wrote ${files.length} files to ${options.outDir}: ${files.map((f) => f.slice(options.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  ].join('\n');
  return { json, text, warnings, notes };
}

/** What the forecast learned from: the training window, or the saved model's own span. */
function learnedFrom(forecasted: Forecasted, training: Series): string {
  const { saved } = forecasted;
  if (saved) {
    return `forecast by the model in ${saved.path}, fitted on ${saved.trainedOn.start} → ${saved.trainedOn.end}`;
  }
  return `learned from the last ${formatDuration(training.values.length * training.stepMs)}`;
}

/** The lines above the table of a plan with several metrics: one per metric. */
function metricsHead(run: PlanRun): string[] {
  const { runs } = run.metrics!;
  const { forecast } = run.forecasted.result;
  return [
    `${runs.length} metrics, each forecast and planned on its own; servers for the ${describePlanRule(run.settings, forecast.quantile).replace(/ at \d+% utilisation/, ' at its target')}; the plan takes the most any metric needs`,
    '',
    table(
      ['metric', 'history', 'capacity', 'model', 'peak forecast', 'peak servers'],
      runs.map((r) => {
        const { ingested, result } = r.forecasted;
        return [
          r.name,
          `${r.source}: ${ingested.rows} rows of '${ingested.valueColumn}'`,
          capacityRule(r.settings),
          result.forecast.model,
          formatReadable(maxOf(result.forecast.point)),
          String(r.peakServers),
        ];
      }),
    ),
    '',
  ];
}
