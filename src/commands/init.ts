import { existsSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { SeveralSeriesError } from '../ingest/columns.js';
import { loadSeries, type Ingested } from '../ingest/index.js';
import { readRecords } from '../ingest/read-csv.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import { MODEL_NAMES } from '../models/registry.js';
import { SETTINGS } from '../settings/table.js';
import { ingestOptions, parseSettings, type RawOptions } from '../settings/parse.js';
import type { CommandOutput } from './output.js';

export interface InitOptions extends RawOptions {
  out: string;
  force?: boolean;
}

/** A starter headroom.yaml for one CSV: what was detected, and every other key commented out. */
export function starterConfig(input: {
  csv: string;
  name: string;
  timezone: string;
  timestampColumn: string;
  valueColumn: string;
  sampleStepMs: number;
  rows: number;
  notes: string[];
  today: string;
  /** Long format: the column that names the series. */
  seriesColumn?: string;
  timestampFormat?: string;
}): string {
  const finer = input.sampleStepMs < HOUR_MS;
  const found = input.notes.map((n) => `#   ${n}`).join('\n');
  return `# headroom.yaml, written by \`headroom init ${input.csv}\` on ${input.today}.
# Every key is a \`headroom plan\` flag in camelCase (--capacity-per-server → capacityPerServer),
# with the same meaning and default; flags given on the command line win over this file.
#
#   headroom plan            plans every service below, in parallel; reports in ./reports
#   headroom push aws|k8s    (per service, with the push: block below)
#
# What init found in ${input.csv} (${input.rows} rows, samples ${formatDuration(input.sampleStepMs)} apart):
${found || '#   nothing unusual'}
version: 1
reports: reports

defaults:
  timezone: ${input.timezone} # zone of naive timestamps, and of daily/weekly shapes and reports
  interval: ${SETTINGS.interval.default} # plan in steps of this size
  horizon: ${SETTINGS.horizon.default} # how far ahead to plan
  trainWindow: ${SETTINGS.trainWindow.default} # learn from at most this much recent history
  model: ${SETTINGS.model.default} # or ${MODEL_NAMES.join(', ')}
  risk: ${SETTINGS.risk.default} # the share of hours demand may exceed 100% of the planned capacity
  targetUtilization: ${SETTINGS.targetUtilization.default} # servers run at this utilisation on the forecast
  # minServers: ${SETTINGS.minServers.default} # never plan fewer (2 keeps a spare)
  # maxServers: 40 # never plan more (default: no limit)
  # holidays: US # public holidays of a country or region (US, US-NY, DE-BY, GB-ENG…)
  # leadTime: ${SETTINGS.leadTime.default} # start scale-ups this early (plan shapes the schedule push applies)
  # minHold: ${SETTINGS.minHold.default} # fill dips shorter than this (plan)
  # docs/config.md lists every other key (planOn, quantile, maxChanges, fillGaps, …)

services:
  - name: ${input.name}
    data: ${input.csv} # a file, or a glob such as metrics/*.csv (one service per file)
    timestampColumn: ${input.timestampColumn.split('+')[0]}
${input.timestampFormat === undefined ? '' : `    timestampFormat: '${input.timestampFormat.replace(/'/g, "''")}'\n`}${input.timestampColumn.includes('+') ? `    hourColumn: ${input.timestampColumn.split('+')[1]}\n` : ''}    valueColumn: ${input.valueColumn}
    agg: mean # ${finer ? `samples are ${formatDuration(input.sampleStepMs)} apart: mean keeps a rate or a utilisation; use sum when each sample is a count` : 'how samples in one interval combine (sum, mean, max, p95)'}
    # capacityPerServer: 100 # TODO: the load one server handles at 100% utilisation (until set, plans warn)
${input.seriesColumn === undefined ? '    # seriesColumn: service # long format (timestamp,series,value): one service per series\n' : `    seriesColumn: ${input.seriesColumn} # long format: one service per series, named ${input.name}-<series>\n`}    # events: events.csv # launches, sales, incidents: dates with an optional name and end
    # push:
    #   aws: { group: my-asg, region: us-east-1, maxSize: 40 }
    #   k8s: { format: keda, target: deployment/${input.name}, namespace: default }
`;
}

/** Inspects a CSV and writes a starter headroom.yaml for it. */
export async function initCommand(csv: string, options: InitOptions): Promise<CommandOutput> {
  if (existsSync(options.out) && !options.force) {
    throw new UserError(`${options.out} already exists`, 'add --force to replace it');
  }
  const { ingested, seriesColumn, timezone } = await inspect(csv, options);
  const name =
    basename(csv, extname(csv))
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'service';
  const fromConfig = relative(dirname(resolve(options.out)), resolve(csv));
  const relativeCsv = fromConfig.startsWith('..') ? resolve(csv) : fromConfig;
  const text = starterConfig({
    csv: relativeCsv,
    name,
    timezone,
    timestampColumn: ingested.timestampColumn,
    valueColumn: ingested.valueColumn,
    sampleStepMs: ingested.sampleStepMs,
    rows: ingested.rows,
    notes: seriesColumn === undefined ? ingested.notes : longFormatNotes(ingested, seriesColumn),
    today: new Date().toISOString().slice(0, 10),
    seriesColumn,
    timestampFormat: options.timestampFormat,
  });
  await writeFilesAtomically([{ path: options.out, content: text }]);
  return {
    json: { file: options.out, service: name, csv: relativeCsv },
    text: [
      ...(seriesColumn === undefined
        ? []
        : [
            `${csv} is long format: column '${seriesColumn}' names the series; proposed seriesColumn: ${seriesColumn} (one service per series)`,
          ]),
      `wrote ${options.out} for ${csv} (service '${name}'); set capacityPerServer, then run \`headroom plan${options.out === 'headroom.yaml' ? '' : ` --config ${options.out}`}\``,
    ].join('\n'),
    warnings: ingested.warnings,
    notes: [],
  };
}

/**
 * Reads the CSV as `plan` would. A long-format file (timestamps that repeat once per value of a
 * text column, or --series-column) is read through its first series, to detect the columns, and
 * its series column is proposed.
 */
async function inspect(
  csv: string,
  options: InitOptions,
): Promise<{ ingested: Ingested; seriesColumn?: string; timezone: string }> {
  const ingest = ingestOptions(parseSettings(options));
  const { timezone } = ingest;
  let column = ingest.seriesColumn;
  if (column === undefined) {
    try {
      return { ingested: await loadSeries(csv, ingest), timezone };
    } catch (error) {
      if (!(error instanceof SeveralSeriesError)) throw error;
      column = error.column;
    }
  }
  const series = ingest.series ?? (await firstSeries(csv, column));
  return {
    ingested: await loadSeries(csv, { ...ingest, seriesColumn: column, series }),
    seriesColumn: column,
    timezone,
  };
}

/** The series named on the first data row of a long-format file. */
async function firstSeries(csv: string, column: string): Promise<string | undefined> {
  let found: string | undefined;
  const stop = new Error('found');
  try {
    await readRecords(csv, () => {
      let index = -1;
      return (cells) => {
        if (index >= 0) {
          found = cells[index];
          throw stop;
        }
        index = cells.findIndex((c) => c.toLowerCase() === column.toLowerCase());
        if (index < 0) throw stop; // the ingest then says the column is missing
      };
    });
  } catch (error) {
    if (error !== stop) throw error;
  }
  return found;
}

/** What init says of a long-format file: its series column, then what it saw in the first series. */
function longFormatNotes(ingested: Ingested, column: string): string[] {
  return [
    `long format: one series per value of '${column}'; the columns below were detected on the first series`,
    ...ingested.notes.filter((note) => !note.startsWith('read series ')),
  ];
}
