import { UserError } from '../errors.js';
import type { CapacityPlan, CapacitySettings, Forecast } from '../types.js';
import { MAX_SERVERS } from './limits.js';
import { riskOf, serversWithinBudget } from './risk.js';

export { MAX_SERVERS };

export const DEFAULT_CAPACITY: CapacitySettings = {
  capacityPerServer: 100,
  targetUtilization: 0.7,
  headroom: 0,
  baseServers: 0,
  minServers: 1,
  maxServers: Number.POSITIVE_INFINITY,
  rounding: 'ceil',
  planOn: 'risk',
  risk: 0.01,
  peakUtilization: 1,
};

/**
 * servers = round(base + planned / (capacity per server × target utilisation) × (1 + headroom)),
 * clamped to [min, max]. With base 2, capacity 100, utilisation 1, headroom 0.2, floor rounding,
 * min 2 and planning on the point forecast this is the first design's max(2, floor(2 + load/100 × 1.2)).
 */
export function serversFor(planned: number, s: CapacitySettings): number {
  const servers = Math.min(s.maxServers, Math.max(s.minServers, unclampedServers(planned, s)));
  if (servers > MAX_SERVERS && Number.isFinite(planned)) throw tooManyServers(planned, s);
  return servers;
}

/** The rounded count before --min-servers and --max-servers. */
export function unclampedServers(planned: number, s: CapacitySettings): number {
  const raw =
    s.baseServers +
    (Math.max(0, planned) / (s.capacityPerServer * s.targetUtilization)) * (1 + s.headroom);
  // Round away float noise first, so that 140 / (100 × 0.7) = 2.0000000000000004 needs 2 servers.
  const cleaned = Math.round(raw * 1e9) / 1e9;
  return s.rounding === 'floor'
    ? Math.floor(cleaned)
    : s.rounding === 'round'
      ? Math.round(cleaned)
      : Math.ceil(cleaned);
}

/** Servers beyond MAX_SERVERS (or infinitely many): a setting is wrong, most likely the capacity. */
function tooManyServers(planned: number, s: CapacitySettings): UserError {
  const count =
    s.baseServers +
    (Math.max(0, planned) / (s.capacityPerServer * s.targetUtilization)) * (1 + s.headroom);
  const many = Number.isFinite(count) ? count.toExponential(2) : 'infinitely many';
  return new UserError(
    `a planned load of ${planned.toPrecision(4)} needs ${many} servers at --capacity-per-server ${s.capacityPerServer} and --target-utilization ${s.targetUtilization}: more than ${MAX_SERVERS.toLocaleString('en-US')} servers`,
    '--capacity-per-server is the load one server handles at 100% utilisation, in the unit of the data (per --interval with --agg sum): check it; --max-servers caps the plan',
  );
}

/**
 * The load the servers are sized for at the target utilisation, by the quantile rules ('risk'
 * sizes on the point forecast here, and adds servers for its budget in planCapacity).
 */
export function plannedLoadFor(point: number, upper: number, s: CapacitySettings): number {
  if (s.planOn === 'point' || s.planOn === 'risk') return point;
  if (s.planOn === 'upper') return upper;
  return Math.max(point, (upper * s.targetUtilization) / s.peakUtilization);
}

export function planCapacity(forecast: Forecast, settings: CapacitySettings): CapacityPlan {
  const { point, distribution } = forecast;
  // Without a distribution (a forecast from elsewhere) a budget cannot be priced: plan its band.
  const rule = settings.planOn === 'risk' && !distribution ? 'balanced' : settings.planOn;
  const plannedLoad = point.map((p, i) =>
    plannedLoadFor(p, forecast.upper[i], { ...settings, planOn: rule }),
  );
  plannedLoad.forEach((load, i) => {
    if (!Number.isFinite(load)) {
      throw new Error(`planned load at step ${i} is ${load}; a model returned no forecast`);
    }
  });
  const atTarget = point.map((p) => serversFor(p, settings));
  const servers =
    rule === 'risk' && distribution
      ? serversWithinBudget(point, distribution, atTarget, settings, settings.risk)
      : plannedLoad.map((load) => serversFor(load, settings));
  let cappedSteps = 0;
  plannedLoad.forEach((load, i) => {
    if (unclampedServers(load, settings) > servers[i]) cappedSteps++;
  });
  return {
    start: forecast.start,
    stepMs: forecast.stepMs,
    forecast: point,
    plannedLoad,
    servers,
    settings,
    cappedSteps,
    ...(distribution ? { risk: riskOf(point, distribution, servers, atTarget, settings) } : {}),
  };
}

/** The sizing rule in words, for reports and charts. */
export function describePlanRule(s: CapacitySettings, quantile: number): string {
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  if (s.planOn === 'risk') {
    return `forecast at ${pct(s.targetUtilization)} utilisation, and a risk budget of ${formatShare(s.risk)} of hours above 100%`;
  }
  if (s.planOn === 'point') return `point forecast at ${pct(s.targetUtilization)} utilisation`;
  if (s.planOn === 'upper')
    return `${quantile} quantile at ${pct(s.targetUtilization)} utilisation`;
  return `forecast at ${pct(s.targetUtilization)} utilisation and ${quantile} quantile at ${pct(s.peakUtilization)}`;
}

/** 0.01 → "1%", 0.005 → "0.5%". */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.00001) return '< 0.001%';
  return `${Number((share * 100).toPrecision(3))}%`;
}
