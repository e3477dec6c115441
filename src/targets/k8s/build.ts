import { DateTime } from 'luxon';
import { UserError } from '../../errors.js';
import type { PlannedSchedule } from '../../schedule/document.js';
import {
  timelineFromSchedule,
  withLeadTime,
  type Segment,
  type Timeline,
} from '../../schedule/timeline.js';
import { refuseEndedPlan } from '../../schedule/ended.js';
import { clock, cronExpression, cronRules } from '../../schedule/weekly.js';
import { formatDuration } from '../../util/duration.js';
import type { PruneSpec } from './apply.js';
import { cronFirings } from './cron.js';
import { lastAtOrBefore } from '../../util/sorted.js';
import { floorCronJobs, floorObjectNames, type FloorChange } from './cronjob.js';
import { horizontalPodAutoscaler } from './hpa.js';
import { scaledObject, type KeptObject } from './keda.js';
import { checkObjects, renderYaml, type KubeObject, type Manifest } from './manifest.js';
import { HPA_LABEL, labelValue, MANAGED_BY, type Target } from './names.js';
import { coversLocalWeek } from '../../schedule/weekly.js';
import { datedShape, weeklyShape, type DatedShape, type WeeklyShape } from './shape.js';
import {
  compareTimelines,
  cronJobReplicas,
  kedaReplicas,
  profileReplicas,
  type Comparison,
} from './verify.js';
import {
  bandsOf,
  datedWindows,
  daysTag,
  daysText,
  floorOf,
  wallNotBefore,
  weeklyWindows,
  type CronWindow,
} from './windows.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export { K8S_FORMATS, type K8sFormat } from './names.js';
import type { K8sFormat } from './names.js';
import { maxOf, minOf } from '../../util/extremes.js';

export interface K8sPushInput {
  format: K8sFormat;
  planned: PlannedSchedule;
  /** Zone of the cron times (IANA). */
  zone: string;
  leadMs: number;
  minHoldMs: number;
  /**
   * `plan` shaped the schedule (see run/schedule.ts pushShaping): its steps become the objects
   * as they are, and a schedule that needs more than --max-triggers is refused, not fitted.
   */
  shaped?: boolean;
  target: Target;
  /** Name of the ScaledObject or HPA. */
  name: string;
  namespace: string;
  /** cronjob: the HPA whose minReplicas the CronJobs set. */
  hpa: string;
  /** keda: most cron triggers; cronjob: most CronJobs. */
  maxCount: number;
  /** Defaults to the plan's --max-servers, else twice its peak. */
  maxReplicas?: number;
  /** Dated windows for the plan's own dates instead of a weekly repeat. */
  oneOff: boolean;
  kept?: KeptObject;
  /** hpa: utilisation targets in percent (0 leaves one out). */
  cpu: number;
  memory: number;
  /** cronjob: the kubectl image of the jobs. */
  image: string;
  /**
   * The clock: a plan pushed on its own dates (keda, cronjob) that ended before it is refused;
   * the note on which floor applies now (cronjob). Without it, neither.
   */
  now?: number;
}

export interface K8sPush {
  format: K8sFormat;
  mode: 'weekly' | 'dated' | 'none';
  manifests: Manifest[];
  objects: KubeObject[];
  yaml: string;
  floor: number;
  maxReplicas: number;
  peak: number;
  /** keda: the cron windows; cronjob: the floor changes. */
  windows: CronWindow[];
  changes: FloorChange[];
  /** How the objects hold the plan: server-hours of the plan and extra over it. */
  coverage?: { planServerHours: number; extraServerHours: number; extraPercent: number };
  notes: string[];
  /** cronjob: what --apply deletes afterwards (CronJobs of an earlier plan). */
  prune?: PruneSpec;
}

function fail(problem: string, hint?: string): never {
  throw new UserError(problem, hint);
}

/**
 * Checks the objects against the plan: over the plan's period the replicas they hold, evaluated
 * as KEDA or the CronJob controller would (cron in the zone, DST included), must never be below
 * the lead-time-adjusted plan; for a weekly repeat, also over the year ahead against the weekly
 * profile. A shortfall is a bug in headroom, not a user error.
 */
function verify(
  actual: (from: number, to: number) => Timeline,
  required: Timeline,
  plan: Timeline,
  shape: WeeklyShape | DatedShape,
  zone: string,
) {
  const from = required.steps[0].start;
  const to = required.end;
  const check = (comparison: Comparison, against: string) => {
    const short = comparison.short[0];
    if (short) {
      const at = DateTime.fromMillis(short.start, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
      throw new Error(
        `the objects would hold ${short.have} replicas at ${at} where ${against} needs ${short.need} (${comparison.short.length} stretch(es) short)`,
      );
    }
  };
  const held = actual(from, to);
  check(compareTimelines(held, required, from, to), 'the plan (after lead time)');
  if (shape.kind === 'weekly') {
    const yearEnd = from + 365 * DAY_MS;
    const profile = profileReplicas(shape.profile, from, yearEnd);
    check(compareTimelines(actual(from, yearEnd), profile, from, yearEnd), 'the weekly profile');
  }
  const cost = compareTimelines(held, plan, from, to);
  const planServerHours = cost.requiredMs / HOUR_MS;
  const extraServerHours = cost.extraMs / HOUR_MS;
  return {
    planServerHours: Math.round(planServerHours * 10) / 10,
    extraServerHours: Math.round(extraServerHours * 10) / 10,
    extraPercent:
      planServerHours > 0 ? Math.round((extraServerHours / planServerHours) * 1000) / 10 : 0,
  };
}

/** The weekly floor changes as CronJob rules. */
function weeklyChanges(shape: WeeklyShape): FloorChange[] {
  return cronRules(shape.profile).map((rule) => ({
    tag: `${daysTag(rule.days)}-${clock(rule.minuteOfDay).replace(':', '')}`,
    schedule: cronExpression(rule),
    replicas: rule.capacity,
    description: `${daysText(rule.days)} ${clock(rule.minuteOfDay)}`,
  }));
}

/**
 * The dated floor changes: one per step of the plan, and one back to the floor when the plan
 * ends. A fall fires no earlier than planned, even in a DST fold.
 */
function datedChanges(shape: DatedShape, zone: string, floor: number): FloorChange[] {
  const steps: { at: number; replicas: number }[] = shape.segments.map((s) => ({
    at: s.start,
    replicas: s.capacity,
  }));
  if (steps[steps.length - 1].replicas !== floor) steps.push({ at: shape.end, replicas: floor });
  return steps.map((step, i) => {
    const falls = i > 0 && step.replicas < steps[i - 1].replicas;
    const local = falls
      ? wallNotBefore(step.at, zone)
      : (() => {
          const d = DateTime.fromMillis(step.at, { zone });
          return { year: d.year, month: d.month, day: d.day, minute: d.hour * 60 + d.minute };
        })();
    const date = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
    return {
      tag: `${date.replace(/-/g, '')}-${clock(local.minute).replace(':', '')}`,
      schedule: `${local.minute % 60} ${Math.floor(local.minute / 60)} ${local.day} ${local.month} *`,
      replicas: step.replicas,
      description: `${date} ${clock(local.minute)}`,
    };
  });
}

function countWindows(zone: string) {
  return (segments: Segment[], circular: boolean) => {
    const floor = floorOf(segments);
    return circular
      ? weeklyWindows({ timezone: zone, segments }, floor).length
      : datedWindows(bandsOf(segments, floor, false), zone).length;
  };
}

function countChanges(zone: string) {
  return (segments: Segment[], circular: boolean) =>
    circular
      ? cronRules({ timezone: zone, segments }).length
      : segments.length + (segments[segments.length - 1].capacity === floorOf(segments) ? 0 : 1);
}

/** A timeline fitted into at most `maxCount` cron objects of `format`, weekly or dated. */
function cronShape(
  timeline: Timeline,
  zone: string,
  format: 'keda' | 'cronjob',
  minHoldMs: number,
  maxCount: number,
  dated: boolean,
): WeeklyShape | DatedShape {
  const options = {
    minHoldMs,
    maxCount,
    count: format === 'keda' ? countWindows(zone) : countChanges(zone),
    semantics: format,
  };
  return dated ? datedShape(timeline, options) : weeklyShape(timeline, zone, options);
}

/** The changes a fitted shape keeps, as --max-changes counts them. */
function changesOf(shape: WeeklyShape | DatedShape): number {
  return shape.kind === 'weekly' ? cronRules(shape.profile).length : shape.segments.length;
}

/**
 * How many cron objects (KEDA windows or CronJobs) a shaped timeline needs in `format`, and, when
 * more than `maxCount`, how many changes it keeps once fitted to that many: the `--max-changes`
 * to plan with. `plan` asks this for a service with a push.k8s block.
 */
export function cronObjectsNeeded(
  timeline: Timeline,
  zone: string,
  format: 'keda' | 'cronjob',
  minHoldMs: number,
  maxCount: number,
): { count: number; fittedChanges?: number } {
  const dated = !coversLocalWeek(timeline.steps[0].start, timeline.end, zone);
  const fit = (limit: number) => cronShape(timeline, zone, format, minHoldMs, limit, dated);
  const { count } = fit(Infinity);
  return count <= maxCount ? { count } : { count, fittedChanges: changesOf(fit(maxCount)) };
}

/** What every format starts from: the plan with and without lead time, and the shared parts. */
interface Common {
  input: K8sPushInput;
  plan: Timeline;
  timeline: Timeline;
  peak: number;
  maxReplicas: number;
  notes: string[];
  annotations: Record<string, string>;
  header: string[];
}

/** The plan fitted into at most --max-triggers cron objects, weekly or on its own dates. */
interface Fitted {
  shape: WeeklyShape | DatedShape;
  floor: number;
}

/**
 * Turns a plan into Kubernetes objects for one format, validated, checked against the plan, and
 * rendered as YAML. Pure: no files, no cluster.
 */
export function buildK8sPush(input: K8sPushInput): K8sPush {
  const common = commonParts(input);
  if (input.format === 'hpa') return buildHpa(common);
  const fitted = fitShape(common);
  return input.format === 'keda' ? buildKeda(common, fitted) : buildCronJobs(common, fitted);
}

function commonParts(input: K8sPushInput): Common {
  const { planned, zone, format } = input;
  const plan = timelineFromSchedule(planned.schedule);
  const timeline = withLeadTime(plan, input.leadMs);
  const peak = maxOf(planned.schedule.entries.map((e) => e.capacity));
  const maxReplicas = input.maxReplicas ?? planned.maxServers ?? Math.max(1, 2 * peak);
  if (maxReplicas < peak) {
    fail(
      `--max-replicas ${maxReplicas} is below the plan's peak of ${peak} replicas`,
      `give at least ${peak}, or plan with --max-servers ${maxReplicas}`,
    );
  }
  // Lead time added here (an older schedule.json), or the one `plan` shaped the steps with.
  const lead = input.leadMs > 0 ? formatDuration(input.leadMs) : (planned.shaped?.leadTime ?? '0');
  const annotations: Record<string, string> = {
    'headroom/plan': `${planned.document.start}/${planned.document.end}`,
  };
  if (format !== 'hpa') annotations['headroom/lead-time'] = lead;
  const header = [
    ` headroom push k8s --format ${format}: ${input.target.kind.toLowerCase()}/${input.target.name} in namespace ${input.namespace}`,
    ` plan ${planned.document.start} – ${planned.document.end}${format === 'hpa' ? '' : `, cron times in ${zone}, lead time ${lead}`}`,
  ];
  return { input, plan, timeline, peak, maxReplicas, notes: [], annotations, header };
}

function buildHpa(common: Common): K8sPush {
  const { input, notes, maxReplicas, peak, header } = common;
  const lowest = minOf(input.planned.schedule.entries.map((e) => e.capacity));
  const minReplicas = Math.max(1, lowest);
  if (lowest < 1) notes.push('an HPA needs minReplicas of at least 1: the plan asks for 0');
  notes.push(
    `an HPA alone follows no schedule: minReplicas ${minReplicas} (the plan's lowest), maxReplicas ${maxReplicas}; ` +
      `the plan's peak of ${peak} comes only from CPU/memory. For floors by time of day add --format cronjob, or use --format keda`,
  );
  const manifests = [
    horizontalPodAutoscaler({
      target: input.target,
      name: input.name,
      namespace: input.namespace,
      minReplicas,
      maxReplicas,
      cpu: input.cpu,
      memory: input.memory,
      annotations: common.annotations,
    }),
  ];
  header.push(` minReplicas ${minReplicas} (the plan's lowest), maxReplicas ${maxReplicas}`);
  return finish(common, { manifests, floor: minReplicas, mode: 'none' });
}

/** Weekly, or dated for --one-off and plans under a week (refused once ended); then fitted. */
function fitShape(common: Common): Fitted {
  const { input, timeline, notes, header } = common;
  const { planned, zone, format } = input;
  const span = planned.schedule.end - planned.schedule.start;
  const dated =
    input.oneOff || !coversLocalWeek(planned.schedule.start, planned.schedule.end, zone);
  if (dated && input.now !== undefined) {
    const weekly = coversLocalWeek(planned.schedule.start, planned.schedule.end, zone);
    refuseEndedPlan(
      timeline.end,
      input.now,
      'its dated cron windows would only fire again next year, on the same dates (cron has no year)',
      weekly
        ? 'plan again from fresh data, or drop --one-off to repeat this plan weekly'
        : 'plan again from fresh data',
    );
  }
  if (dated)
    header.push(
      ' cron has no year: these dates come back every year; push again before the plan ends',
    );
  if (dated && !input.oneOff) {
    notes.push(
      `the plan covers ${formatDuration(span)}, less than a week: dated windows for its own dates (cron has no year; push again before the plan ends)`,
    );
  }
  const cronFormat = format === 'keda' ? 'keda' : 'cronjob';
  const fit = (maxCount: number) =>
    cronShape(timeline, zone, cronFormat, input.minHoldMs, maxCount, dated);
  const shape = fit(input.shaped ? Infinity : input.maxCount);
  notes.push(...shape.notes);
  const segments = shape.kind === 'weekly' ? shape.profile.segments : shape.segments;
  const floor = floorOf(segments);
  if (shape.count > input.maxCount && input.shaped) {
    const unit = format === 'keda' ? 'cron windows' : 'CronJobs';
    // What fitting this schedule to the limit would keep: the --max-changes to plan with.
    const fitted = fit(input.maxCount);
    fail(
      `${planned.origin}: its ${planned.shaped?.changes ?? segments.length} changes need ${shape.count} ${unit}, more than --max-triggers ${input.maxCount}; push applies a planned schedule as it is, without fitting it`,
      fitted.count <= input.maxCount
        ? `plan it with fewer changes and push that schedule.json: headroom plan … --max-changes ${changesOf(fitted)} (this schedule fitted to ${changesOf(fitted)} changes needs ${fitted.count} ${unit}), or raise --max-triggers`
        : `raise --max-triggers: even one change a week needs more than ${input.maxCount} ${unit}`,
    );
  }
  if (shape.count > input.maxCount) {
    notes.push(
      `needs ${shape.count} cron objects, more than --max-triggers ${input.maxCount}, even at the coarsest fit`,
    );
  }
  return { shape, floor };
}

function buildKeda(common: Common, { shape, floor }: Fitted): K8sPush {
  const { input, notes, maxReplicas } = common;
  const zone = input.zone;
  const windows =
    shape.kind === 'weekly'
      ? weeklyWindows(shape.profile, floor)
      : datedWindows(bandsOf(shape.segments, floor, false), zone);
  if (windows.length === 0 && !(input.kept?.triggers.length ?? 0)) {
    fail(
      `the plan holds ${floor} replicas throughout: there is no window to schedule, and a ScaledObject needs at least one trigger`,
      `use --format hpa (minReplicas ${floor}), or keep your reactive triggers with --keep-triggers FILE`,
    );
  }
  const built = scaledObject({
    target: input.target,
    name: input.name,
    namespace: input.namespace,
    zone,
    floor,
    maxReplicas,
    windows,
    kept: input.kept,
    annotations: common.annotations,
  });
  notes.push(...built.notes);
  const coverage = verify(
    (from, to) => kedaReplicas({ floor, max: maxReplicas, triggers: windows, zone }, from, to),
    common.timeline,
    common.plan,
    shape,
    zone,
  );
  common.header.push(
    ` minReplicaCount ${floor} (the plan's floor), maxReplicaCount ${maxReplicas}; ${windows.length} cron window(s) ${shape.kind === 'weekly' ? 'repeating weekly' : 'on dates'}; +${coverage.extraPercent}% server-hours over the plan`,
  );
  return finish(common, {
    manifests: [built.manifest],
    floor,
    mode: shape.kind,
    windows,
    coverage,
  });
}

function buildCronJobs(common: Common, { shape, floor }: Fitted): K8sPush {
  const { input, notes } = common;
  const zone = input.zone;
  const changes = shape.kind === 'weekly' ? weeklyChanges(shape) : datedChanges(shape, zone, floor);
  const manifests = floorCronJobs({
    target: input.target,
    hpa: input.hpa,
    namespace: input.namespace,
    zone,
    changes,
    image: input.image,
    annotations: common.annotations,
  });
  const coverage = verify(
    (from, to) =>
      cronJobReplicas(
        { rules: changes.map((c) => ({ schedule: c.schedule, replicas: c.replicas })), zone },
        from,
        to,
      ),
    common.timeline,
    common.plan,
    shape,
    zone,
  );
  const names = floorObjectNames(
    input.hpa,
    changes.map((c) => c.tag),
  );
  notes.push(
    `the HPA ${input.namespace}/${input.hpa} must exist and allow the plan's peak: maxReplicas ≥ ${common.peak}; keep minReplicas out of any manifest you apply to it (the CronJobs own it)`,
  );
  if (input.now !== undefined) {
    const current = currentChange(changes, zone, input.now);
    if (current !== undefined) {
      const job = names.cronJobs[current];
      notes.push(
        `the floor changes at the next scheduled time; to set it now (${changes[current].replicas}): kubectl create job -n ${input.namespace} --from=cronjob/${job} ${job.slice(0, 48)}-now`,
      );
    }
  }
  common.header.push(
    ` ${changes.length} CronJob(s) setting minReplicas of HPA ${input.hpa} between ${floor} and ${maxOf(changes.map((c) => c.replicas))}; +${coverage.extraPercent}% server-hours over the plan`,
  );
  return finish(common, {
    manifests,
    floor,
    mode: shape.kind,
    changes,
    coverage,
    prune: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      resource: 'cronjobs.batch',
      namespace: input.namespace,
      labelSelector: `${MANAGED_BY}=headroom,${HPA_LABEL}=${labelValue(input.hpa)}`,
      keep: names.cronJobs,
    },
  });
}

function finish(
  common: Common,
  result: {
    manifests: Manifest[];
    floor: number;
    mode: K8sPush['mode'];
    windows?: CronWindow[];
    changes?: FloorChange[];
    coverage?: K8sPush['coverage'];
    prune?: PruneSpec;
  },
): K8sPush {
  const objects = checkObjects(result.manifests);
  return {
    format: common.input.format,
    mode: result.mode,
    manifests: result.manifests,
    objects,
    yaml: renderYaml(result.manifests, common.header),
    floor: result.floor,
    maxReplicas: common.maxReplicas,
    peak: common.peak,
    windows: result.windows ?? [],
    changes: result.changes ?? [],
    ...(result.coverage && { coverage: result.coverage }),
    notes: common.notes,
    ...(result.prune && { prune: result.prune }),
  };
}

/** The index of the change whose time passed last before `now` (what the floor is now). */
function currentChange(changes: FloorChange[], zone: string, now: number): number | undefined {
  let best: { index: number; at: number } | undefined;
  changes.forEach((change, index) => {
    const at = lastAtOrBefore(cronFirings(change.schedule, zone, now - 8 * DAY_MS, now), now);
    if (at !== undefined && (!best || at > best.at)) best = { index, at };
  });
  return best?.index;
}
