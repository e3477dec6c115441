/**
 * The hourly series of the accuracy protocol (/work/shared/BENCHMARK.md, "Series"), loaded through
 * the tool's own ingest. Values are as measured: NaN marks a missing hour, which is left out of
 * scoring; `interpolateInterior` makes the training copy.
 */
import { resolve } from 'node:path';
import { loadSeries } from '../src/ingest/index.js';
import { readCsv } from '../src/ingest/read-csv.js';
import { HOUR_MS, WEEK_MS } from '../src/util/duration.js';
const lastHours = (hours) => (series) => sliceHours(series, series.values.length - hours, series.values.length);
const fromFor = (iso, hours) => (series) => {
    const from = Math.round((Date.parse(iso) - series.start) / series.stepMs);
    return sliceHours(series, from, from + hours);
};
/** The protocol's table, in its order. */
export const BENCHMARK_SERIES = [
    { name: 'nyc_taxi', file: 'nab/nyc_taxi.csv', options: { agg: 'sum' } },
    { name: 'elb_requests', file: 'nab/elb_request_count_8c0756.csv', options: { agg: 'sum' } },
    { name: 'rds_cpu', file: 'nab/rds_cpu_utilization_e47b3b.csv', options: { agg: 'mean' } },
    { name: 'twitter_amzn', file: 'nab/Twitter_volume_AMZN.csv', options: { agg: 'sum' } },
    {
        name: 'pedestrians_location_4',
        file: 'prophet/example_pedestrians_multivariate.csv',
        options: { timestampColumn: 'ds', valueColumn: 'location_4', agg: 'mean' },
    },
    {
        name: 'pedestrians_location_41',
        file: 'prophet/example_pedestrians_multivariate.csv',
        options: { timestampColumn: 'ds', valueColumn: 'location_41', agg: 'mean' },
    },
    {
        name: 'bike_sharing',
        file: 'bike-sharing/hour.csv',
        // Absent hours had no rentals: fill every gap with zero.
        options: {
            timestampColumn: 'dteday',
            hourColumn: 'hr',
            valueColumn: 'cnt',
            agg: 'sum',
            gapFill: 'zero',
            fillGapsMs: 10 * 365 * 24 * HOUR_MS,
        },
        cut: lastHours((16 * WEEK_MS) / HOUR_MS),
    },
    {
        name: 'metro_traffic',
        file: 'metro-traffic/Metro_Interstate_Traffic_Volume.csv',
        options: {
            timestampColumn: 'date_time',
            valueColumn: 'traffic_volume',
            duplicates: 'mean',
            agg: 'mean',
        },
        cut: fromFor('2017-04-13T00:00:00Z', (11 * WEEK_MS) / HOUR_MS),
    },
];
/** Hours are bucketed on the timestamps as written; nothing is filled unless a spec says so. */
const BASE_OPTIONS = {
    timezone: 'UTC',
    duplicates: 'error',
    intervalMs: HOUR_MS,
    agg: 'mean',
    fillGapsMs: 0,
    gapFill: 'linear',
};
export function defaultDatasetsDir(repoRoot) {
    return process.env.HEADROOM_DATASETS ?? resolve(repoRoot, '../shared/datasets');
}
/** Loads the 8 protocol series (name → hourly Series; NaN = missing hour, not scored). */
export async function loadBenchmarkSeries(datasetsDir) {
    const out = new Map();
    for (const spec of BENCHMARK_SERIES)
        out.set(spec.name, await loadOne(datasetsDir, spec));
    return out;
}
async function loadOne(datasetsDir, spec) {
    const file = resolve(datasetsDir, spec.file);
    const options = { ...BASE_OPTIONS, ...spec.options };
    const { series } = await loadSeries(file, options);
    // Protocol: the first and last hourly bucket of the file are dropped, whether or not resample
    // already dropped them as partly covered (it only does so when downsampling, and only when a
    // bucket has fewer samples than usual). Find them from the samples' own time range.
    const { points } = await readCsv(file, options);
    let minTime = Infinity;
    let maxTime = -Infinity;
    for (const t of points.times) {
        if (t < minTime)
            minTime = t;
        if (t > maxTime)
            maxTime = t;
    }
    const firstKept = (Math.floor(minTime / HOUR_MS) + 1) * HOUR_MS;
    const lastKept = (Math.floor(maxTime / HOUR_MS) - 1) * HOUR_MS;
    const from = Math.round((firstKept - series.start) / HOUR_MS);
    const to = Math.round((lastKept - series.start) / HOUR_MS) + 1;
    if (from < 0 || to > series.values.length) {
        throw new Error(`${spec.name}: resample dropped more than the edge buckets (kept ${series.values.length} hours from ${new Date(series.start).toISOString()})`);
    }
    let result = sliceHours({ ...series, name: spec.name }, from, to);
    if (spec.cut)
        result = spec.cut(result);
    return result;
}
function sliceHours(series, from, to) {
    if (from < 0 || to > series.values.length || from >= to) {
        throw new Error(`${series.name}: hours ${from}..${to} lie outside the ${series.values.length} loaded`);
    }
    return {
        ...series,
        start: series.start + from * series.stepMs,
        values: series.values.slice(from, to),
    };
}
/** A copy with interior runs of NaN linearly interpolated; leading/trailing NaN stay missing. */
export function interpolateInterior(series) {
    const values = series.values.slice();
    let i = 0;
    while (i < values.length) {
        if (!Number.isNaN(values[i])) {
            i++;
            continue;
        }
        let j = i;
        while (j < values.length && Number.isNaN(values[j]))
            j++;
        if (i > 0 && j < values.length) {
            const a = values[i - 1];
            const b = values[j];
            for (let k = i; k < j; k++)
                values[k] = a + ((b - a) * (k - i + 1)) / (j - i + 1);
        }
        i = j;
    }
    return { ...series, values };
}
export function countMissing(values) {
    let n = 0;
    for (let i = 0; i < values.length; i++)
        if (Number.isNaN(values[i]))
            n++;
    return n;
}
//# sourceMappingURL=series.js.map