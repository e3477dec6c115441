import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeries, type IngestOptions } from '../src/ingest/index.js';

// The same CSV read from a file, from standard input (-) and gzipped gives the same series, the
// same counts and the same warnings (but for the name of the source): one reader for all three.

const scratch = mkdtempSync(join(tmpdir(), 'headroom-sources-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

const MINUTE = 60_000;
const options: IngestOptions = {
  timezone: 'UTC',
  duplicates: 'mean',
  intervalMs: 60 * MINUTE,
  agg: 'mean',
  fillGapsMs: 3 * 60 * MINUTE,
  gapFill: 'linear',
};

const csvArbitrary = fc
  .record({
    rows: fc.array(
      // Every 15 minutes, give or take: some rows out of order, some at the same minute.
      fc.record({ jitter: fc.integer({ min: 0, max: 20 }), centi: fc.nat(1_000_000) }),
      { minLength: 3, maxLength: 400 },
    ),
    delimiter: fc.constantFrom(',', ';', '\t'),
    newline: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    quoted: fc.boolean(),
    unit: fc.constantFrom('', '%', ' ms'),
  })
  .map(({ rows, delimiter, newline, bom, quoted, unit }) => {
    const q = (cell: string) => (quoted ? `"${cell}"` : cell);
    const lines = rows.map(({ jitter, centi }, i) => {
      const time = new Date(Date.UTC(2024, 0, 1) + (i * 15 + jitter) * MINUTE).toISOString();
      // A `;` file writes a decimal comma, as European spreadsheets do.
      const value = (centi / 100).toFixed(2).replace('.', delimiter === ';' ? ',' : '.');
      return [q(time), q('web'), q(value + unit)].join(delimiter);
    });
    const header = ['timestamp', 'host', 'requests'].join(delimiter);
    return (bom ? '\uFEFF' : '') + [header, ...lines].join(newline) + newline;
  });

/** loadSeries('-') with `content` on standard input, as a pipe would give it. */
async function fromStdin(content: Buffer) {
  const saved = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', {
    value: Readable.from([content]),
    configurable: true,
    writable: true,
  });
  try {
    return await loadSeries('-', options);
  } finally {
    Object.defineProperty(process, 'stdin', saved);
  }
}

/** What a read gave, with the source's name taken out of its messages; an error's message. */
async function outcome(read: () => ReturnType<typeof loadSeries>, name: string) {
  try {
    const ingested = await read();
    const unnamed = (text: string) => text.split(name).join('SOURCE');
    return {
      series: ingested.series,
      rows: ingested.rows,
      columns: [ingested.timestampColumn, ingested.valueColumn],
      warnings: ingested.warnings.map((w) => ({ ...w, message: unnamed(w.message) })),
      notes: ingested.notes.map(unnamed),
    };
  } catch (error) {
    return { error: (error as Error).message.split(name).join('SOURCE') };
  }
}

describe('one reader for every way a CSV comes in', () => {
  it('a file, standard input and a gzip of the same CSV give the same series', async () => {
    await fc.assert(
      fc.asyncProperty(csvArbitrary, async (csv) => {
        const bytes = Buffer.from(csv, 'utf8');
        const plain = join(scratch, `s${counter}.csv`);
        const gzipped = join(scratch, `s${counter++}.csv.gz`);
        writeFileSync(plain, bytes);
        writeFileSync(gzipped, gzipSync(bytes));
        const fromFile = await outcome(() => loadSeries(plain, options), plain);
        expect(await outcome(() => fromStdin(bytes), 'standard input')).toEqual(fromFile);
        expect(await outcome(() => loadSeries(gzipped, options), gzipped)).toEqual(fromFile);
        rmSync(plain);
        rmSync(gzipped);
      }),
      { numRuns: 40 },
    );
  });
});
