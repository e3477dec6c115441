/** The timestamps of the `horizon` steps after a series ends. */
export function futureTimes(history, horizon) {
    const times = new Float64Array(horizon);
    const next = history.start + history.values.length * history.stepMs;
    for (let i = 0; i < horizon; i++)
        times[i] = next + i * history.stepMs;
    return times;
}
export function timesOf(series) {
    const times = new Float64Array(series.values.length);
    for (let i = 0; i < times.length; i++)
        times[i] = series.start + i * series.stepMs;
    return times;
}
export function fitStatistics(actual, fitted) {
    let n = 0;
    let sum = 0;
    for (let i = 0; i < actual.length; i++)
        if (!Number.isNaN(actual[i]))
            ((sum += actual[i]), n++);
    const mean = sum / n;
    let sse = 0;
    let sst = 0;
    for (let i = 0; i < actual.length; i++) {
        if (Number.isNaN(actual[i]))
            continue;
        sse += (actual[i] - fitted[i]) ** 2;
        sst += (actual[i] - mean) ** 2;
    }
    return { mse: sse / n, r2: sst === 0 ? 0 : 1 - sse / sst };
}
//# sourceMappingURL=types.js.map