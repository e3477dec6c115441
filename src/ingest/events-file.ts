import { readFile } from 'node:fs/promises';
import { parseEventsCsv, type EventDay } from '../features/events.js';
import { assertReadableFile } from '../util/files.js';

/** Reads user events from a CSV file (see parseEventsCsv for its columns). */
export async function readEventsCsv(file: string): Promise<EventDay[]> {
  await assertReadableFile(file);
  return parseEventsCsv(file, await readFile(file));
}
