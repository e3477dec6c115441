import { AsyncLocalStorage } from 'node:async_hooks';
import { isMainThread, workerData } from 'node:worker_threads';

// Error messages quote what they found in a file ("got '…'", "the columns are '…'"). When the
// file was named by a config file (a fleet run, which CI publishes in job summaries and report
// pages), that text could be anyone's secret: there it is shown as a short masked excerpt.

/** The longest excerpt a masked message shows. */
export const EXCERPT_CHARS = 40;

const masking = new AsyncLocalStorage<boolean>();

/** A fleet's worker threads are started with `workerData: { maskExcerpts: true }`. */
const workerMasks =
  !isMainThread && (workerData as { maskExcerpts?: unknown } | null)?.maskExcerpts === true;

/** Runs `work` with every excerpt in its error messages masked. */
export function withMaskedExcerpts<T>(work: () => Promise<T>): Promise<T> {
  return masking.run(true, work);
}

/**
 * `text` as an error message quotes it, in single quotes: as it is, or, in a config-driven run,
 * cut to {@link EXCERPT_CHARS} characters with all but its first few letters and digits replaced
 * by '*' (at most a quarter of it shown, at most 4 characters), so its shape stays readable.
 */
export function excerpt(text: string): string {
  if (!(workerMasks || masking.getStore())) return `'${text}'`;
  return `'${maskText(text)}'`;
}

/** The masked form of `text` (see {@link excerpt}). */
export function maskText(text: string): string {
  const chars = [...text.replace(/[\r\n]+/g, ' ')];
  const shown = Math.min(4, Math.floor(chars.length / 4));
  const masked = chars
    .slice(0, EXCERPT_CHARS)
    .map((c, i) => (i < shown ? c : /[\p{L}\p{N}]/u.test(c) ? '*' : c))
    .join('');
  return chars.length > EXCERPT_CHARS ? `${masked}…` : masked;
}

/**
 * `message` from a parser that quotes what it found as JSON strings (csv-parse: `value is "…"`):
 * as it is, or with each quoted string masked in a config-driven run.
 */
export function maskQuoted(message: string): string {
  if (!(workerMasks || masking.getStore())) return message;
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (_, inner: string) => `"${maskText(inner)}"`);
}
