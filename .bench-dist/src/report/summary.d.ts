import type { CapacityPlan, Forecast, Schedule, Warning } from '../types.js';
export interface PlanFigures {
    peakForecast: number;
    peakForecastAt: number;
    peakPlannedLoad: number;
    peakServers: number;
    peakServersAt: number;
    minServers: number;
    serverHours: number;
    changes: number;
    cappedSteps: number;
}
export declare function planFigures(plan: CapacityPlan, schedule: Schedule): PlanFigures;
export interface SummaryInput {
    file: string;
    valueColumn: string;
    zone: string;
    forecast: Forecast;
    plan: CapacityPlan;
    schedule: Schedule;
    warnings: Warning[];
    charts: {
        forecast: string;
        plan: string;
    };
}
/** The Markdown summary (renders in CI job summaries and pull requests). */
export declare function summaryMarkdown(input: SummaryInput): string;
