import type { PredictiveDistribution } from './evaluate/predictive.js';

/** A regular time series: value i sits at `start + i * stepMs` (epoch milliseconds, UTC). NaN = missing. */
export interface Series {
  name: string;
  start: number;
  stepMs: number;
  values: Float64Array;
}

/** Point forecast with a planning band; `lower`/`upper` are the (1 − q) and q quantiles. */
export interface Forecast {
  model: string;
  start: number;
  stepMs: number;
  point: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  quantile: number;
  /** How the band was obtained, for reports: e.g. "empirical quantiles of 336 backtest errors". */
  intervalMethod: string;
  /** The demand's distribution at each step, which a risk budget is planned on. */
  distribution?: PredictiveDistribution;
}

/** A recoverable oddity that was fixed, with how often it happened. */
export interface Warning {
  code: string;
  message: string;
  count: number;
}

export interface CapacitySettings {
  /** Load one server handles at 100% utilisation. */
  capacityPerServer: number;
  targetUtilization: number;
  /** Extra fraction on top of the load-derived count (the first design's 20%). */
  headroom: number;
  /** Servers added before load-derived ones (the first design's base of 2). */
  baseServers: number;
  minServers: number;
  maxServers: number;
  rounding: 'ceil' | 'floor' | 'round';
  /**
   * What the servers are sized for. 'balanced' (default): the point forecast at the target
   * utilisation and the upper quantile at `peakUtilization`, whichever needs more; 'upper': the
   * upper quantile at the target utilisation; 'point': the point forecast (the first design).
   */
  planOn: 'risk' | 'balanced' | 'upper' | 'point';
  /**
   * With 'risk' (default): the share of steps in which demand may exceed 100% of the planned
   * capacity; servers are added above the forecast at the target utilisation until it holds.
   */
  risk: number;
  /** With 'balanced': how busy servers may be when demand reaches the upper quantile. */
  peakUtilization: number;
}

/** What a plan on a predictive distribution risks (see capacity/risk.ts). */
export interface RiskOutcome {
  /** The share of steps the plan expects demand above 100% of planned capacity. */
  expectedShortShare: number;
  /** Σ over steps of that probability: the expected count of short steps. */
  expectedShortSteps: number;
  /** Σ (servers − servers for the point forecast at the target utilisation), in server-steps. */
  extraServerSteps: number;
}

export interface CapacityPlan {
  start: number;
  stepMs: number;
  forecast: Float64Array;
  plannedLoad: Float64Array;
  servers: Float64Array;
  settings: CapacitySettings;
  /** Steps where the clamp to max-servers left planned load uncovered. */
  cappedSteps: number;
  /** What the plan expects to risk, from the forecast's distribution (absent without one). */
  risk?: RiskOutcome;
}

export type ScaleAction = 'initial' | 'scale_up' | 'scale_down';

export interface ScheduleEntry {
  timestamp: number;
  capacity: number;
  change: number;
  action: ScaleAction;
}

export interface Schedule {
  start: number;
  end: number;
  stepMs: number;
  entries: ScheduleEntry[];
}
