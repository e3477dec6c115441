import { GuardrailError, UserError } from '../errors.js';
import { readScheduleDocument, type PlannedSchedule } from '../schedule/document.js';
import { staleHistoryMessage } from '../schedule/freshness.js';
import { describeMetrics, metricsFrom, type MetricSource } from '../settings/metrics.js';
import type { RawOptions } from '../settings/parse.js';
import { describeSource, namesRemoteSource, sourceFrom } from '../sources/registry.js';
import type { Warning } from '../types.js';
import { durationOrZero, parseDuration } from '../util/duration.js';
import * as kind from '../settings/kinds.js';
import { SETTINGS } from '../settings/table.js';
import { durationText } from '../schedule/shape.js';
import { readTextFile } from '../util/files.js';

// The schedule a push sends: a saved schedule.json, or a plan made now from a history (its flags
// are added to every push command by commands/schedule-input.ts).

export interface ScheduleSourceOptions extends RawOptions {
  /** A schedule.json written by `headroom plan`. */
  schedule?: string;
  /** A config service's metrics, already read from headroom.yaml (`--metric` gives strings). */
  metrics?: MetricSource[];
  maxStaleness: string;
  /** Push even when a guardrail objects. */
  force?: boolean;
}

/** How push shapes what it pushes (see {@link pushShaping}). */
export interface PushShaping {
  leadMs: number;
  minHoldMs: number;
  /**
   * A saved schedule `plan` shaped: push applies its steps as they are and refuses what the
   * target cannot hold. One planned now (already shaped) is fitted to the target if need be.
   */
  shaped: boolean;
}

/**
 * A schedule `plan` shaped (schedule.json's `shaped`, or one planned now) is pushed as it is: no
 * lead time added again, no dips filled again; --lead-time, --min-hold or --max-changes given
 * with other values than it was shaped with are refused (plan again with them). An older
 * schedule.json without `shaped` is shaped here with --lead-time and --min-hold, as before.
 * `explicit`: the flags given on the command line.
 */
export function pushShaping(
  source: ScheduleSource,
  options: ScheduleSourceOptions,
  explicit: ReadonlySet<string>,
): PushShaping {
  const leadMs = kind.durationOrZero(options.leadTime ?? SETTINGS.leadTime.default, '--lead-time');
  const minHoldMs = kind.durationOrZero(options.minHold ?? SETTINGS.minHold.default, '--min-hold');
  const { planned } = source;
  const record = planned.shaped;
  if (!record) {
    source.notes.push(
      `${planned.origin} does not say how it was shaped (written by an older headroom): push shapes it with --lead-time ${durationText(leadMs)} and --min-hold ${durationText(minHoldMs)} as before, so what is applied is not the file's entries; plan again to review the schedule that is applied`,
    );
    return { leadMs, minHoldMs, shaped: false };
  }
  const maxChanges = String(options.maxChanges ?? SETTINGS.maxChanges.default);
  const differs = [
    {
      key: 'leadTime',
      flag: '--lead-time',
      given: durationText(leadMs),
      planned: record.leadTime,
      same: leadMs === durationOrZero(record.leadTime),
    },
    {
      key: 'minHold',
      flag: '--min-hold',
      given: durationText(minHoldMs),
      planned: record.minHold,
      same: minHoldMs === durationOrZero(record.minHold),
    },
    {
      key: 'maxChanges',
      flag: '--max-changes',
      given: maxChanges,
      planned: String(record.maxChanges),
      same: Number(maxChanges) === record.maxChanges,
    },
  ].find((check) => explicit.has(check.key) && !check.same);
  if (differs) {
    const { flag, given } = differs;
    throw new UserError(
      `${flag} ${given}: ${planned.origin} was shaped by \`plan\` with ${flag} ${differs.planned}, and push applies it as it is`,
      `plan again with ${flag} ${given} and push that schedule, or drop ${flag}`,
    );
  }
  // Planned now, for this target: fitted further if the target needs fewer changes (it says so).
  return { leadMs: 0, minHoldMs: 0, shaped: source.saved };
}

export interface ScheduleSource {
  planned: PlannedSchedule;
  /** From --schedule (a file someone may have reviewed), not planned now. */
  saved: boolean;
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
    return { planned: readScheduleDocument(data, file), saved: true, warnings: [], notes: [] };
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
    saved: false,
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
      stale.future
        ? `${planned.origin}: ${stale.message}`
        : `${planned.origin}: ${stale.message}; pushing it would keep an old pattern in place`,
      stale.future
        ? "correct or drop the rows stamped after now and plan again (is the history's time zone right?), or push it anyway with --force"
        : 'plan again from fresh data (is the export that feeds it still running?), raise --max-staleness, or push it anyway with --force',
    );
  }
  source.warnings.push({
    code: 'stale-history',
    count: 1,
    message: `${planned.origin}: ${stale.message}; pushed anyway (--force)`,
  });
}
