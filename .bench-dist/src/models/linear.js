import MultivariateLinearRegression from 'ml-regression-multivariate-linear';
import { FIRST_DESIGN_FEATURES, firstDesignRow } from '../features/calendar.js';
import { fitStatistics, futureTimes, timesOf, } from './types.js';
/** Standardise columns; a constant column gets scale 1 so it contributes nothing. */
function standardise(rows) {
    const width = rows[0].length;
    const means = new Array(width).fill(0);
    const scales = new Array(width).fill(0);
    for (const row of rows)
        row.forEach((v, j) => (means[j] += v / rows.length));
    for (const row of rows)
        row.forEach((v, j) => (scales[j] += (v - means[j]) ** 2 / rows.length));
    return { means, scales: scales.map((s) => (s > 0 ? Math.sqrt(s) : 1)) };
}
class FittedLinear {
    state;
    inSample;
    name = 'linear';
    constructor(state, inSample) {
        this.state = state;
        this.inSample = inSample;
    }
    predictAt(times) {
        const { means, scales, coefficients, intercept, zone } = this.state;
        return times.map((t) => firstDesignRow(t, zone).reduce((sum, v, j) => sum + ((v - means[j]) / scales[j]) * coefficients[j], intercept));
    }
    predict(history, horizon) {
        return this.predictAt(futureTimes(history, horizon));
    }
    describe() {
        const { features, coefficients, intercept } = this.state;
        return {
            ...this.inSample,
            intercept,
            coefficients: Object.fromEntries(features.map((f, j) => [f, coefficients[j]])),
        };
    }
    toJSON() {
        return this.state;
    }
}
/** The first design: OLS with an intercept on standardised hour, weekday, day, month, weekend. */
export const linearForecaster = {
    name: 'linear',
    fit(history, context) {
        const times = timesOf(history);
        const rows = [];
        const targets = [];
        history.values.forEach((v, i) => {
            if (Number.isNaN(v))
                return;
            rows.push(firstDesignRow(times[i], context.zone));
            targets.push([v]);
        });
        const { means, scales } = standardise(rows);
        const x = rows.map((row) => row.map((v, j) => (v - means[j]) / scales[j]));
        const regression = new MultivariateLinearRegression(x, targets, { statistics: false });
        const weights = regression.weights.map((w) => w[0]);
        const state = {
            model: 'linear',
            zone: context.zone,
            stepMs: history.stepMs,
            features: FIRST_DESIGN_FEATURES,
            means,
            scales,
            coefficients: weights.slice(0, FIRST_DESIGN_FEATURES.length),
            intercept: weights[FIRST_DESIGN_FEATURES.length],
        };
        const model = new FittedLinear(state, { mse: NaN, r2: NaN });
        return new FittedLinear(state, fitStatistics(history.values, model.predictAt(times)));
    },
};
export function restoreLinear(state) {
    return new FittedLinear(state, { mse: NaN, r2: NaN });
}
//# sourceMappingURL=linear.js.map