/** Local calendar fields of an instant; `dayOfWeek` counts Monday as 0, as the first design did. */
export interface CalendarFields {
    hour: number;
    minute: number;
    dayOfWeek: number;
    dayOfMonth: number;
    month: number;
}
export declare function calendarFields(ms: number, zone: string): CalendarFields;
/** The first design's five features, in its order. */
export declare const FIRST_DESIGN_FEATURES: string[];
export declare function firstDesignRow(ms: number, zone: string): number[];
