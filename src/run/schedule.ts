import { GuardrailError, UserError } from '../errors.js';
import { readScheduleDocument, type PlannedSchedule } from '../schedule/document.js';
import { staleHistoryMessage } from '../schedule/freshness.js';
import { describeMetrics, metricsFrom, type MetricSource } from '../settings/metrics.js';
import type { RawOptions } from '../settings/parse.js';
import { describeSource, namesRemoteSource, sourceFrom } from '../sources/registry.js';
import type { Warning } from '../types.js';
import { durationOrZero, parseDuration } from '../util/duration.js';
import { readTextFile } from '../util/files.js';

// The schedule a push sends: a saved schedule.json, or a plan made now from a history (its flags
// are added to every push command by commands/schedule-input.ts).

export interface ScheduleSourceOptions extends RawOptions {
  /** A schedule.json written by `headroom plan`. */
  schedule?: string;
  /** A config service's metrics, already read from headroom.yaml (`--metric` gives strings). */
  metrics?: MetricSource[];
  leadTime: string;
  minHold: string;
  maxStaleness: string;
  /** Push even when a guardrail objects. */
  force?: boolean;
}

/** --lead-time and --min-hold in milliseconds. */
export function shapeOptions(options: ScheduleSourceOptions) {
  return {
    leadMs: durationOrZero(options.leadTime, '--lead-time'),
    minHoldMs: durationOrZero(options.minHold, '--min-hold'),
  };
}

export interface ScheduleSource {
  planned: PlannedSchedule;
  warnings: Warning[];
  notes: string[];
}

/** The schedule to push: read from --schedule, or planned now from a CSV history. */
export async function scheduleSource(
  csv: string | undefined,
  options: ScheduleSourceOptions,
): Promise<ScheduleSource> {
  const remote =
    namesRemoteSource(options) ||
    (options.metric ?? []).length > 0 ||
    options.metrics !== undefined;
  if ((csv || remote) && options.schedule) {
    throw new UserError(
      `give either ${csv ? 'a CSV' : 'a source'} to plan from or --schedule, not both`,
      'drop the CSV to push the saved schedule, or drop --schedule to plan afresh',
    );
  }
  if (options.schedule) {
    const file = options.schedule;
    const text = await readTextFile(
      file,
      'the schedule',
      'run `headroom plan <csv>` first; it writes reports/schedule.json',
    );
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new UserError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    return { planned: readScheduleDocument(data, file), warnings: [], notes: [] };
  }
  if (!csv && !remote) {
    throw new UserError(
      'nothing to push: give a CSV history (or --prometheus) to plan from, or --schedule reports/schedule.json',
    );
  }
  const source = options.metrics ?? metricsFrom(csv, options) ?? sourceFrom(csv, options);
  const origin = Array.isArray(source) ? describeMetrics(source) : describeSource(source);
  const { runPlan } = await import('./plan.js');
  const planned = await runPlan(source, options);
  return {
    planned: readScheduleDocument(planned.document, origin),
    warnings: planned.warnings,
    notes: planned.notes,
  };
}

/**
 * Refuses (exit 4) to push a plan learned from a history whose last timestamp is more than
 * --max-staleness before `now`, unless --force, which pushes it with a warning. A schedule.json
 * that does not say where its history ends (one written by hand) is not checked.
 */
export function refuseStaleHistory(
  source: ScheduleSource,
  options: ScheduleSourceOptions,
  now: number,
) {
  const { planned } = source;
  if (planned.historyEnd === undefined) return;
  const maxMs = parseDuration(options.maxStaleness, '--max-staleness');
  const history = {
    end: planned.historyEnd,
    stepMs: planned.schedule.stepMs,
    zone: planned.timezone,
  };
  const stale = staleHistoryMessage(history, now, maxMs);
  if (!stale) return;
  if (!options.force) {
    throw new GuardrailError(
      `${planned.origin}: ${stale}; pushing it would keep an old pattern in place`,
      'plan again from fresh data (is the export that feeds it still running?), raise --max-staleness, or push it anyway with --force',
    );
  }
  source.warnings.push({
    code: 'stale-history',
    count: 1,
    message: `${planned.origin}: ${stale}; pushed anyway (--force)`,
  });
}
