/**
 * The one function the runs read a history through, whatever its source (see source.ts).
 */
import { join } from 'node:path';
import { loadSeries, loadSpooled, type Ingested } from '../ingest/index.js';
import type { IngestOptions } from '../ingest/options.js';
import { kindOf, type HistorySource, type SourceSpec } from './registry.js';

/** A history read from a source, with the CSV a remote source returned (kept as history.csv). */
export interface History extends Ingested {
  fetched?: { csv: string };
}

/** Reads a history from its source through the one CSV ingest (see source.ts). */
export async function loadHistory(source: HistorySource, options: IngestOptions): Promise<History> {
  return asTotalLoad(await readHistory(source, options), options.currentServers);
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
  );
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

/** history.csv for the reports of a run that read a remote source: what it fetched, to replay. */
export function fetchedHistoryFile(
  history: History,
  outDir: string,
): { path: string; content: string }[] {
  return history.fetched
    ? [{ path: join(outDir, 'history.csv'), content: history.fetched.csv }]
    : [];
}
