/**
 * What `plan` writes for one run: forecast.csv, plan.csv, schedule.csv, schedule.json, the two
 * charts (unless turned off) and summary.md, all at once (temporary files, then rename); and the
 * JSON a command prints or a fleet collects.
 */
import { join } from 'node:path';
import type { PlanOptions, PlanRun } from '../run/plan.js';
import { writeFilesAtomically, type OutputFile } from './atomic.js';
import { fleetHtml, type FleetEntry, type PlanJson } from './fleet.js';
import { summaryMarkdown } from './summary.js';
import { forecastCsv, planCsv, scheduleCsv } from './tables.js';
import { fetchedHistoryFile } from '../sources/load.js';
import { loadUnit } from '../util/format.js';

export async function writePlan(
  run: PlanRun,
  options: Pick<PlanOptions, 'outDir' | 'unit' | 'charts'>,
  /** A single plan's own index.html (a fleet writes one for all its services instead). */
  page?: { generatedAt: string },
): Promise<{ files: string[]; json: Record<string, unknown> }> {
  const { forecasted, plan, schedule, warnings, notes } = run;
  const { ingested, result, zone } = forecasted;
  const { forecast, training } = result;
  const path = (name: string) => join(options.outDir, name);
  const drawn = options.charts !== false;
  const charts = drawn ? { forecast: 'forecast.png', plan: 'plan.png' } : undefined;
  // Chart.js and the canvas load only when there is something to draw.
  const pngs: OutputFile[] = [];
  if (charts) {
    const { renderForecastChart, renderPlanChart } = await import('./charts.js');
    const chartOptions = { zone, unit: loadUnit(options.unit, ingested.valueColumn) };
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
    { path: path('schedule.json'), content: JSON.stringify(run.document, null, 2) + '\n' },
    ...pngs,
    ...fetchedHistoryFile(ingested, options.outDir),
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
    ...(page
      ? [{ path: path('index.html'), content: planPage(run, charts, page.generatedAt) }]
      : []),
  ]);
  // `charts` tells a fleet report (and `report --merge`, through the part file) whether to expect
  // forecast.png and plan.png beside the other files.
  return { files, json: { ...run.document, warnings, notes, files, charts: drawn } };
}

/** index.html of a single plan: the fleet page with one service, its charts beside it. */
function planPage(
  run: PlanRun,
  charts: { forecast: string; plan: string } | undefined,
  generatedAt: string,
): string {
  const { ingested } = run.forecasted;
  const entry: FleetEntry = {
    name: ingested.file,
    ok: true,
    seconds: 0,
    warnings: run.warnings.map((w) => w.message),
    notes: run.notes,
    plan: run.document as unknown as PlanJson,
    charts,
    noCharts: !charts,
  };
  return fleetHtml([entry], generatedAt);
}
