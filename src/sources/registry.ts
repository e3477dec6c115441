/**
 * Every kind of source, and which one a command's argument and flags name. A new kind of source is
 * one file implementing SourceKind (loading heavy clients only in `fetch`, as this list loads with
 * the CLI), one entry in SOURCE_KINDS and its flags in the settings table.
 */
import { UserError } from '../errors.js';
import { cloudWatchKind, type CloudWatchSpec } from './cloudwatch.js';
import { prometheusKind, type PrometheusSpec } from './prometheus.js';
import type { SourceKind, SourceOptions } from './source.js';

/** A CSV file, or `-` for standard input. */
export interface CsvSpec {
  kind: 'csv';
  file: string;
}

/** Every source a history can come from; remote kinds add their spec here. */
export type SourceSpec = CsvSpec | PrometheusSpec | CloudWatchSpec;

type AnyKind = SourceKind<SourceSpec>;

/** The remote kinds, in the order their flags are checked. */
const SOURCE_KINDS: AnyKind[] = [prometheusKind as AnyKind, cloudWatchKind as AnyKind];

/** What the runs read: a CSV path (as given on the command line) or a spec. */
export type HistorySource = string | SourceSpec;

export function kindOf(spec: SourceSpec): AnyKind | undefined {
  return SOURCE_KINDS.find((kind) => kind.kind === spec.kind);
}

/** Whether these options name a remote source (so `plan` plans one history, not a fleet). */
export function namesRemoteSource(options: SourceOptions): boolean {
  return SOURCE_KINDS.some((kind) => kind.fromOptions(options) !== undefined);
}

/**
 * The source a command reads: its CSV argument, or the remote source its flags name. Exactly one.
 */
export function sourceFrom(csv: string | undefined, options: SourceOptions): HistorySource {
  const remote = SOURCE_KINDS.map((kind) => kind.fromOptions(options)).filter((s) => s);
  if (remote.length > 1) {
    throw new UserError(
      `two sources given: ${remote.map((s) => kindOf(s!)!.describe(s!)).join(' and ')}`,
      'give one source per run',
    );
  }
  if (remote.length === 1) {
    if (csv !== undefined) {
      throw new UserError(
        `two sources given: the CSV ${csv} and ${kindOf(remote[0]!)!.describe(remote[0]!)}`,
        'drop the CSV argument to read from the remote source, or drop its flags',
      );
    }
    return remote[0]!;
  }
  if (csv === undefined) {
    throw new UserError(
      'no history given',
      `name a CSV file, - for standard input${SOURCE_KINDS.map((k) => `, or --${k.kind}`).join('')}`,
    );
  }
  return csv;
}

/** How messages and reports name a source. */
export function describeSource(source: HistorySource): string {
  if (typeof source === 'string') return source === '-' ? 'standard input' : source;
  if (source.kind === 'csv') return describeSource(source.file);
  return kindOf(source)?.describe(source) ?? source.kind;
}
