import { DAY_MS, WEEK_MS } from '../util/duration.js';
import { calendarFields } from './calendar.js';
/** Chooses the features a history of `steps` intervals can support. */
export function designFor(zone, stepMs, start, steps) {
    const end = start + steps * stepMs;
    const hasWeeks = steps * stepMs >= 2 * WEEK_MS;
    const slotsPerWeek = WEEK_MS / stepMs;
    const slotPeriodMs = hasWeeks && slotsPerWeek <= 336 ? WEEK_MS : DAY_MS / stepMs <= 288 ? DAY_MS : 0;
    return {
        zone,
        stepMs,
        dailyOrder: stepMs < DAY_MS ? Math.min(10, Math.floor(DAY_MS / stepMs / 2)) : 0,
        weeklyOrder: hasWeeks ? 3 : 0,
        slotPeriodMs: stepMs < slotPeriodMs ? slotPeriodMs : 0,
        trendOrigin: end,
        trendScale: Math.max(end - start, DAY_MS),
    };
}
export function layoutOf(spec) {
    const names = ['intercept', 'trend'];
    const groups = ['intercept', 'trend'];
    for (let k = 1; k <= spec.dailyOrder; k++) {
        names.push(`daily_sin${k}`, `daily_cos${k}`);
        groups.push('daily', 'daily');
    }
    for (let k = 1; k <= spec.weeklyOrder; k++) {
        names.push(`weekly_sin${k}`, `weekly_cos${k}`);
        groups.push('weekly', 'weekly');
    }
    const slots = spec.slotPeriodMs > 0 ? Math.round(spec.slotPeriodMs / spec.stepMs) : 0;
    for (let s = 0; s < slots; s++) {
        names.push(`slot_${s}`);
        groups.push('slot');
    }
    return { names, groups };
}
/** Writes the feature row for instant `t` into `out` (length = layout size). */
export function designRow(t, spec, out) {
    out.fill(0);
    const c = calendarFields(t, spec.zone);
    const minuteOfDay = c.hour * 60 + c.minute;
    const dayPhase = minuteOfDay / 1440;
    const weekPhase = (c.dayOfWeek * 1440 + minuteOfDay) / 10080;
    let j = 0;
    out[j++] = 1;
    out[j++] = (t - spec.trendOrigin) / spec.trendScale;
    for (let k = 1; k <= spec.dailyOrder; k++) {
        out[j++] = Math.sin(2 * Math.PI * k * dayPhase);
        out[j++] = Math.cos(2 * Math.PI * k * dayPhase);
    }
    for (let k = 1; k <= spec.weeklyOrder; k++) {
        out[j++] = Math.sin(2 * Math.PI * k * weekPhase);
        out[j++] = Math.cos(2 * Math.PI * k * weekPhase);
    }
    if (spec.slotPeriodMs > 0) {
        const phase = spec.slotPeriodMs === WEEK_MS ? weekPhase : dayPhase;
        const slots = Math.round(spec.slotPeriodMs / spec.stepMs);
        out[j + Math.min(slots - 1, Math.floor(phase * slots + 1e-9))] = 1;
    }
}
//# sourceMappingURL=design.js.map