import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { loadConfig, type Service } from '../config/load.js';
import { planKeys } from '../config/schema.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { runFleet, type ServiceOutcome, type ServiceTask } from '../fleet/run.js';
import { splitLongCsv } from '../fleet/split.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { fleetHtml, fleetMarkdown, type FleetEntry, type PlanJson } from '../report/fleet.js';
import { table, type CommandOutput } from './output.js';
import type { PlanOptions } from './plan.js';

export interface FleetOptions extends PlanOptions {
  config?: string;
  workers?: string;
  quiet?: boolean;
}

/** A service's `plan` options: flag defaults, then the config file, then flags given explicitly. */
export function serviceOptions(
  service: Service,
  defaults: FleetOptions,
  explicit: ReadonlySet<string>,
  outDir: string,
): PlanOptions {
  const fromFile = Object.fromEntries(
    Object.entries(service)
      .filter(([key, value]) => key in planKeys && value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
  const fromFlags = Object.fromEntries(
    Object.entries(defaults).filter(([key]) => explicit.has(key)),
  );
  return { ...defaults, ...fromFile, ...fromFlags, outDir } as PlanOptions;
}

const shorten = (text: string, most: number) =>
  text.length <= most ? text : `${text.slice(0, most - 1)}…`;

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'series';

async function tasksFor(
  services: Service[],
  defaults: FleetOptions,
  explicit: ReadonlySet<string>,
  reports: string,
  scratch: () => Promise<string>,
): Promise<ServiceTask[]> {
  const tasks: ServiceTask[] = [];
  for (const service of services) {
    if (!service.seriesColumn) {
      const options = serviceOptions(service, defaults, explicit, join(reports, service.name));
      tasks.push({ name: service.name, file: service.file, options });
      continue;
    }
    const parts = await splitLongCsv(service.file, service.seriesColumn, await scratch());
    for (const [series, file] of parts) {
      const name = `${service.name}-${slug(series)}`;
      tasks.push({
        name,
        file,
        options: serviceOptions(service, defaults, explicit, join(reports, name)),
      });
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
          ? `${summary.minServers}–${summary.peakServers} servers, ${summary.changes} changes`
          : (o.error ?? '').split('\n')[0];
      stream.write(
        `[${n}/${total}] ${o.ok ? 'ok    ' : 'FAILED'} ${o.name}: ${what} (${o.seconds.toFixed(1)} s)\n`,
      );
    },
    stop: () => undefined,
  };
}

async function inlineCharts(outcome: ServiceOutcome) {
  const files = (outcome.json?.files as string[] | undefined) ?? [];
  const read = async (suffix: string) => {
    const file = files.find((f) => f.endsWith(suffix));
    return file ? (await readFile(file)).toString('base64') : undefined;
  };
  return { forecast: await read('forecast.png'), plan: await read('plan.png') };
}

/** Plans every service of a headroom.yaml in parallel and writes one report page for them all. */
export async function planFleetCommand(
  configPath: string,
  options: FleetOptions,
  explicit: ReadonlySet<string>,
): Promise<CommandOutput> {
  const loaded = await loadConfig(configPath);
  const base = dirname(resolve(configPath));
  const reportsSetting = explicit.has('outDir') ? options.outDir : loaded.config.reports;
  const reports = isAbsolute(reportsSetting) ? reportsSetting : resolve(base, reportsSetting);
  const workers = options.workers === undefined ? undefined : Number(options.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
    throw new UserError(`--workers: expected a whole number ≥ 1, got '${options.workers}'`);
  }
  const scratchDirs: string[] = [];
  const scratch = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-series-'));
    scratchDirs.push(dir);
    return dir;
  };
  try {
    const tasks = await tasksFor(loaded.services, options, explicit, reports, scratch);
    const progress = progressReporter(tasks.length, Boolean(options.quiet || options.json));
    const outcomes = await runFleet(tasks, { workers, onDone: progress.done });
    progress.stop();

    const entries: FleetEntry[] = await Promise.all(
      outcomes.map(async (o) => ({
        name: o.name,
        ok: o.ok,
        seconds: o.seconds,
        error: o.error,
        warnings: o.warnings,
        notes: o.notes,
        plan: o.json as PlanJson | undefined,
        charts: o.ok ? await inlineCharts(o) : undefined,
      })),
    );
    const index = join(reports, 'index.html');
    const files = await writeFilesAtomically([
      { path: index, content: fleetHtml(entries, new Date().toISOString()) },
      { path: join(reports, 'summary.md'), content: fleetMarkdown(entries) },
    ]);
    const failed = outcomes.filter((o) => !o.ok);
    const rows = outcomes.map((o) => {
      const summary = o.json?.summary as PlanJson['summary'] | undefined;
      return o.ok && summary
        ? [
            o.name,
            'ok',
            `${summary.minServers}–${summary.peakServers}`,
            summary.changes,
            `${o.seconds.toFixed(1)} s`,
          ]
        : [o.name, 'FAILED', '–', '–', shorten((o.error ?? '').split('\n')[0], 90)];
    });
    const text = [
      `${loaded.path}: ${outcomes.length} service(s), ${outcomes.length - failed.length} planned, ${failed.length} failed`,
      '',
      table(['service', 'status', 'servers', 'changes', 'time'], rows),
      '',
      `wrote ${files.length === 2 ? `${index} and summary.md` : files.join(', ')}; each service's reports are in ${reports}/<service>/`,
    ].join('\n');
    return {
      json: {
        config: loaded.path,
        reports,
        services: outcomes.map((o) => ({
          name: o.name,
          ok: o.ok,
          seconds: o.seconds,
          ...(o.ok ? { plan: o.json } : { error: o.error }),
          warnings: o.warnings,
        })),
        files,
      },
      text,
      warnings: [],
      notes: failed.map((o) => `${o.name} failed: ${o.error}`),
      ...(failed.length > 0 && { exitCode: EXIT.someFailed }),
    };
  } finally {
    await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
