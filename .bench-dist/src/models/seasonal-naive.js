import { DAY_MS, WEEK_MS } from '../util/duration.js';
import { fitStatistics, } from './types.js';
/** The season the baseline repeats: a week when two weeks are known, else a day. */
export function seasonLength(stepMs, historySteps) {
    const week = Math.round(WEEK_MS / stepMs);
    const day = Math.max(1, Math.round(DAY_MS / stepMs));
    return historySteps >= 2 * week ? week : day;
}
/** Repeats the last observed season; missing values reach back one more season. */
export function seasonalNaive(history, horizon, season) {
    const { values } = history;
    const n = values.length;
    const out = new Float64Array(horizon);
    for (let h = 0; h < horizon; h++) {
        let index = n - season + (h % season);
        while (index >= 0 && Number.isNaN(values[index]))
            index -= season;
        out[h] = index >= 0 ? values[index] : lastValue(values);
    }
    return out;
}
function lastValue(values) {
    for (let i = values.length - 1; i >= 0; i--)
        if (!Number.isNaN(values[i]))
            return values[i];
    return NaN;
}
class FittedSeasonalNaive {
    season;
    state;
    inSample;
    name = 'seasonal-naive';
    constructor(season, state, inSample) {
        this.season = season;
        this.state = state;
        this.inSample = inSample;
    }
    predict(history, horizon) {
        return seasonalNaive(history, horizon, this.season);
    }
    describe() {
        return { season_steps: this.season, ...this.inSample };
    }
    toJSON() {
        return this.state;
    }
}
export const seasonalNaiveForecaster = {
    name: 'seasonal-naive',
    fit(history, context) {
        const season = seasonLength(history.stepMs, history.values.length);
        const { values } = history;
        const fitted = new Float64Array(values.length).fill(NaN);
        for (let i = season; i < values.length; i++)
            fitted[i] = values[i - season];
        const actual = values.map((v, i) => (i < season || Number.isNaN(fitted[i]) ? NaN : v));
        return new FittedSeasonalNaive(season, { model: 'seasonal-naive', zone: context.zone, stepMs: history.stepMs, season }, fitStatistics(actual, fitted));
    },
};
export function restoreSeasonalNaive(state) {
    return new FittedSeasonalNaive(Number(state.season), state, { mse: NaN, r2: NaN });
}
//# sourceMappingURL=seasonal-naive.js.map