/** headroom as a library: the same pipeline the CLI runs, stage by stage. */
export type * from './types.js';
export { UserError, InputError } from './errors.js';
export { loadSeries, type IngestOptions, type Ingested } from './ingest/index.js';
export { parseTimestamp } from './ingest/timestamp.js';
export { resample } from './ingest/resample.js';
export { sortAndMerge } from './ingest/clean.js';
export { getForecaster, restoreModel, MODEL_NAMES, DEFAULT_MODEL } from './models/registry.js';
export type { Forecaster, FittedModel, ModelContext } from './models/types.js';
export {
  forecastSeries,
  forecastWith,
  forecastWithSaved,
  planFromForecast,
  type ForecastRequest,
} from './pipeline.js';
export { planCapacity, plannedLoadFor, serversFor, DEFAULT_CAPACITY } from './capacity/servers.js';
export { scheduleFromPlan } from './schedule/changes.js';
export { renderForecastChart, renderPlanChart } from './report/charts.js';
export { renderBacktestChart } from './report/backtest-chart.js';
export { runBacktest } from './evaluate/backtest.js';
export { selectModel } from './evaluate/select.js';
export { holidayCalendar, makeCalendar, parseEventsCsv } from './features/events.js';
export { readEventsCsv } from './ingest/events-file.js';
export { parseDuration, formatDuration } from './util/duration.js';
export { simulate, type SimulateOptions, type SimulateResult } from './simulate/run.js';
export { hpaSync, replicasForUtilization, type HpaSpec, type HpaState } from './simulate/hpa.js';
export { FIRST_DESIGN_BEHAVIOR, behaviorFrom, type HpaBehavior } from './simulate/behavior.js';
export { stepScalingSync, FIRST_DESIGN_STEP_SCALING } from './simulate/step-scaling.js';
export { renderSimulateChart } from './report/simulate-chart.js';
export { buildK8sPush, K8S_FORMATS, type K8sPush, type K8sPushInput } from './targets/k8s/build.js';
export { kedaReplicas, cronJobReplicas, compareTimelines } from './targets/k8s/verify.js';
