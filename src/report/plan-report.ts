/**
 * What `plan` writes for one run: forecast.csv, plan.csv, schedule.csv, schedule.json, the two
 * charts (unless turned off) and summary.md, all at once (temporary files, then rename); and the
 * JSON a command prints or a fleet collects. A plan with several metrics writes each metric's
 * columns in the CSVs, a forecast chart per metric (forecast.png for the first,
 * forecast-NAME.png for the others) and history-NAME.csv for each metric read from a remote source.
 */
import { join } from 'node:path';
import type { MetricRun, PlanOptions, PlanRun } from '../run/plan.js';
import { writeFilesAtomically, type OutputFile } from './atomic.js';
import { fleetHtml, type FleetEntry, type PlanJson } from './fleet.js';
import { summaryMarkdown, type SummaryMetrics } from './summary.js';
import {
  forecastCsv,
  metricsForecastCsv,
  metricsPlanCsv,
  planCsv,
  scheduleCsv,
  type MetricColumns,
} from './tables.js';
import { fetchedHistoryFile } from '../sources/load.js';
import { loadUnit } from '../util/format.js';
import { maxOf } from '../util/extremes.js';
import { capacityRule } from './summary.js';

/** The forecast chart of the i-th metric. */
const metricChart = (runs: MetricRun[], i: number) =>
  i === 0 ? 'forecast.png' : `forecast-${runs[i].name}.png`;

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
  const runs = run.metrics?.runs;
  const columns: MetricColumns | undefined = run.metrics && {
    names: run.metrics.runs.map((r) => r.name),
    forecasts: run.metrics.runs.map((r) => r.forecasted.result.forecast),
    plans: run.metrics.runs.map((r) => r.plan),
    binding: run.metrics.binding,
  };
  // Chart.js and the canvas load only when there is something to draw.
  const pngs: OutputFile[] = [];
  if (charts && run.metrics && runs) {
    const { renderForecastChart } = await import('./charts.js');
    const { renderMetricsPlanChart } = await import('./metrics-chart.js');
    runs.forEach((r, i) => {
      const { training, forecast } = r.forecasted.result;
      const unit = loadUnit(i === 0 ? options.unit : undefined, r.forecasted.ingested.valueColumn);
      pngs.push({
        path: path(metricChart(runs, i)),
        content: renderForecastChart(training, forecast, {
          zone,
          unit,
          title: `Load forecast: ${r.name}`,
        }),
      });
    });
    pngs.push({
      path: path(charts.plan),
      content: renderMetricsPlanChart({
        plan,
        metrics: runs.map((r) => ({ name: r.name, plan: r.plan, rule: capacityRule(r.settings) })),
        binding: run.metrics.binding,
        zone,
      }),
    });
  } else if (charts) {
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
  const summaryMetrics: SummaryMetrics | undefined = runs && {
    rows: runs.map((r, i) => ({
      name: r.name,
      source: r.source,
      valueColumn: r.forecasted.ingested.valueColumn,
      model: r.forecasted.result.forecast.model,
      settings: r.settings,
      peakForecast: maxOf(r.forecasted.result.forecast.point),
      peakServers: r.peakServers,
      bindingSteps: r.bindingSteps,
      expectedShortShare: r.expectedShortShare,
      chart: metricChart(runs, i),
    })),
    binding: Array.from(run.metrics!.binding, (i) => runs[i].name),
  };
  const histories = runs
    ? runs.flatMap((r) =>
        fetchedHistoryFile(r.forecasted.ingested, options.outDir).map((f) => ({
          ...f,
          path: path(`history-${r.name}.csv`),
        })),
      )
    : fetchedHistoryFile(ingested, options.outDir);
  const files = await writeFilesAtomically([
    {
      path: path('forecast.csv'),
      content: columns ? metricsForecastCsv(columns, zone) : forecastCsv(forecast, zone),
    },
    {
      path: path('plan.csv'),
      content: columns ? metricsPlanCsv(plan, columns, zone) : planCsv(plan, zone),
    },
    { path: path('schedule.csv'), content: scheduleCsv(schedule, zone) },
    { path: path('schedule.json'), content: JSON.stringify(run.document, null, 2) + '\n' },
    ...pngs,
    ...histories,
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
        ...(summaryMetrics && { metrics: summaryMetrics }),
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
