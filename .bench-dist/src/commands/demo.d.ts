import type { CommandOutput } from './output.js';
import { type PlanOptions } from './plan.js';
/** The bundled history: NYC taxi passengers per 30 minutes (Numenta Anomaly Benchmark, MIT). */
export declare const DEMO_DATA: string;
/** Settings for the demo: passengers summed per hour, one server per 2,000 passengers an hour. */
export declare const DEMO_SETTINGS: {
    readonly timezone: "America/New_York";
    readonly agg: "sum";
    readonly capacityPerServer: "2000";
    readonly minServers: "2";
    readonly unit: "passengers/h";
};
export declare function demoCommand(options: PlanOptions): Promise<CommandOutput>;
