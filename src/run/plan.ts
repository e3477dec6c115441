/**
 * `plan` as a run: read the history, forecast, size the servers, build the schedule and its
 * document. Returns data; commands print it, reports write it, fleets and `push` reuse it. A
 * service with several metrics (requests, CPU…) plans each on its own and takes, step by step,
 * the largest count (see capacity/metrics.ts).
 */
import { cappedText } from '../capacity/limits.js';
import { planFigures, type PlanFigures } from '../capacity/figures.js';
import { alignHistories, combineMetricPlans } from '../capacity/metrics.js';
import { planCapacity } from '../capacity/servers.js';
import { planFromForecast } from '../pipeline.js';
import { scheduleFromPlan, scheduleFromTimeline } from '../schedule/changes.js';
import { dstMovedNote } from '../schedule/dst.js';
import { shapedRecord, shapeSchedule, type ShapedRecord } from '../schedule/shape.js';
import { cronObjectsNeeded } from '../targets/k8s/build.js';
import { timelineFromSchedule } from '../schedule/timeline.js';
import { scheduleDocument, type ScheduleDocument } from '../schedule/document.js';
import {
  capacitySettings,
  ingestOptions,
  parseSettings,
  type RawOptions,
  type Settings,
} from '../settings/parse.js';
import { checkMetrics, metricOptions, type MetricSource } from '../settings/metrics.js';
import type { CapacityPlan, CapacitySettings, Schedule, Warning } from '../types.js';
import { maxOf } from '../util/extremes.js';
import { assumedCapacityWarning } from './assumed.js';
import { calendarNotes, forecastFrom, forecastHistory, type Forecasted } from './forecast.js';
import { loadHistory, type History } from '../sources/load.js';
import { describeSource, type HistorySource } from '../sources/registry.js';

/** What a plan is run and written with: the plan settings as flags give them, and the reports' options. */
export interface PlanOptions extends RawOptions {
  outDir: string;
  /** A label for charts and the summary, e.g. "requests/h". */
  unit?: string;
  /** `--no-charts` (or `charts: false` in headroom.yaml): write no PNGs. Default: drawn. */
  charts?: boolean;
  /** Warn when the history's last timestamp is older than this (default 2d): `push` refuses it. */
  maxStaleness?: string;
  /** A push.k8s block of the service: the schedule must fit in its cron objects. */
  cronLimit?: CronLimit;
}

/** At most `maxTriggers` KEDA windows or CronJobs (push k8s --format, --max-triggers). */
export interface CronLimit {
  format: 'keda' | 'cronjob';
  maxTriggers: number;
}

/** One metric of a plan with several: its own forecast and plan, and its part in the service's. */
export interface MetricRun {
  name: string;
  /** How reports name its history. */
  source: string;
  settings: CapacitySettings;
  forecasted: Forecasted;
  /** The metric's own plan (the service's is the largest of these per step). */
  plan: CapacityPlan;
  peakServers: number;
  /** Steps in which this metric set the service's count. */
  bindingSteps: number;
  /** Its share of steps expected above 100% of the service's servers. */
  expectedShortShare?: number;
}

export interface PlanRun {
  /** The history and forecast (with several metrics: the first metric's). */
  forecasted: Forecasted;
  settings: CapacitySettings;
  plan: CapacityPlan;
  /** The raw plan's change points: one wherever the count of plan.csv changes. */
  schedule: Schedule;
  /** The schedule a target applies (schedule.csv, schedule.json) and how it was shaped. */
  shaped: Shaped;
  figures: PlanFigures;
  warnings: Warning[];
  notes: string[];
  document: ScheduleDocument;
  /** With several metrics: each metric's run, and per step the index of the one that binds. */
  metrics?: { runs: MetricRun[]; binding: Uint32Array };
}

/** The shaped schedule of a plan: schedule.csv and schedule.json hold it, push applies it. */
export interface Shaped {
  schedule: Schedule;
  record: ShapedRecord;
  /** Changes moved off the hours DST skips or repeats, said once. */
  note?: string;
}

/**
 * The raw schedule shaped with --lead-time, --min-hold and --max-changes (schedule/shape.ts); with
 * a push.k8s target configured, with fewer changes until it fits that target's cron objects.
 */
function shape(schedule: Schedule, typed: Settings, zone: string, limit?: CronLimit): Shaped {
  const raw = timelineFromSchedule(schedule);
  const settings = {
    leadMs: typed.leadTime,
    minHoldMs: typed.minHold,
    maxChanges: typed.maxChanges,
    zone,
  };
  let shaped = shapeSchedule(raw, settings);
  let fittedTo: string | undefined;
  while (limit) {
    const { format, maxTriggers } = limit;
    const need = cronObjectsNeeded(shaped.timeline, zone, format, 0, maxTriggers);
    if (need.count <= maxTriggers || settings.maxChanges === 1) break;
    settings.maxChanges = Math.max(1, Math.min(settings.maxChanges - 1, need.fittedChanges ?? 1));
    shaped = shapeSchedule(raw, settings);
    fittedTo = `push.k8s (at most ${maxTriggers} ${format === 'keda' ? 'KEDA cron windows' : 'CronJobs'}): --max-changes ${settings.maxChanges}`;
  }
  return {
    schedule: scheduleFromTimeline(shaped.timeline, schedule.stepMs),
    record: { ...shapedRecord(shaped, settings), ...(fittedTo && { fittedTo }) },
    note: dstMovedNote(shaped.movedForDst, zone),
  };
}

/** What a plan reads: one history, or a service's metrics (one metric plans as its history alone). */
export type PlanSource = HistorySource | MetricSource[];

/** Everything `plan` computes before it writes: shared with fleets and `push`, which plans on the fly. */
export async function runPlan(source: PlanSource, options: RawOptions): Promise<PlanRun> {
  if (Array.isArray(source)) {
    checkMetrics(source, options);
    if (source.length === 1) return runPlan(source[0].history, metricOptions(options, source[0]));
    return runMetricsPlan(source, options);
  }
  const typed = parseSettings(options);
  const settings = capacitySettings(typed);
  const forecasted = await forecastFrom(source, typed);
  const { ingested, result, zone } = forecasted;
  const { forecast } = result;
  const { plan, schedule } = planFromForecast(forecast, settings);
  const figures = planFigures(plan, schedule);
  const warnings: Warning[] = [...ingested.warnings];
  const notes = [...ingested.notes, ...result.notes, ...calendarNotes(forecasted)];
  const assumed = assumedCapacityWarning(typed, settings, ingested.valueColumn);
  if (assumed) warnings.push(assumed);
  if (plan.cappedSteps > 0) warnings.push(cappedWarning(plan));
  const shaped = shape(schedule, typed, zone, (options as Partial<PlanOptions>).cronLimit);
  if (shaped.note) notes.push(shaped.note);
  const document = scheduleDocument({
    zone,
    schedule: shaped.schedule,
    shaped: shaped.record,
    settings,
    figures,
    history: ingested.series,
    source: sourceBlock(forecasted),
  });
  return { forecasted, settings, plan, schedule, shaped, figures, warnings, notes, document };
}

function cappedWarning(plan: CapacityPlan): Warning {
  return {
    code: 'max-servers',
    count: plan.cappedSteps,
    message: cappedText(plan.cappedSteps, plan.settings.maxServers, plan.stepMs),
  };
}

function sourceBlock({ ingested, result }: Forecasted): Record<string, unknown> {
  return {
    file: ingested.file,
    valueColumn: ingested.valueColumn,
    model: result.forecast.model,
    selection: result.selection?.reason,
    quantile: result.forecast.quantile,
  };
}

/**
 * Several metrics: every history read, cut to a common end, forecast and planned with the
 * service's settings under the metric's own; the service's servers the largest per step.
 */
async function runMetricsPlan(metrics: MetricSource[], options: RawOptions): Promise<PlanRun> {
  const typedOf = metrics.map((m) => parseSettings(metricOptions(options, m)));
  const histories: History[] = [];
  // One at a time: a metric from standard input is read once, and errors come in order.
  for (const [i, m] of metrics.entries()) {
    histories.push(await loadHistory(m.history, ingestOptions(typedOf[i])));
  }
  const aligned = alignHistories(
    metrics.map((m, i) => ({ name: m.name, series: histories[i].series })),
  );
  const runs: MetricRun[] = [];
  const warnings: Warning[] = [];
  const notes: string[] = [...aligned.notes];
  for (const [i, m] of metrics.entries()) {
    const forecasted = await forecastHistory(
      { ...histories[i], series: aligned.series[i] },
      typedOf[i],
    );
    const settings = capacitySettings(typedOf[i]);
    const plan = planCapacity(forecasted.result.forecast, settings);
    const { ingested, result } = forecasted;
    warnings.push(...ingested.warnings.map((w) => ({ ...w, message: `${m.name}: ${w.message}` })));
    notes.push(
      ...[...ingested.notes, ...result.notes].map((n) => `${m.name}: ${n}`),
      ...(i === 0 ? calendarNotes(forecasted) : []),
    );
    runs.push({
      name: m.name,
      source: typeof m.history === 'string' ? ingested.file : describeSource(m.history),
      settings,
      forecasted,
      plan,
      peakServers: maxOf(plan.servers),
      bindingSteps: 0,
    });
  }
  const combined = combineMetricPlans(
    runs.map((r) => ({ name: r.name, forecast: r.forecasted.result.forecast, plan: r.plan })),
  );
  runs.forEach((r, i) => {
    r.bindingSteps = combined.bindingSteps[i];
    if (combined.shortShare) r.expectedShortShare = combined.shortShare[i];
  });
  const { plan } = combined;
  const schedule = scheduleFromPlan(plan);
  const figures = planFigures(plan, schedule);
  if (plan.cappedSteps > 0) warnings.push(cappedWarning(plan));
  const [first] = runs;
  const shaped = shape(
    schedule,
    typedOf[0],
    first.forecasted.zone,
    (options as Partial<PlanOptions>).cronLimit,
  );
  if (shaped.note) notes.push(shaped.note);
  const document = scheduleDocument({
    zone: first.forecasted.zone,
    schedule: shaped.schedule,
    shaped: shaped.record,
    settings: plan.settings,
    figures,
    history: first.forecasted.ingested.series,
    source: sourceBlock(first.forecasted),
    metrics: {
      list: runs.map((r) => metricEntry(r)),
      binding: Array.from(combined.binding, (i) => runs[i].name),
    },
  });
  return {
    forecasted: first.forecasted,
    settings: plan.settings,
    plan,
    schedule,
    shaped,
    figures,
    warnings,
    notes,
    document,
    metrics: { runs, binding: combined.binding },
  };
}

/** A metric as schedule.json lists it. */
function metricEntry(r: MetricRun): Record<string, unknown> {
  const { ingested, result } = r.forecasted;
  const history = ingested.series.values.filter(Number.isFinite);
  return {
    name: r.name,
    source: r.source,
    valueColumn: ingested.valueColumn,
    model: result.forecast.model,
    capacityPerServer: r.settings.capacityPerServer,
    targetUtilization: r.settings.targetUtilization,
    peakForecast: maxOf(result.forecast.point),
    peakPlannedLoad: maxOf(r.plan.plannedLoad),
    ...(history.length > 0 && { historyPeak: maxOf(history) }),
    peakServers: r.peakServers,
    bindingSteps: r.bindingSteps,
    ...(r.expectedShortShare !== undefined && { expectedShortShare: r.expectedShortShare }),
  };
}
