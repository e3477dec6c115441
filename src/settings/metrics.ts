/**
 * Several metrics per service: `--metric NAME=SOURCE[,KEY=VALUE…]` on the command line, or a
 * `metrics:` list in headroom.yaml. Each metric has its own history and may set its own capacity
 * per server, target utilisation, aggregation and value column over the service's settings.
 */
import { UserError } from '../errors.js';
import { AGGREGATIONS } from '../ingest/resample.js';
import { describeSource, namesRemoteSource, type HistorySource } from '../sources/registry.js';
import { capacitySettings, ingestOptions, parseSettings, type RawOptions } from './parse.js';
import { settingsOf } from './table.js';

/** The settings a metric may set for itself, as `--metric` or the config gives them. */
export type MetricSettings = Partial<
  Pick<RawOptions, 'capacityPerServer' | 'targetUtilization' | 'agg' | 'valueColumn'>
>;

/** One metric of a service: its name, where its history is and its own settings. Plain data. */
export interface MetricSource {
  name: string;
  history: HistorySource;
  settings: MetricSettings;
}

/** The keys `--metric` takes after the source, and their long names (flag and config spelling). */
const KEYS: Record<string, keyof MetricSettings> = {
  capacity: 'capacityPerServer',
  'capacity-per-server': 'capacityPerServer',
  capacityPerServer: 'capacityPerServer',
  target: 'targetUtilization',
  'target-utilization': 'targetUtilization',
  targetUtilization: 'targetUtilization',
  agg: 'agg',
  column: 'valueColumn',
  'value-column': 'valueColumn',
  valueColumn: 'valueColumn',
};

/** The words messages use for a metric's settings (the short keys of --metric). */
const SHORT: Record<keyof MetricSettings, string> = {
  capacityPerServer: 'capacity',
  targetUtilization: 'target',
  agg: 'agg',
  valueColumn: 'column',
};

const NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i;

export const METRIC_SYNTAX = 'NAME=CSV[,capacity=N][,target=F][,agg=A][,column=C]';

/** `requests=rps.csv,capacity=1000` → the metric it names. */
export function parseMetricFlag(text: string): MetricSource {
  const fail = (problem: string): never => {
    throw new UserError(
      `--metric '${text}': ${problem}`,
      `write --metric ${METRIC_SYNTAX}, e.g. --metric 'cpu=cpu.csv,capacity=100,target=0.7'`,
    );
  };
  const [head, ...rest] = text.split(',');
  const eq = head.indexOf('=');
  if (eq < 0) return fail('expected NAME=SOURCE first');
  const name = head.slice(0, eq).trim();
  const file = head.slice(eq + 1).trim();
  if (!NAME.test(name))
    return fail(`'${name}' is not a metric name (letters, digits, "-", "_" and "." only)`);
  if (file === '') return fail('no source after the name: a CSV file, or - for standard input');
  const settings: MetricSettings = {};
  for (const pair of rest) {
    const at = pair.indexOf('=');
    const key = KEYS[pair.slice(0, at).trim()];
    if (at < 0 || !key) {
      return fail(`'${pair}' is not KEY=VALUE with KEY one of capacity, target, agg, column`);
    }
    settings[key] = pair.slice(at + 1).trim();
  }
  return { name, history: file, settings };
}

/** A service's options with one metric's own settings over them. */
export function metricOptions<T extends RawOptions>(options: T, metric: MetricSource): T {
  return { ...options, ...metric.settings };
}

/** A message about a flag, reworded for a metric: `--capacity-per-server` becomes `capacity`. */
function inMetricWords(text: string): string {
  return text.replace(/--([a-z-]+)/g, (flag, name: string) => {
    const key = KEYS[name];
    return key ? SHORT[key] : flag;
  });
}

/**
 * Checks a service's metrics before anything is read: names once each, at most one from standard
 * input, no saved model, every metric's capacity given (the placeholder would size every metric
 * alike, whatever its unit) and each metric's settings valid.
 */
export function checkMetrics(metrics: MetricSource[], options: RawOptions): void {
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m.name)) {
      throw new UserError(`metric '${m.name}' is named twice`, 'give every metric its own name');
    }
    seen.add(m.name);
  }
  if (metrics.length < 2) return;
  if (metrics.filter((m) => m.history === '-').length > 1) {
    throw new UserError('two metrics read standard input', 'give at most one metric the source -');
  }
  if (options.modelFile !== undefined) {
    throw new UserError(
      '--model-file holds one metric’s model: it cannot plan several metrics',
      'drop --model-file, or plan one metric',
    );
  }
  for (const m of metrics) {
    const merged = metricOptions(options, m);
    if (merged.capacityPerServer === undefined) {
      throw new UserError(
        `metric '${m.name}' has no capacity per server: with several metrics each needs its own, in its own unit`,
        `add capacity=N to --metric ${m.name}=… (the load of ${m.name} one server handles at 100%), or capacityPerServer: to its block in headroom.yaml`,
      );
    }
    if (
      m.settings.agg !== undefined &&
      !(AGGREGATIONS as readonly string[]).includes(m.settings.agg)
    ) {
      throw new UserError(
        `metric '${m.name}': agg=${m.settings.agg} is not one of ${AGGREGATIONS.join(', ')}`,
      );
    }
    try {
      // The metric's ingest and capacity settings; the forecast's are the service's own.
      const typed = parseSettings(
        Object.fromEntries(
          settingsOf().map(([key, s]) => [key, s.group === 'model' ? undefined : merged[key]]),
        ),
      );
      ingestOptions(typed);
      capacitySettings(typed);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      throw new UserError(
        `metric '${m.name}': ${inMetricWords(error.message)}`,
        error.hint && inMetricWords(error.hint),
      );
    }
  }
}

/** How messages name a service's metrics: "requests (rps.csv), cpu (cpu.csv)". */
export function describeMetrics(metrics: MetricSource[]): string {
  return metrics.map((m) => `${m.name} (${describeSource(m.history)})`).join(', ');
}

/**
 * The metrics `--metric` names (none: undefined, and the command reads its one history). They
 * name their own sources, so neither a CSV argument nor a remote source's flags go with them.
 */
export function metricsFrom(
  csv: string | undefined,
  options: RawOptions & { metric?: string[] },
): MetricSource[] | undefined {
  if (!options.metric || options.metric.length === 0) return undefined;
  if (csv !== undefined) {
    throw new UserError(
      `give the history either as the CSV ${csv} or with --metric, not both`,
      `with several metrics, name each with --metric, e.g. --metric 'requests=${csv},capacity=1000'`,
    );
  }
  if (namesRemoteSource(options)) {
    throw new UserError(
      '--metric names its own source: a remote source flag (--prometheus, --cloudwatch…) cannot go with it',
      'on the command line a metric reads a CSV or - (standard input); for a remote metric, give its source: block in headroom.yaml',
    );
  }
  if (options.seriesColumn !== undefined) {
    throw new UserError(
      '--series-column splits one file into services: it cannot go with --metric',
    );
  }
  const metrics = options.metric.map(parseMetricFlag);
  checkMetrics(metrics, options);
  return metrics;
}
