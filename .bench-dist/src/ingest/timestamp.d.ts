/** What a timestamp cell may look like; used in error messages. */
export declare const TIMESTAMP_FORMATS = "ISO 8601 (2024-05-01T10:00:00Z, with or without offset), YYYY-MM-DD HH:MM:SS, YYYY-MM-DD, or epoch seconds/milliseconds";
export interface ParsedTimestamp {
    /** Epoch milliseconds, or NaN when the text is not a timestamp. */
    ms: number;
    /** True when the text carried no time of day (a bare date). */
    dateOnly: boolean;
    /** True for a naive local time that does not exist in the zone (a DST gap); it was moved forward. */
    inDstGap: boolean;
}
/**
 * Parses one timestamp cell. Naive calendar times are read in `zone` (IANA); times with an
 * offset or Z ignore it. `extraHours` adds whole hours of wall-clock time (a separate hour column).
 */
export declare function parseTimestamp(text: string, zone: string, extraHours?: number): ParsedTimestamp;
