import type { CapacityPlan, Forecast, Schedule } from '../types.js';
/** Up to three decimals, without trailing zeros; empty for missing. */
export declare function formatNumber(value: number): string;
export declare function forecastCsv(forecast: Forecast, zone: string): string;
export declare function planCsv(plan: CapacityPlan, zone: string): string;
export declare function scheduleCsv(schedule: Schedule, zone: string): string;
export declare function forecastRows(forecast: Forecast, zone: string): {
    timestamp: string;
    forecast: number;
    lower: number;
    upper: number;
}[];
export declare function scheduleEntries(schedule: Schedule, zone: string): {
    timestamp: string;
    capacity: number;
    change: number;
    action: import("../types.js").ScaleAction;
}[];
