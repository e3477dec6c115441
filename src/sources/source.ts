/**
 * Where a history comes from. A source is plain data (it crosses to fleet workers) that its kind's
 * reader turns into CSV text: a file is read where it lies; standard input and remote sources
 * (Prometheus, CloudWatch) are written to a scratch CSV first and then read by the same ingest, so
 * every check, warning and resampling is the same whatever the source, and the fetched history
 * can be kept beside the reports (history.csv) and replayed offline with `headroom plan history.csv`.
 */
import type { IngestOptions } from '../ingest/options.js';
import type { RawOptions } from '../settings/parse.js';

/** The settings a source is made from: the flags (and headroom.yaml keys) of every kind. */
export type SourceOptions = Partial<RawOptions>;

/** One kind of source: its serialisable spec, made from options, and how it is fetched. */
export interface SourceKind<Spec extends { kind: string }> {
  kind: Spec['kind'];
  /** The spec these options ask for, or undefined when they do not name this kind of source. */
  fromOptions(options: SourceOptions): Spec | undefined;
  /** How messages name it, e.g. "prometheus http://prom:9090 sum(rate(…))". */
  describe(spec: Spec): string;
  /**
   * Writes the history as CSV into `file` (a timestamp column and one numeric column per series;
   * several series as long format: timestamp, series, value). Remote errors are UserErrors that
   * say what to check. Resolves with notes for the reader (e.g. the resolution it read at), if any.
   */
  fetch(spec: Spec, file: string, options: IngestOptions): Promise<string[] | void>;
}
