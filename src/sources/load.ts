/**
 * The one function the runs read a history through, whatever its source (see source.ts).
 */
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { isPipe, loadSeries, loadSpooled, STDIN, type Ingested } from '../ingest/index.js';
import type { IngestOptions } from '../ingest/options.js';
import { SeveralSeriesError } from '../ingest/columns.js';
import { SeriesToChooseError } from '../ingest/read-csv.js';
import { describeSource, kindOf, type HistorySource, type SourceSpec } from './registry.js';

/** A history read from a source, with the CSV a remote source returned (kept as history.csv). */
export interface History extends Ingested {
  fetched?: { csv: string };
}

/** Reads a history from its source through the one CSV ingest (see source.ts). */
export async function loadHistory(source: HistorySource, options: IngestOptions): Promise<History> {
  const history = await readHistory(source, options);
  if (options.serversColumn !== undefined) return timesServers(history, source, options);
  return asTotalLoad(history, options.currentServers);
}

async function readHistory(source: HistorySource, options: IngestOptions): Promise<History> {
  const spec: SourceSpec = typeof source === 'string' ? { kind: 'csv', file: source } : source;
  if (spec.kind === 'csv') return loadSeries(spec.file, options);
  const kind = kindOf(spec);
  if (!kind) throw new Error(`no reader for source kind ${spec.kind}`);
  let fetchNotes: string[] = [];
  const { ingested, text } = await loadSpooled(
    kind.describe(spec),
    options,
    async (file) => {
      fetchNotes = (await kind.fetch(spec, file, options)) ?? [];
    },
    true,
  ).catch((error: unknown) => {
    // `plan --series-column` splits a file, not a query: from a remote source, one series is read.
    if (!(error instanceof SeriesToChooseError || error instanceof SeveralSeriesError)) throw error;
    const column = error.column;
    throw new UserError(
      error.message,
      `pick one with --series-column ${column} --series NAME, or narrow the query to one series`,
    );
  });
  return { ...ingested, notes: [...fetchNotes, ...ingested.notes], fetched: { csv: text ?? '' } };
}

/**
 * A utilisation averaged over a fleet (--current-servers n) as the load it stands for: value × n,
 * in % of one server. The average stays flat as servers are added; the total is what grows.
 */
export function asTotalLoad(history: History, servers: number | undefined): History {
  if (servers === undefined) return history;
  const { series, valueColumn } = history;
  return {
    ...history,
    series: { ...series, values: series.values.map((v) => v * servers) },
    notes: [
      ...history.notes,
      `read '${valueColumn}' as a utilisation of ${servers} server(s): the load is ${valueColumn} × ${servers}, in % of one server`,
    ],
  };
}

/**
 * A utilisation averaged over the servers in service (--servers-column) as the load it stands
 * for: interval by interval, value × the mean count of that column, in % of one server. The
 * column is read through the same ingest (same grid, agg and gap filling) as the value.
 */
async function timesServers(
  history: History,
  source: HistorySource,
  options: IngestOptions,
): Promise<History> {
  const column = options.serversColumn!;
  const file = typeof source === 'string' ? source : source.kind === 'csv' ? source.file : '';
  if (!file || file === STDIN || (await isPipe(file))) {
    throw new UserError(
      `--servers-column reads a second column of a CSV file, and ${file ? 'a pipe' : describeSource(source)} can be read only once`,
      file
        ? 'save the data to a file first, or give one count for all rows with --current-servers N'
        : 'multiply by the server count in the query itself, or give one count with --current-servers N',
    );
  }
  if (column === history.valueColumn) {
    throw new UserError(
      `--servers-column ${column} is the value column itself`,
      'name the column that counts the servers in service (e.g. GroupInServiceInstances)',
    );
  }
  const counts = await loadSeries(file, {
    ...options,
    valueColumn: column,
    valueFlag: '--servers-column',
    timestampColumn: history.timestampColumn,
  });
  const { series } = history;
  const offset = Math.round((counts.series.start - series.start) / series.stepMs);
  let missing = 0;
  const values = series.values.map((v, i) => {
    const n = counts.series.values[i - offset];
    if (Number.isNaN(v)) return v;
    if (n === undefined || !Number.isFinite(n)) {
      missing++;
      return NaN;
    }
    return v * n;
  });
  const warnings = [...history.warnings];
  if (missing > 0) {
    warnings.push({
      code: 'servers-missing',
      count: missing,
      message: `${missing} interval(s) have a value but no server count in '${column}': they are left out as gaps`,
    });
  }
  return {
    ...history,
    series: { ...series, values },
    warnings,
    notes: [
      ...history.notes,
      `read '${history.valueColumn}' as a utilisation of the servers counted in '${column}': the load is ${history.valueColumn} × ${column}, in % of one server`,
    ],
  };
}

/** history.csv for the reports of a run that read a remote source: what it fetched, to replay. */
export function fetchedHistoryFile(
  history: History,
  outDir: string,
): { path: string; content: string }[] {
  return history.fetched
    ? [{ path: join(outDir, 'history.csv'), content: history.fetched.csv }]
    : [];
}
