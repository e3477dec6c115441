/**
 * `plan` as a run: read the history, forecast, size the servers, build the schedule and its
 * document. Returns data; commands print it, reports write it, fleets and `push` reuse it.
 */
import { planFigures } from '../capacity/figures.js';
import { planFromForecast } from '../pipeline.js';
import { scheduleDocument } from '../schedule/document.js';
import { assumedCapacityNote, capacitySettings, type RawOptions } from '../settings/parse.js';
import type { Warning } from '../types.js';
import { calendarNotes, forecastFrom } from './forecast.js';
import { type HistorySource } from '../sources/registry.js';

export type PlanRun = Awaited<ReturnType<typeof runPlan>>;

/** What a plan is run and written with: the plan settings as flags give them, and the reports' options. */
export interface PlanOptions extends RawOptions {
  outDir: string;
  /** A label for charts and the summary, e.g. "requests/h". */
  unit?: string;
  /** `--no-charts` (or `charts: false` in headroom.yaml): write no PNGs. Default: drawn. */
  charts?: boolean;
  /** Warn when the history's last timestamp is older than this (default 2d): `push` refuses it. */
  maxStaleness?: string;
}

/** Everything `plan` computes before it writes: shared with fleets and `push`, which plans on the fly. */
export async function runPlan(source: HistorySource, options: RawOptions) {
  const settings = capacitySettings(options);
  const forecasted = await forecastFrom(source, options);
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
