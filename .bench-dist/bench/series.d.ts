import { type IngestOptions } from '../src/ingest/index.js';
import type { Series } from '../src/types.js';
interface SeriesSpec {
    name: string;
    file: string;
    options: Partial<IngestOptions>;
    /** Applied after the first and last bucket of the whole file are dropped. */
    cut?: (series: Series) => Series;
}
/** The protocol's table, in its order. */
export declare const BENCHMARK_SERIES: readonly SeriesSpec[];
export declare function defaultDatasetsDir(repoRoot: string): string;
/** Loads the 8 protocol series (name → hourly Series; NaN = missing hour, not scored). */
export declare function loadBenchmarkSeries(datasetsDir: string): Promise<Map<string, Series>>;
/** A copy with interior runs of NaN linearly interpolated; leading/trailing NaN stay missing. */
export declare function interpolateInterior(series: Series): Series;
export declare function countMissing(values: ArrayLike<number>): number;
export {};
