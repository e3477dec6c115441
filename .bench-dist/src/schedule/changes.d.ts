import type { CapacityPlan, Schedule } from '../types.js';
/** The plan's change points: the starting count, then one entry wherever the count changes. */
export declare function scheduleFromPlan(plan: CapacityPlan): Schedule;
