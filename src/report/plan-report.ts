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
  /** `service`: the fleet service the plan is for, which its summary is titled by. */
  options: Pick<PlanOptions, 'outDir' | 'unit' | 'charts'> & { service?: string },
  /** A single plan's own index.html (a fleet writes one for all its services instead). */
  page?: { generatedAt: string },
): Promise<{ files: string[]; json: Record<string, unknown> }> {
  const { forecasted, plan, shaped, warnings, notes } = run;
  const { ingested, result, zone } = forecasted;
  const { forecast } = result;
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
  const pngs = charts ? await chartFiles(run, options.unit, path) : [];
  const summaryMetrics = run.metrics && metricsSummary(run.metrics);
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
    { path: path('schedule.csv'), content: scheduleCsv(shaped.schedule, zone) },
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
        schedule: shaped.schedule,
        shaped: shaped.record,
        selection: result.selection?.reason,
        warnings,
        notes,
        ...(options.service !== undefined && { service: options.service }),
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

/**
 * The charts of a plan: forecast.png (one per metric for several) and plan.png. Chart.js and the
 * canvas load only when there is something to draw.
 */
async function chartFiles(
  run: PlanRun,
  unitOption: string | undefined,
  path: (name: string) => string,
): Promise<OutputFile[]> {
  const { plan, forecasted } = run;
  const { ingested, result, zone } = forecasted;
  if (!run.metrics) {
    const { renderForecastChart, renderPlanChart } = await import('./charts.js');
    const chartOptions = { zone, unit: loadUnit(unitOption, ingested.valueColumn) };
    return [
      {
        path: path('forecast.png'),
        content: renderForecastChart(result.training, result.forecast, chartOptions),
      },
      {
        path: path('plan.png'),
        content: renderPlanChart(result.forecast, plan, chartOptions, run.shaped.schedule),
      },
    ];
  }
  const { runs, binding } = run.metrics;
  const { renderForecastChart } = await import('./charts.js');
  const { renderMetricsPlanChart } = await import('./metrics-chart.js');
  const pngs: OutputFile[] = runs.map((r, i) => {
    const { training, forecast } = r.forecasted.result;
    const unit = loadUnit(i === 0 ? unitOption : undefined, r.forecasted.ingested.valueColumn);
    return {
      path: path(metricChart(runs, i)),
      content: renderForecastChart(training, forecast, {
        zone,
        unit,
        title: `Load forecast: ${r.name}`,
      }),
    };
  });
  pngs.push({
    path: path('plan.png'),
    content: renderMetricsPlanChart({
      plan,
      metrics: runs.map((r) => ({ name: r.name, plan: r.plan, rule: capacityRule(r.settings) })),
      binding,
      zone,
    }),
  });
  return pngs;
}

/** The per-metric table of summary.md for a plan of several metrics. */
function metricsSummary(metrics: NonNullable<PlanRun['metrics']>): SummaryMetrics {
  const { runs, binding } = metrics;
  return {
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
    binding: Array.from(binding, (i) => runs[i].name),
  };
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
    // Its files are beside the page.
    folder: '',
  };
  return fleetHtml([entry], generatedAt);
}
