import { existsSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { loadSeries } from '../ingest/index.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import { ingestOptions, type RawOptions } from '../settings/parse.js';
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
  interval: 1h # plan in steps of this size
  horizon: 7d # how far ahead to plan
  trainWindow: 8w # learn from at most this much recent history
  model: auto # or ensemble, ridge, mstl, seasonal-naive, linear
  quantile: 0.9 # upper planning quantile of demand
  targetUtilization: 0.7 # servers run at this utilisation on the forecast
  peakUtilization: 1 # …and at most this busy if demand reaches the quantile
  minServers: 2
  # maxServers: 40
  # holidays: US # public holidays of a country or region (US, US-NY, DE-BY, GB-ENG…)
  # leadTime: 5m # start scale-ups this early (push)
  # minHold: 2h # fill dips shorter than this (push)

services:
  - name: ${input.name}
    data: ${input.csv} # a file, or a glob such as metrics/*.csv (one service per file)
    timestampColumn: ${input.timestampColumn.split('+')[0]}
${input.timestampColumn.includes('+') ? `    hourColumn: ${input.timestampColumn.split('+')[1]}\n` : ''}    valueColumn: ${input.valueColumn}
    agg: mean # ${finer ? `samples are ${formatDuration(input.sampleStepMs)} apart: mean keeps a rate or a utilisation; use sum when each sample is a count` : 'how samples in one interval combine (sum, mean, max, p95)'}
    capacityPerServer: 100 # TODO: the load one server handles at 100% utilisation
    # seriesColumn: service # long format (timestamp,series,value): one service per series
    # events: events.csv # launches, sales, incidents: dates with an optional name and end
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
  const ingested = await loadSeries(csv, ingestOptions(options));
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
    timezone: options.timezone,
    timestampColumn: ingested.timestampColumn,
    valueColumn: ingested.valueColumn,
    sampleStepMs: ingested.sampleStepMs,
    rows: ingested.rows,
    notes: ingested.notes,
    today: new Date().toISOString().slice(0, 10),
  });
  await writeFilesAtomically([{ path: options.out, content: text }]);
  return {
    json: { file: options.out, service: name, csv: relativeCsv },
    text: `wrote ${options.out} for ${csv} (service '${name}'); set capacityPerServer, then run \`headroom plan${options.out === 'headroom.yaml' ? '' : ` --config ${options.out}`}\``,
    warnings: ingested.warnings,
    notes: [],
  };
}
