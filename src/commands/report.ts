import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import {
  mergeParts,
  PART_FILE,
  parsePart,
  shardName,
  type LoadedPart,
  type MergedFleet,
} from '../fleet/shard.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { fleetHtml, fleetMarkdown, type FleetEntry, type MissingShards } from '../report/fleet.js';
import type { Warning } from '../types.js';
import { readTextFile } from '../util/files.js';
import {
  chartSource,
  FLEET_COLUMNS,
  fleetRows,
  INLINE_CHARTS_UP_TO,
  planWithoutCharts,
  serviceJson,
  shownPath,
} from './fleet.js';
import { table, type CommandOutput } from './output.js';

export interface ReportOptions {
  /** Part files, or folders whose `fleet-part-*.json` files are the parts. */
  merge?: string[];
  outDir?: string;
  allowMissing?: boolean;
  json?: boolean;
}

const PART_HINT = 'part files are written by `headroom plan --config … --shard i/n`';

/** The part files a list of files and folders names, each folder's in name order. */
async function partFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const found = await stat(path).catch(() => undefined);
    if (!found) throw new UserError(`--merge: ${path}: no such file or folder`, PART_HINT);
    if (!found.isDirectory()) {
      files.push(path);
      continue;
    }
    const parts = (await readdir(path)).filter((name) => PART_FILE.test(name)).sort();
    if (parts.length === 0) {
      throw new UserError(`--merge: ${path}: no fleet-part-*.json files in this folder`, PART_HINT);
    }
    files.push(...parts.map((name) => join(path, name)));
  }
  return files;
}

/** A service's entry in the merged report, its charts read from its folder beside the part. */
async function entryOf(
  outcome: MergedFleet['outcomes'][number],
  warnings: Warning[],
  pageDir: string,
  inline: boolean,
): Promise<FleetEntry> {
  const folder = join(dirname(outcome.file), outcome.name);
  const plan = outcome.plan;
  const absent: string[] = [];
  const chart = async (name: string) => {
    const source = await chartSource(join(folder, name), pageDir, inline);
    if (source === undefined) absent.push(name);
    return source;
  };
  // The part says whether the charts were drawn: only those drawn are looked for.
  const noCharts = outcome.ok && planWithoutCharts(plan);
  const charts =
    outcome.ok && !noCharts
      ? { forecast: await chart('forecast.png'), plan: await chart('plan.png') }
      : undefined;
  if (absent.length > 0) {
    warnings.push({
      code: 'chart-missing',
      message: `${outcome.name}: no ${absent.join(' or ')} in ${folder}; the report shows the service without ${absent.length === 1 ? 'it' : 'them'} (copy each shard's service folders next to its part file)`,
      count: absent.length,
    });
  }
  return {
    name: outcome.name,
    ok: outcome.ok,
    seconds: outcome.seconds,
    error: outcome.error,
    warnings: outcome.warnings,
    notes: outcome.notes,
    plan,
    charts,
    noCharts,
  };
}

/**
 * `report --merge`: joins the part files of a sharded fleet run into the index.html and
 * summary.md an unsharded run writes, after checking the parts belong together.
 */
export async function reportCommand(options: ReportOptions): Promise<CommandOutput> {
  if (!options.merge || options.merge.length === 0) {
    throw new UserError(
      'nothing to do: give --merge <folder or part files…>',
      'e.g. `headroom report --merge reports` after `headroom plan --config headroom.yaml --shard i/n` for every i',
    );
  }
  const files = await partFiles(options.merge);
  const parts: LoadedPart[] = [];
  for (const file of files) {
    parts.push({ file, part: parsePart(await readTextFile(file, 'a part file'), file) });
  }
  const merged = mergeParts(parts, Boolean(options.allowMissing));
  // A part names its services' files relative to its folder: here they are beside it.
  for (const outcome of merged.outcomes) {
    const files = outcome.plan?.files;
    if (outcome.plan && Array.isArray(files)) {
      outcome.plan = {
        ...outcome.plan,
        files: (files as string[]).map((f) => resolve(dirname(outcome.file), f)),
      };
    }
  }

  const folders = [...new Set(files.map((f) => resolve(dirname(f))))];
  if (options.outDir === undefined && folders.length > 1) {
    throw new UserError(
      `the part files are in ${folders.length} folders (${folders.join(', ')}): say where the report goes`,
      'add --out-dir DIR',
    );
  }
  const outDir = resolve(options.outDir ?? folders[0]);

  const warnings: Warning[] = [];
  const entries: FleetEntry[] = [];
  const inline = merged.outcomes.length <= INLINE_CHARTS_UP_TO;
  for (const outcome of merged.outcomes) {
    entries.push(await entryOf(outcome, warnings, outDir, inline));
  }
  const missing: MissingShards | undefined =
    merged.missing.length === 0
      ? undefined
      : {
          shards: merged.missing.map((index) => shardName({ index, count: merged.count })),
          services: merged.missingServices,
        };
  if (missing) {
    warnings.push({
      code: 'shards-missing',
      message: `partial report: shard(s) ${missing.shards.join(', ')} missing, ${missing.services} service(s) not shown`,
      count: missing.shards.length,
    });
  }
  const index = join(outDir, 'index.html');
  const written = await writeFilesAtomically([
    { path: index, content: fleetHtml(entries, new Date().toISOString(), missing) },
    { path: join(outDir, 'summary.md'), content: fleetMarkdown(entries, missing) },
  ]);

  const outcomes = merged.outcomes.map((o) => ({ ...o, json: o.plan }));
  const failed = outcomes.filter((o) => !o.ok);
  const text = [
    `${merged.config}: merged ${parts.length} of ${merged.count} shard(s): ${outcomes.length} of ${merged.total} service(s), ${outcomes.length - failed.length} planned, ${failed.length} failed`,
    ...(outcomes.length === 0 ? [''] : ['', table(FLEET_COLUMNS, fleetRows(outcomes)), '']),
    ...(missing
      ? [
          `partial report: ${missing.shards.length === 1 ? 'shard' : 'shards'} ${missing.shards.join(', ')} missing (${missing.services} service(s))`,
        ]
      : []),
    `wrote ${shownPath(index)} and summary.md`,
  ].join('\n');
  return {
    json: {
      config: merged.config,
      reports: outDir,
      shards: { count: merged.count, merged: merged.shards, missing: merged.missing },
      total: merged.total,
      services: outcomes.map(serviceJson),
      files: written,
    },
    text,
    warnings,
    notes: failed.map((o) => `${o.name} failed: ${o.error}`),
    ...(failed.length > 0 && { exitCode: EXIT.someFailed }),
  };
}
