/**
 * What a replayed policy cost and risked: under-provisioned hours (demand above what the warm
 * servers serve at 100%), hours above the target utilisation, server-hours and their cost,
 * scaling actions, the worst shortfall, and the database connections the fleet would hold. Pure.
 */
import { HOUR_MS } from '../util/duration.js';
import type { TickDemand } from './demand.js';
import type { Timeline } from './replay.js';

export interface DatabaseLimit {
  connectionsPerServer: number;
  maxConnections: number;
  /** flag: report when the fleet would exceed it; cap: no policy may run more servers. */
  mode: 'flag' | 'cap';
}

/** The most servers whose connections fit in the database. */
export function databaseServerLimit(db: DatabaseLimit): number {
  return Math.floor(db.maxConnections / db.connectionsPerServer);
}

export interface PolicyFigures {
  /** Hours replayed, and of those the hours with measured demand (the others are not scored). */
  hours: number;
  scoredHours: number;
  underProvisionedHours: number;
  aboveTargetHours: number;
  serverHours: number;
  /** Server-hours × price; null without a price. */
  cost: number | null;
  scalingActions: number;
  /** Share of the demand the warm servers could not serve. */
  unservedShare: number;
  /** The largest gap between demand and what the warm servers serve at 100%; null if none. */
  worstShortfall: { load: number; servers: number; at: number } | null;
  peakServers: number;
  meanServers: number;
  database: {
    maxConnections: number;
    /** The most servers whose connections fit. */
    limitServers: number;
    peakConnections: number;
    /** Hours the fleet held more connections than the database allows (mode flag). */
    overLimitHours: number;
    /** Hours the fleet sat at the limit (mode cap: it would have wanted more, or just fit). */
    atLimitHours: number;
  } | null;
}

export interface FigureSettings {
  capacityPerServer: number;
  targetUtilization: number;
  costPerServerHour?: number;
  database?: DatabaseLimit;
}

/** Above, with float noise of the interpolation ignored. */
const above = (a: number, b: number) => a > b * (1 + 1e-9) + 1e-9;

export function policyFigures(
  demand: TickDemand,
  timeline: Timeline,
  settings: FigureSettings,
): PolicyFigures {
  const { capacityPerServer: c, targetUtilization, costPerServerHour, database } = settings;
  const tickHours = demand.tickMs / HOUR_MS;
  const limit = database ? databaseServerLimit(database) : Infinity;
  let scored = 0;
  let under = 0;
  let overTarget = 0;
  let serverTicks = 0;
  let peak = 0;
  let demandSum = 0;
  let unserved = 0;
  let overLimit = 0;
  let atLimit = 0;
  let worst: PolicyFigures['worstShortfall'] = null;
  for (let k = 0; k < demand.values.length; k++) {
    const servers = timeline.servers[k];
    serverTicks += servers;
    peak = Math.max(peak, servers);
    if (servers > limit) overLimit++;
    if (servers === limit) atLimit++;
    if (!demand.scored[k]) continue;
    scored++;
    const d = demand.values[k];
    const serving = timeline.warm[k] * c;
    demandSum += d;
    if (above(d, serving * targetUtilization)) overTarget++;
    if (above(d, serving)) {
      under++;
      unserved += d - serving;
      if (!worst || d - serving > worst.load) {
        worst = {
          load: d - serving,
          servers: Math.ceil((d - serving) / c - 1e-9),
          at: demand.start + k * demand.tickMs,
        };
      }
    }
  }
  const serverHours = serverTicks * tickHours;
  return {
    hours: demand.values.length * tickHours,
    scoredHours: scored * tickHours,
    underProvisionedHours: under * tickHours,
    aboveTargetHours: overTarget * tickHours,
    serverHours,
    cost: costPerServerHour === undefined ? null : serverHours * costPerServerHour,
    scalingActions: timeline.actions,
    unservedShare: demandSum > 0 ? unserved / demandSum : 0,
    worstShortfall: worst,
    peakServers: peak,
    meanServers: demand.values.length > 0 ? serverTicks / demand.values.length : 0,
    database: database
      ? {
          maxConnections: database.maxConnections,
          limitServers: limit,
          peakConnections: peak * database.connectionsPerServer,
          overLimitHours: overLimit * tickHours,
          atLimitHours: atLimit * tickHours,
        }
      : null,
  };
}
