import type { CapacityPlan, Schedule } from '../types.js';
import { HOUR_MS } from '../util/duration.js';
import { maxOf, minOf } from '../util/extremes.js';

/** The headline figures of a plan and its schedule (summary.md and schedule.json). */
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
  /** From the forecast's distribution: the share and hours of the horizon expected short. */
  expectedShortShare?: number;
  expectedShortHours?: number;
  /** Server-hours above what the forecast needs at the target utilisation. */
  extraServerHours?: number;
}

export function planFigures(plan: CapacityPlan, schedule: Schedule): PlanFigures {
  let peakForecastIndex = 0;
  let peakServersIndex = 0;
  let serverSteps = 0;
  for (let i = 0; i < plan.servers.length; i++) {
    if (plan.forecast[i] > plan.forecast[peakForecastIndex]) peakForecastIndex = i;
    if (plan.servers[i] > plan.servers[peakServersIndex]) peakServersIndex = i;
    serverSteps += plan.servers[i];
  }
  return {
    peakForecast: plan.forecast[peakForecastIndex],
    peakForecastAt: plan.start + peakForecastIndex * plan.stepMs,
    peakPlannedLoad: maxOf(plan.plannedLoad),
    peakServers: plan.servers[peakServersIndex],
    peakServersAt: plan.start + peakServersIndex * plan.stepMs,
    minServers: minOf(plan.servers),
    serverHours: (serverSteps * plan.stepMs) / HOUR_MS,
    changes: schedule.entries.filter((e) => e.action !== 'initial').length,
    cappedSteps: plan.cappedSteps,
    ...(plan.risk
      ? {
          expectedShortShare: plan.risk.expectedShortShare,
          expectedShortHours: (plan.risk.expectedShortSteps * plan.stepMs) / HOUR_MS,
          extraServerHours: (plan.risk.extraServerSteps * plan.stepMs) / HOUR_MS,
        }
      : {}),
  };
}
