/** ISO 8601 in the given zone: "2024-05-01T10:00:00Z" for UTC, with an offset otherwise. */
export declare function formatTimestamp(ms: number, zone?: string): string;
/** "2024-05-01 10:00" in the given zone, for tables and charts. */
export declare function formatShort(ms: number, zone?: string): string;
export declare function isValidZone(zone: string): boolean;
