/**
 * One measurement of the speed benchmark, in its own process so that its peak memory is its own:
 * `node speed-child.js <task> <file>` prints {seconds, peakRssMb, peakHeapMb, …} as JSON.
 */
import { createReadStream } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { parse } from 'csv-parse';
import { loadSeries } from '../src/ingest/index.js';

const HOUR_MS = 3_600_000;

async function headroomIngest(file: string) {
  const ingested = await loadSeries(file, {
    valueColumn: 'requests',
    timezone: 'UTC',
    duplicates: 'mean',
    intervalMs: HOUR_MS,
    agg: 'mean',
    fillGapsMs: 6 * HOUR_MS,
    gapFill: 'linear',
  });
  return { rows: ingested.rows, intervals: ingested.series.values.length };
}

/** The usual way: csv-parse with one object per row, Date.parse, then hourly means. */
async function csvParseObjects(file: string) {
  const sums = new Map<number, { sum: number; n: number }>();
  let rows = 0;
  const parser = createReadStream(file).pipe(parse({ columns: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    const hour = Math.floor(Date.parse(record.timestamp) / HOUR_MS);
    const bucket = sums.get(hour) ?? { sum: 0, n: 0 };
    bucket.sum += Number(record.requests);
    bucket.n++;
    sums.set(hour, bucket);
    rows++;
  }
  return { rows, intervals: sums.size };
}

const TASKS: Record<string, (file: string) => Promise<Record<string, number>>> = {
  'headroom-ingest': headroomIngest,
  'csv-parse-objects': csvParseObjects,
};

const [task, file] = process.argv.slice(2);
let peakHeap = 0;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
}, 5);
const started = performance.now();
const result = await TASKS[task](file);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
process.stdout.write(
  JSON.stringify({
    ...result,
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 2 ** 20,
  }) + '\n',
);
