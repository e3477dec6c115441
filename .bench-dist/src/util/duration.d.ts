export declare const HOUR_MS: number;
export declare const DAY_MS: number;
export declare const WEEK_MS: number;
/** Parses "15m", "1h", "7d", "2w", "90s" (or a bare number of seconds) into milliseconds. */
export declare function parseDuration(text: string, flag?: string): number;
/** The shortest exact spelling of a duration: 3600000 → "1h", 5400000 → "90m". */
export declare function formatDuration(ms: number): string;
