import type { CapacityPlan, CapacitySettings, Forecast } from '../types.js';
export declare const DEFAULT_CAPACITY: CapacitySettings;
/**
 * servers = round(base + planned / (capacity per server × target utilisation) × (1 + headroom)),
 * clamped to [min, max]. With base 2, capacity 100, utilisation 1, headroom 0.2, floor rounding,
 * min 2 and planning on the point forecast this is the first design's max(2, floor(2 + load/100 × 1.2)).
 */
export declare function serversFor(planned: number, s: CapacitySettings): number;
export declare function planCapacity(forecast: Forecast, settings: CapacitySettings): CapacityPlan;
