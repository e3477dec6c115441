import { BACKTEST_DEFAULT_ORIGINS } from '../evaluate/backtest.js';
import { FIRST_DESIGN_STEP_SCALING } from './step-scaling.js';

/** Kubernetes' HPA tolerance: no scaling while the metric is within 10% of its target. */
export const DEFAULT_TOLERANCE = 0.1;

/**
 * `simulate`'s flag defaults, apart from the command so that the CLI starts without loading it;
 * the parser falls back to them too, for callers that skip commander.
 */
export const SIMULATE_DEFAULTS = {
  origins: String(BACKTEST_DEFAULT_ORIGINS),
  tick: '1m',
  warmup: '5m',
  minHold: '2h',
  hpaTolerance: String(DEFAULT_TOLERANCE),
  stepUp: String(FIRST_DESIGN_STEP_SCALING.upThreshold),
  stepDown: String(FIRST_DESIGN_STEP_SCALING.downThreshold),
  stepReadings: String(FIRST_DESIGN_STEP_SCALING.readings),
  stepCooldown: `${FIRST_DESIGN_STEP_SCALING.cooldownMs / 1000}s`,
  stepSize: String(FIRST_DESIGN_STEP_SCALING.step),
  dbLimit: 'flag',
  current: 'hpa',
} as const;
