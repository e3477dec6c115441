import { UserError } from '../errors.js';
import { loadSeries } from '../ingest/index.js';
import { readModelFile } from '../models/model-file.js';
import { getForecaster } from '../models/registry.js';
import { forecastWith, forecastWithSaved } from '../pipeline.js';
import { formatDuration } from '../util/duration.js';
import { forecastRequest, ingestOptions } from './options.js';
/** The shared first half of `forecast` and `plan`: read the CSV, then fit (or load) and forecast. */
export async function forecastFromCsv(csv, raw) {
    const ingest = ingestOptions(raw);
    const request = forecastRequest(raw);
    const ingested = await loadSeries(csv, ingest);
    if (!raw.modelFile) {
        const result = forecastWith(getForecaster(raw.model), ingested.series, request);
        return { ingested, result, zone: ingest.timezone };
    }
    const { model, file } = await readModelFile(raw.modelFile);
    if (file.state.stepMs !== ingest.intervalMs) {
        throw new UserError(`${raw.modelFile}: the model was fitted at ${formatDuration(file.state.stepMs)} steps, but --interval is ${formatDuration(ingest.intervalMs)}`, `add --interval ${formatDuration(file.state.stepMs)}`);
    }
    const result = forecastWithSaved(model, file.errors, ingested.series, {
        ...request,
        context: { zone: file.state.zone },
    });
    return { ingested, result, zone: ingest.timezone };
}
//# sourceMappingURL=shared.js.map