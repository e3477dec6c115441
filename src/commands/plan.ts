import { join } from 'node:path';
import { describePlanRule } from '../capacity/servers.js';
import { planFromForecast } from '../pipeline.js';
import { writeFilesAtomically, type OutputFile } from '../report/atomic.js';
import { planFigures } from '../capacity/figures.js';
import { riskLine, summaryMarkdown } from '../report/summary.js';
import { forecastCsv, formatReadable, planCsv, scheduleCsv } from '../report/tables.js';
import { scheduleDocument } from '../schedule/document.js';
import type { Warning } from '../types.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import { formatShort } from '../util/time.js';
import { assumedCapacityNote, capacitySettings, type RawOptions } from './options.js';
import { table, type CommandOutput } from './output.js';
import { calendarNotes, forecastFromCsv, modelLine } from './shared.js';

export interface PlanOptions extends RawOptions {
  outDir: string;
  /** A label for charts and the summary, e.g. "requests/h". */
  unit?: string;
  /** `--no-charts` (or `charts: false` in headroom.yaml): write no PNGs. Default: drawn. */
  charts?: boolean;
}

/** Everything `plan` computes before it writes: shared with `push`, which plans on the fly. */
export async function planFromCsv(csv: string, options: RawOptions) {
  const settings = capacitySettings(options);
  const forecasted = await forecastFromCsv(csv, options);
  const { ingested, result, zone } = forecasted;
  const { forecast } = result;
  const { plan, schedule } = planFromForecast(forecast, settings);
  const figures = planFigures(plan, schedule);
  const warnings: Warning[] = [...ingested.warnings];
  const notes = [...ingested.notes, ...result.notes, ...calendarNotes(forecasted)];
  const assumed = assumedCapacityNote(options, settings);
  if (assumed) notes.push(assumed);
  if (plan.cappedSteps > 0) {
    warnings.push({
      code: 'max-servers',
      count: plan.cappedSteps,
      message: `${plan.cappedSteps} interval(s) need more than --max-servers ${settings.maxServers}; planned at the maximum, under-provisioned`,
    });
  }
  const document = scheduleDocument({
    zone,
    schedule,
    settings,
    figures,
    history: ingested.series,
    source: {
      file: ingested.file,
      valueColumn: ingested.valueColumn,
      model: forecast.model,
      selection: result.selection?.reason,
      quantile: forecast.quantile,
    },
  });
  return { forecasted, settings, plan, schedule, figures, warnings, notes, document };
}

export async function planCommand(csv: string, options: PlanOptions): Promise<CommandOutput> {
  const planned = await planFromCsv(csv, options);
  const { forecasted, settings, plan, schedule, figures, warnings, notes } = planned;
  const { ingested, result, zone } = forecasted;
  const { forecast, training } = result;
  const scheduleJson = planned.document;

  const risk = riskLine(figures, settings, (plan.servers.length * plan.stepMs) / HOUR_MS);
  const path = (name: string) => join(options.outDir, name);
  const drawn = options.charts !== false;
  const charts = drawn ? { forecast: 'forecast.png', plan: 'plan.png' } : undefined;
  // Chart.js and the canvas load only when there is something to draw.
  const pngs: OutputFile[] = [];
  if (charts) {
    const { renderForecastChart, renderPlanChart } = await import('../report/charts.js');
    const chartOptions = { zone, unit: options.unit ?? ingested.valueColumn };
    pngs.push(
      {
        path: path(charts.forecast),
        content: renderForecastChart(training, forecast, chartOptions),
      },
      { path: path(charts.plan), content: renderPlanChart(forecast, plan, chartOptions) },
    );
  }
  const files = await writeFilesAtomically([
    { path: path('forecast.csv'), content: forecastCsv(forecast, zone) },
    { path: path('plan.csv'), content: planCsv(plan, zone) },
    { path: path('schedule.csv'), content: scheduleCsv(schedule, zone) },
    { path: path('schedule.json'), content: JSON.stringify(scheduleJson, null, 2) + '\n' },
    ...pngs,
    {
      path: path('summary.md'),
      content: summaryMarkdown({
        file: ingested.file,
        valueColumn: ingested.valueColumn,
        zone,
        forecast,
        plan,
        schedule,
        selection: result.selection?.reason,
        warnings,
        charts,
      }),
    },
  ]);

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
  return {
    // `charts` tells a fleet report (and `report --merge`, through the part file) whether to
    // expect forecast.png and plan.png beside the other files.
    json: { ...scheduleJson, warnings, notes, files, charts: drawn },
    text,
    warnings,
    notes,
  };
}
