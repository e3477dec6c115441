export interface ColumnChoice {
    timestamp: number;
    value: number;
    /** A separate hour-of-day column that completes a date-only timestamp column. */
    hour?: number;
    /** Human-readable notes on what was picked automatically. */
    notes: string[];
}
export interface ColumnRequest {
    timestampColumn?: string;
    valueColumn?: string;
    hourColumn?: string;
}
/**
 * Picks the timestamp, value and (optional) hour columns from the header and a sample of rows.
 * Explicit requests win; otherwise names are tried first, then the cells' shape.
 */
export declare function chooseColumns(file: string, header: string[], sample: string[][], request: ColumnRequest): ColumnChoice;
