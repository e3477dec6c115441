import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import cliProgress from 'cli-progress';
import { loadConfig, type Service } from '../config/load.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { withMaskedExcerpts } from '../util/excerpt.js';
import { runFleet, type ServiceOutcome, type ServiceTask } from '../fleet/run.js';
import {
  fleetFingerprint,
  planningSettings,
  PART_FORMAT,
  parseShard,
  type Shard,
  partFileName,
  shardName,
  tasksOfShard,
  type FleetPart,
  type PartOutcome,
} from '../fleet/shard.js';
import { DEFAULT_MAX_SERIES, splitLongCsv } from '../fleet/split.js';
import { withScratchFolders } from '../util/scratch.js';
import { spoolStandardInput, STDIN } from '../ingest/index.js';
import { wholeNumber } from '../settings/parse.js';
import { writeFilesAtomically } from '../report/atomic.js';
import {
  appliedChanges,
  fleetHtml,
  fleetMarkdown,
  plannedStatus,
  type FleetEntry,
  type PlanJson,
} from '../report/fleet.js';
import { table, type CommandOutput } from './output.js';
import type { PlanOptions } from './plan.js';
import type { CronLimit } from '../run/plan.js';
import { K8S_DEFAULT_MAX_TRIGGERS } from '../targets/k8s/definition.js';
import { planValuesOf } from '../config/service-settings.js';
import { STALE_HISTORY } from '../schedule/freshness.js';
import type { Warning } from '../types.js';

export interface FleetOptions extends PlanOptions {
  config?: string;
  workers?: string;
  /** `i/n`: plan only the i-th of n parts of the fleet (see src/fleet/shard.ts). */
  shard?: string;
  quiet?: boolean;
  /** `--allow-outside-config-dir`: the config may name files outside its folder. */
  allowOutsideConfigDir?: boolean;
  /** Most series a long-format file may split into (default DEFAULT_MAX_SERIES). */
  maxSeries?: string;
}

/** A service's `plan` options: flag defaults, then the config file, then flags given explicitly. */
export function serviceOptions(
  service: Service,
  defaults: FleetOptions,
  explicit: ReadonlySet<string>,
  outDir: string,
): PlanOptions {
  const fromFile = planValuesOf(service);
  const fromFlags = Object.fromEntries(
    Object.entries(defaults).filter(([key]) => explicit.has(key)),
  );
  return { ...defaults, ...fromFile, ...fromFlags, outDir, ...cronLimitOf(service) } as PlanOptions;
}

/**
 * A service pushed to Kubernetes is planned to fit its cron objects (KEDA windows or CronJobs),
 * so that the schedule.json reviewed is the one `push k8s` applies.
 */
function cronLimitOf(service: Service): { cronLimit?: CronLimit } {
  const block = service.push?.k8s as { format?: string; maxTriggers?: number } | undefined;
  if (!block) return {};
  const format = block.format ?? 'keda';
  if (format !== 'keda' && format !== 'cronjob') return {};
  return { cronLimit: { format, maxTriggers: block.maxTriggers ?? K8S_DEFAULT_MAX_TRIGGERS } };
}

const shorten = (text: string, most: number) =>
  text.length <= most ? text : `${text.slice(0, most - 1)}…`;

/** A series name as a folder name: never `.`, `..` or hidden, so a report stays in --out-dir. */
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '') || 'series';

async function tasksFor(
  services: Service[],
  defaults: FleetOptions,
  explicit: ReadonlySet<string>,
  reports: string,
  scratch: () => Promise<string>,
  maxSeries: number | undefined,
): Promise<ServiceTask[]> {
  const tasks: ServiceTask[] = [];
  // Names are folders and, for shards and merges, keys: two series that slug alike would collide.
  const origins = new Map<string, string>();
  const add = (task: ServiceTask, origin: string) => {
    const other = origins.get(task.name);
    if (other !== undefined) {
      throw new UserError(
        `two services would be named '${task.name}': ${other} and ${origin}`,
        'rename a service in the config, or the series in the file',
      );
    }
    origins.set(task.name, origin);
    tasks.push(task);
  };
  for (const service of services) {
    const column = explicit.has('seriesColumn') ? defaults.seriesColumn : service.seriesColumn;
    const one = explicit.has('series') ? defaults.series : service.series;
    // A long file with `series:` is one service: its ingest reads that series alone.
    if (!column || one !== undefined) {
      const options = serviceOptions(service, defaults, explicit, join(reports, service.name));
      add({ name: service.name, history: service.history, options }, `service '${service.name}'`);
      continue;
    }
    const file = service.history as string; // seriesColumn is only allowed beside data
    const label = service.label ?? file;
    let parts: Awaited<ReturnType<typeof splitLongCsv>>;
    try {
      parts = await splitLongCsv(file, column, await scratch(), {
        maxSeries: maxSeries ?? service.maxSeries ?? DEFAULT_MAX_SERIES,
        label,
      });
    } catch (error) {
      // A long file that will not split fails as its service, as bad data does; the rest plan.
      if (!(error instanceof UserError) || !service.name) throw error;
      const options = serviceOptions(service, defaults, explicit, join(reports, service.name));
      const failure = `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`;
      add({ name: service.name, history: file, options, failure }, `service '${service.name}'`);
      continue;
    }
    for (const [series, file] of parts) {
      // From the command line (no service name), each series is named by itself.
      const name = service.name ? `${service.name}-${slug(series)}` : slug(series);
      const options = serviceOptions(service, defaults, explicit, join(reports, name));
      const task = { ...options, seriesColumn: undefined, series: undefined };
      add(
        { name, history: file, label: `${label}, series ${series}`, options: task },
        `series '${series}' of ${label}`,
      );
    }
  }
  return tasks;
}

function progressReporter(total: number, quiet: boolean) {
  const stream = process.stderr;
  if (quiet) return { done: () => undefined, stop: () => undefined };
  if (stream.isTTY && !process.env.NO_COLOR && !process.env.CI) {
    const bar = new cliProgress.SingleBar(
      { format: 'planning {bar} {value}/{total} services | {last}', stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { last: '' });
    return {
      done: (o: ServiceOutcome, n: number) =>
        bar.update(n, { last: `${o.ok ? 'ok' : 'FAILED'} ${o.name}` }),
      stop: () => bar.stop(),
    };
  }
  return {
    done: (o: ServiceOutcome, n: number) => {
      const summary = o.json?.summary as PlanJson['summary'] | undefined;
      const what =
        o.ok && summary
          ? `${summary.minServers}–${summary.peakServers} servers, ${appliedChanges({ summary, shaped: o.json?.shaped as PlanJson['shaped'] })} changes`
          : (o.error ?? '').split('\n')[0];
      stream.write(
        `[${n}/${total}] ${o.ok ? 'ok    ' : 'FAILED'} ${o.name}: ${what} (${o.seconds.toFixed(1)} s)\n`,
      );
    },
    stop: () => undefined,
  };
}

/** The overview table's rows, for a whole fleet, a shard or a merge. */
export function fleetRows(
  outcomes: readonly Pick<
    ServiceOutcome,
    'name' | 'ok' | 'seconds' | 'json' | 'error' | 'warnings'
  >[],
) {
  return outcomes.map((o) => {
    const summary = o.json?.summary as PlanJson['summary'] | undefined;
    return o.ok && summary
      ? [
          o.name,
          plannedStatus(o.warnings),
          `${summary.minServers}–${summary.peakServers}`,
          appliedChanges({ summary, shaped: o.json?.shaped as PlanJson['shaped'] }),
          `${o.seconds.toFixed(1)} s`,
        ]
      : [o.name, 'FAILED', '–', '–', shorten((o.error ?? '').split('\n')[0], 90)];
  });
}

export const FLEET_COLUMNS = ['service', 'status', 'servers', 'changes', 'time'];

/** A path as short as it can be said from here. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * Up to this many services, index.html carries its charts inside it; above, it links each
 * service's PNGs beside it (two charts are about 0.3 MB: a thousand services inlined would be a
 * 360 MB page that browsers choke on, near V8's largest string).
 */
export const INLINE_CHARTS_UP_TO = 50;

/** A chart's `src` on the fleet page at `pageDir`, or undefined when the PNG is not there. */
export async function chartSource(
  png: string,
  pageDir: string,
  inline: boolean,
): Promise<string | undefined> {
  try {
    if (inline) return `data:image/png;base64,${(await readFile(png)).toString('base64')}`;
    await access(png);
    return relative(pageDir, png).split(sep).join('/');
  } catch {
    return undefined;
  }
}

async function serviceCharts(outcome: ServiceOutcome, pageDir: string, inline: boolean) {
  const files = (outcome.json?.files as string[] | undefined) ?? [];
  const source = async (suffix: string) => {
    const file = files.find((f) => f.endsWith(suffix));
    return file ? chartSource(file, pageDir, inline) : undefined;
  };
  return { forecast: await source('forecast.png'), plan: await source('plan.png') };
}

/**
 * Whether a service was planned with `--no-charts`: its plan output says `charts: false`
 * (plans from before the flag say nothing, and drew their charts).
 */
export const planWithoutCharts = (plan: Record<string, unknown> | undefined) =>
  plan?.charts === false;

/** The JSON of one service in `--json` output. */
export const serviceJson = (
  o: Pick<ServiceOutcome, 'name' | 'ok' | 'seconds' | 'json' | 'error' | 'warnings'>,
) => ({
  name: o.name,
  ok: o.ok,
  seconds: o.seconds,
  ...(o.ok ? { plan: o.json } : { error: o.error }),
  warnings: o.warnings,
});

/**
 * Plans every service of a headroom.yaml in parallel and writes one report page for them all;
 * with `--shard i/n`, only the i-th of n parts of the fleet, and a part file for `report --merge`.
 */
export function planFleetCommand(
  configPath: string,
  options: FleetOptions,
  explicit: ReadonlySet<string>,
): Promise<CommandOutput> {
  // The config names the files: what they hold is quoted only masked (see util/excerpt.ts).
  return withMaskedExcerpts(() => planFleet(configPath, options, explicit));
}

async function planFleet(
  configPath: string,
  options: FleetOptions,
  explicit: ReadonlySet<string>,
): Promise<CommandOutput> {
  const loaded = await loadConfig(configPath, {
    allowOutside: Boolean(options.allowOutsideConfigDir),
  });
  const base = dirname(resolve(configPath));
  const reportsSetting = explicit.has('outDir') ? options.outDir : loaded.config.reports;
  const reports = isAbsolute(reportsSetting) ? reportsSetting : resolve(base, reportsSetting);
  return planServices(loaded.path, async () => loaded.services, reports, options, explicit);
}

/**
 * `headroom plan long.csv --series-column service`: each series of a long-format file (or of
 * standard input, `-`) planned as a service of its own, as a fleet: reports/<series>/ and the
 * fleet's index.html and summary.md in --out-dir.
 */
export function planLongCsvCommand(
  csv: string,
  options: FleetOptions,
  explicit: ReadonlySet<string>,
): Promise<CommandOutput> {
  const label = csv === STDIN ? 'standard input' : csv;
  const service = async (scratch: () => Promise<string>): Promise<Service[]> => {
    let file = resolve(csv);
    if (csv === STDIN) {
      file = join(await scratch(), 'standard-input.csv');
      await spoolStandardInput(file);
    }
    return [{ name: '', data: csv, history: file, label, expanded: false } as Service];
  };
  return planServices(label, service, resolve(options.outDir), options, explicit);
}

/** Plans services (splitting long-format files) on workers and writes the fleet's reports. */
async function planServices(
  label: string,
  servicesOf: (scratch: () => Promise<string>) => Promise<Service[]>,
  reports: string,
  options: FleetOptions,
  explicit: ReadonlySet<string>,
): Promise<CommandOutput> {
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const workers = options.workers === undefined ? undefined : Number(options.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
    throw new UserError(`--workers: expected a whole number ≥ 1, got '${options.workers}'`);
  }
  const maxSeries =
    options.maxSeries === undefined ? undefined : wholeNumber(options.maxSeries, '--max-series', 1);
  // Each service's reports are written as it finishes: stopped halfway, the folder holds some new.
  let planned: { done: number; total: number } | undefined;
  const leftBehind = () =>
    planned && planned.done < planned.total
      ? `at least ${planned.done} of ${planned.total} service(s) had new reports in ${reports}; the others, index.html and summary.md are still the previous run's (plan again to finish)`
      : undefined;
  return withScratchFolders(
    'headroom-series-',
    async (scratch) => {
      const services = await servicesOf(scratch);
      const tasks = await tasksFor(services, options, explicit, reports, scratch, maxSeries);
      const chosen = shard
        ? tasksOfShard(tasks, shard)
        : tasks.map((task, position) => ({ task, position }));
      const progress = progressReporter(chosen.length, Boolean(options.quiet || options.json));
      planned = { done: 0, total: chosen.length };
      const outcomes = await runFleet(
        chosen.map((c) => c.task),
        {
          workers,
          onDone: (outcome, done) => {
            if (outcome.ok) planned!.done++;
            progress.done(outcome, done);
          },
        },
      );
      progress.stop();
      const failed = outcomes.filter((o) => !o.ok);
      const common = {
        notes: failed.map((o) => `${o.name} failed: ${o.error}`),
        warnings: staleServices(outcomes),
        ...(failed.length > 0 && { exitCode: EXIT.someFailed }),
      };
      const overview =
        outcomes.length === 0 ? [] : ['', table(FLEET_COLUMNS, fleetRows(outcomes)), ''];

      const run: FleetRun = { label, tasks, outcomes, failed, reports, overview, common };
      return shard ? writeShardPart(run, shard, chosen) : writeFleetIndex(run);
    },
    leftBehind,
  );
}

/**
 * One warning naming the services planned from a history older than --max-staleness (their own
 * reports say how old): the other warnings of a fleet stay in its reports.
 */
function staleServices(outcomes: ServiceOutcome[]): Warning[] {
  const stale = outcomes
    .filter((o) => o.warnings.some((w) => w.startsWith(STALE_HISTORY)))
    .map((o) => o.name);
  if (stale.length === 0) return [];
  const named = stale.length > 10 ? `${stale.slice(0, 10).join(', ')}, …` : stale.join(', ');
  return [
    {
      code: 'stale-history',
      count: stale.length,
      message: `${stale.length} service(s) planned from a history older than --max-staleness (or ending in the future), which \`push\` refuses: ${named}`,
    },
  ];
}

/** What a fleet run planned, for the files it writes and what it prints. */
interface FleetRun {
  /** The config file, or the long-format CSV, as messages name it. */
  label: string;
  tasks: ServiceTask[];
  outcomes: ServiceOutcome[];
  failed: ServiceOutcome[];
  reports: string;
  overview: string[];
  common: Pick<CommandOutput, 'notes' | 'warnings' | 'exitCode'>;
}

/** One shard of a fleet: its part file, which `report --merge` joins with the others. */
async function writeShardPart(
  { label, tasks, outcomes, failed, reports, overview, common }: FleetRun,
  shard: Shard,
  chosen: { position: number }[],
): Promise<CommandOutput> {
  const part: FleetPart = {
    format: PART_FORMAT,
    shard,
    config: label,
    total: tasks.length,
    fleet: fleetFingerprint(tasks.map((t) => t.name)),
    services: outcomes.map((o) => o.name),
    settings: Object.fromEntries(
      tasks.map((t) => [t.name, planningSettings(t.options as unknown as Record<string, unknown>)]),
    ),
    generatedAt: new Date().toISOString(),
    outcomes: outcomes.map((o, k) => partOutcome(o, chosen[k].position, reports)),
  };
  const path = join(reports, partFileName(shard));
  const files = await writeFilesAtomically([
    { path, content: JSON.stringify(part, null, 2) + '\n' },
  ]);
  const text = [
    `${label}: shard ${shardName(shard)}: ${outcomes.length} of ${tasks.length} service(s), ${outcomes.length - failed.length} planned, ${failed.length} failed`,
    ...(outcomes.length === 0 ? [''] : overview),
    `shard ${shardName(shard)}: planned ${outcomes.length} of ${tasks.length} services; join the parts with \`headroom report --merge ${shownPath(reports)}\``,
    `wrote ${shownPath(path)} (no index.html or summary.md: the merge writes those)${outcomes.length > 0 ? `; each service's reports are in ${reports}/<service>/` : ''}`,
  ].join('\n');
  return {
    json: {
      config: label,
      reports,
      shard,
      total: tasks.length,
      services: outcomes.map(serviceJson),
      files,
    },
    text,
    ...common,
  };
}

/** The whole fleet: index.html and summary.md beside every service's folder. */
async function writeFleetIndex({
  label,
  outcomes,
  failed,
  reports,
  overview,
  common,
}: FleetRun): Promise<CommandOutput> {
  const entries: FleetEntry[] = await Promise.all(
    outcomes.map(async (o) => ({
      name: o.name,
      ok: o.ok,
      seconds: o.seconds,
      error: o.error,
      warnings: o.warnings,
      notes: o.notes,
      plan: o.json as PlanJson | undefined,
      charts:
        o.ok && !planWithoutCharts(o.json)
          ? await serviceCharts(o, reports, outcomes.length <= INLINE_CHARTS_UP_TO)
          : undefined,
      noCharts: o.ok && planWithoutCharts(o.json),
    })),
  );
  const index = join(reports, 'index.html');
  const files = await writeFilesAtomically([
    { path: index, content: fleetHtml(entries, new Date().toISOString()) },
    { path: join(reports, 'summary.md'), content: fleetMarkdown(entries) },
  ]);
  const text = [
    `${label}: ${outcomes.length} ${label.endsWith('.yaml') || label.endsWith('.yml') ? 'service(s)' : 'series'}, ${outcomes.length - failed.length} planned, ${failed.length} failed`,
    ...overview,
    `wrote ${files.length === 2 ? `${index} and summary.md` : files.join(', ')}; each service's reports are in ${reports}/<service>/`,
  ].join('\n');
  return {
    json: {
      config: label,
      reports,
      services: outcomes.map(serviceJson),
      files,
    },
    text,
    ...common,
  };
}

/** An outcome as a part file keeps it: its files relative to the reports folder, which moves. */
function partOutcome(o: ServiceOutcome, position: number, reports: string): PartOutcome {
  const files = o.json?.files as string[] | undefined;
  const plan = o.json && {
    ...o.json,
    ...(files && { files: files.map((f) => relative(reports, f).split(sep).join('/')) }),
  };
  return {
    name: o.name,
    position,
    ok: o.ok,
    seconds: o.seconds,
    ...(plan ? { plan: plan as PartOutcome['plan'] } : {}),
    ...(o.error !== undefined && { error: o.error }),
    warnings: o.warnings,
    notes: o.notes,
  };
}
