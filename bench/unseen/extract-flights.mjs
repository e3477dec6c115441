// Writes flights-2001-hourly-departures.csv: departures per hour (timestamps as written in the
// data) of the ten busiest origin airports, from vega-datasets' flights-3m.parquet. Not part of
// the build; to run it again:
//   npm i --no-save vega-datasets@3.2.1 hyparquet@1 hyparquet-compressors@1
//   node bench/unseen/extract-flights.mjs      (from the folder holding node_modules)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const HOUR_MS = 3600e3;
const AIRPORTS = 10;
const here = dirname(fileURLToPath(import.meta.url));
const parquet = resolve(process.cwd(), 'node_modules/vega-datasets/data/flights-3m.parquet');
const bytes = readFileSync(parquet);
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const flights = await parquetReadObjects({ file, columns: ['date', 'origin'], compressors });

let first = Infinity;
let last = -Infinity;
const byAirport = new Map();
for (const { date, origin } of flights) {
  const hour = Math.floor(date.getTime() / HOUR_MS);
  first = Math.min(first, hour);
  last = Math.max(last, hour);
  const counts = byAirport.get(origin) ?? new Map();
  counts.set(hour, (counts.get(hour) ?? 0) + 1);
  byAirport.set(origin, counts);
}
const total = (counts) => [...counts.values()].reduce((a, b) => a + b, 0);
const busiest = [...byAirport.keys()]
  .sort((a, b) => total(byAirport.get(b)) - total(byAirport.get(a)))
  .slice(0, AIRPORTS);

const lines = [`timestamp,${busiest.join(',')}`];
for (let hour = first; hour <= last; hour++) {
  const stamp = new Date(hour * HOUR_MS).toISOString().slice(0, 16).replace('T', ' ');
  lines.push([stamp, ...busiest.map((a) => byAirport.get(a).get(hour) ?? 0)].join(','));
}
writeFileSync(resolve(here, 'flights-2001-hourly-departures.csv'), lines.join('\n') + '\n');
console.log(`${flights.length} flights, ${last - first + 1} hours, airports ${busiest.join(' ')}`);
