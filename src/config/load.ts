import { basename, extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { configSchema, type Config, type ServiceConfig } from './schema.js';
import { sourceFrom, type HistorySource } from '../sources/registry.js';
import type { PlanSource } from '../run/plan.js';
import type { MetricSettings, MetricSource } from '../settings/metrics.js';
import { readTextFile } from '../util/files.js';
import { configFolder, configPath, type ConfigFolder, dataFiles, OUTSIDE_FLAG } from './paths.js';

import { CONFIG_FILE } from './file-name.js';
import { serviceSettingsProblem } from './service-settings.js';
import { pathKeys } from '../targets/definition.js';
import { PUSH_TARGETS } from '../targets/registry.js';

export { CONFIG_FILE, OUTSIDE_FLAG };

export interface LoadOptions {
  /** Let paths in the config lead outside its folder (`--allow-outside-config-dir`). */
  allowOutside?: boolean;
}

/** Anchors and aliases may expand to at most this many nodes (a "billion laughs" stops here). */
const MAX_ALIASES = 100;

/** Keys of the config that name files or folders, besides `data`: each a path from the top. */
const PATH_KEYS: PropertyKey[][] = [['reports'], ['defaults', 'events'], ['defaults', 'modelFile']];
const SERVICE_PATH_KEYS: PropertyKey[][] = [
  ['events'],
  ['modelFile'],
  ...pathKeys(PUSH_TARGETS),
  ['source', 'bearerTokenFile'],
  ['source', 'caFile'],
];
/** The paths of a metric's source block. */
const METRIC_PATH_KEYS: PropertyKey[][] = [
  ['source', 'bearerTokenFile'],
  ['source', 'caFile'],
];

/** One service to plan: its config with the defaults merged in and its history resolved. */
export interface Service extends ServiceConfig {
  /** Where its history comes from: the absolute path of its CSV, its remote source, or its metrics. */
  history: PlanSource;
  /** How messages name the CSV, when not by its path (standard input). */
  label?: string;
  /** Whether `data` was a glob that matched several files (one service each). */
  expanded: boolean;
}

export interface LoadedConfig {
  path: string;
  config: Config;
  services: Service[];
}

function closest(word: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [
      i,
      ...new Array<number>(b.length).fill(0),
    ]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(
          d[i - 1][j] + 1,
          d[i][j - 1] + 1,
          d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
        );
      }
    }
    return d[a.length][b.length];
  };
  const best = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

function dotted(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** The keys an object at `path` may have, for "did you mean" hints. */
function allowedKeys(path: PropertyKey[]): string[] {
  let schema: z.ZodType = configSchema;
  for (const part of path) {
    const def = (schema as unknown as { def: Record<string, unknown> }).def;
    if (def.type === 'default' || def.type === 'optional') schema = def.innerType as z.ZodType;
    const inner = (schema as unknown as { def: Record<string, unknown> }).def;
    if (inner.type === 'array') schema = inner.element as z.ZodType;
    else if (inner.type === 'object')
      schema = (inner.shape as Record<string, z.ZodType>)[String(part)];
    if (!schema) return [];
  }
  for (;;) {
    const def = (schema as unknown as { def: Record<string, unknown> }).def;
    if (def.type === 'default' || def.type === 'optional') schema = def.innerType as z.ZodType;
    else break;
  }
  const def = (schema as unknown as { def: Record<string, unknown> }).def;
  return def.type === 'object' ? Object.keys(def.shape as object) : [];
}

/** Where a field is in the file: ":<line>", or "" when the field is not there. */
type LineOf = (field: PropertyKey[]) => string;

/** The config file's text as YAML, with a way to find each field's line. */
function parseYaml(path: string, text: string): { data: unknown; lineOf: LineOf } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new UserError(
      doc.errors
        .map((e) => {
          const at = lines.linePos(e.pos[0]);
          return `${path}:${at.line}:${at.col}: ${e.message.split('\n')[0]}`;
        })
        .join('\n'),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new UserError(
      `${path}: too many aliases: its anchors and aliases expand to more than ${MAX_ALIASES} copies (${error.message})`,
      'write the values out, or use fewer aliases',
    );
  }
  const lineOf = (p: PropertyKey[]): string => {
    const node = doc.getIn(p as unknown[], true) as
      { range?: [number, number, number] } | undefined;
    return node?.range ? `:${lines.linePos(node.range[0]).line}` : '';
  };
  return { data, lineOf };
}

/** One line per schema issue: where, which field, what is wrong, what was found. */
function schemaProblems(
  issues: z.core.$ZodIssue[],
  data: unknown,
  path: string,
  lineOf: LineOf,
): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const allowed = allowedKeys(issue.path);
        const guess = closest(key, allowed);
        problems.push(
          `${path}${lineOf([...issue.path, key])}: ${dotted([...issue.path, key])}: unknown key${guess ? ` (did you mean '${guess}'?)` : ''}; allowed here: ${allowed.join(', ')}`,
        );
      }
      continue;
    }
    const value = issue.path.reduce<unknown>(
      (at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key],
      data,
    );
    const found = value === undefined ? 'nothing' : JSON.stringify(value);
    problems.push(
      `${path}${lineOf(issue.path)}: ${dotted(issue.path) || '(top level)'}: ${issue.message.replace(/^Invalid input: /, '')}, found ${found}`,
    );
  }
  return problems;
}

/**
 * Resolves every path in the config against its folder: each service's data files (a glob may
 * match several), and every other path in place in `data`. Returns the files and the problems.
 */
async function resolvePaths(
  data: unknown,
  folder: ConfigFolder,
  at: (field: PropertyKey[]) => string,
): Promise<{ files: string[][]; metricFiles: string[][]; problems: string[] }> {
  const problems: string[] = [];
  const rawServices = (data as { services?: unknown } | null)?.services;
  const rawList = Array.isArray(rawServices) ? (rawServices as unknown[]) : [];
  const found = await Promise.all(rawList.map((service) => serviceDataFiles(service, folder)));
  found.forEach((f, i) => {
    if (f.problem) problems.push(`${at(['services', i, 'data'])}: ${f.problem}`);
  });
  const metricFiles = await Promise.all(
    rawList.map((service, i) => metricDataFiles(service, i, folder, at, problems)),
  );
  await resolveOtherPaths(data, rawList, folder, at, problems);
  return { files: found.map((f) => f.files), metricFiles, problems };
}

/** A service's data files (a glob may match several), or why it has none it can plan. */
async function serviceDataFiles(
  service: unknown,
  folder: ConfigFolder,
): Promise<{ files: string[]; problem?: string }> {
  const {
    data: given,
    source,
    metrics,
  } = (service ?? {}) as {
    data?: unknown;
    source?: unknown;
    metrics?: unknown;
  };
  if (metrics !== undefined) {
    return given === undefined && source === undefined
      ? { files: [] }
      : {
          files: [],
          problem:
            'give either data or source, or metrics (each with its own data or source), not both',
        };
  }
  if (given !== undefined && source !== undefined) {
    return { files: [], problem: 'give either data (a CSV) or source (Prometheus), not both' };
  }
  if (given === undefined && source === undefined) {
    return {
      files: [],
      problem: 'give data (a CSV file or glob) or source (e.g. prometheus), or metrics',
    };
  }
  if (typeof given !== 'string' || given === '') return { files: [] };
  const result = await dataFiles(folder, given);
  return result.problem || result.files.length > 0
    ? result
    : { files: [], problem: `no file matches '${given}'` };
}

/** Each metric's history of service i: one file (its data) or a source ('' for a source). */
async function metricDataFiles(
  service: unknown,
  i: number,
  folder: ConfigFolder,
  at: (field: PropertyKey[]) => string,
  problems: string[],
): Promise<string[]> {
  const metrics = (service as { metrics?: unknown } | null)?.metrics;
  if (!Array.isArray(metrics)) return [];
  return Promise.all(
    (metrics as unknown[]).map(async (metric, j) => {
      const where = at(['services', i, 'metrics', j]);
      const { data: given, source } = (metric ?? {}) as { data?: unknown; source?: unknown };
      if ((given === undefined) === (source === undefined)) {
        problems.push(`${where}: give data (a CSV file) or source (e.g. prometheus): one of them`);
        return '';
      }
      if (typeof given !== 'string' || given === '') return '';
      const result = await dataFiles(folder, given);
      const problem =
        result.problem ??
        (result.files.length === 0
          ? `no file matches '${given}'`
          : result.files.length > 1
            ? `'${given}' matches ${result.files.length} files: a metric reads one`
            : undefined);
      if (problem) problems.push(`${at(['services', i, 'metrics', j, 'data'])}: ${problem}`);
      return result.files[0] ?? '';
    }),
  );
}

/** Every path other than data files: resolved against the config's folder (and kept there), in place. */
async function resolveOtherPaths(
  data: unknown,
  rawList: unknown[],
  folder: ConfigFolder,
  at: (field: PropertyKey[]) => string,
  problems: string[],
): Promise<void> {
  const metricCount = (service: unknown) => {
    const metrics = (service as { metrics?: unknown } | null)?.metrics;
    return Array.isArray(metrics) ? metrics.length : 0;
  };
  const paths = [
    ...PATH_KEYS,
    ...rawList.flatMap((_, i) => SERVICE_PATH_KEYS.map((key) => ['services', i, ...key])),
    ...rawList.flatMap((service, i) =>
      Array.from({ length: metricCount(service) }, (_, j) =>
        METRIC_PATH_KEYS.map((key) => ['services', i, 'metrics', j, ...key]),
      ).flat(),
    ),
  ];
  for (const field of paths) {
    const given = field.reduce<unknown>(
      (value, key) => (value as Record<PropertyKey, unknown> | null | undefined)?.[key],
      data,
    );
    if (typeof given !== 'string' || given === '') continue;
    const checked = await configPath(folder, given);
    if (checked.problem) problems.push(`${at(field)}: ${checked.problem}`);
    else setIn(data, field, checked.path);
  }
}

/**
 * The services to plan, one per data file or source, each with the defaults merged in; problems
 * for settings that cannot be planned together (minServers above maxServers, …) and names used
 * twice.
 */
function expandServices(
  config: Config,
  files: string[][],
  metricFiles: string[][],
  path: string,
  lineOf: LineOf,
  at: (field: PropertyKey[]) => string,
): { services: Service[]; problems: string[] } {
  const problems: string[] = [];
  const services: Service[] = [];
  const names = new Set<string>();
  config.services.forEach((raw, i) => {
    // Checks across keys, on the service as it will be planned (its keys over the defaults).
    const merged = { ...config.defaults, ...raw };
    if (
      merged.minServers !== undefined &&
      merged.maxServers !== undefined &&
      merged.minServers > merged.maxServers
    ) {
      const where = (key: string) => (key in raw ? ['services', i, key] : ['defaults', key]);
      problems.push(
        `${at(where('minServers'))} ${merged.minServers} is above ${dotted(where('maxServers'))} ${merged.maxServers} (line${lineOf(where('maxServers')).replace(':', ' ')}) for service '${raw.name}'`,
      );
    } else {
      const problem = serviceSettingsProblem(merged);
      if (problem) problems.push(`${at(['services', i])} (service '${raw.name}'): ${problem}`);
    }
    if (raw.metrics) {
      const metrics = metricSources(raw.metrics, metricFiles[i], merged, (field, problem) =>
        problems.push(`${at(['services', i, ...field])}: ${problem}`),
      );
      if ((raw as { seriesColumn?: string }).seriesColumn) {
        problems.push(
          `${at(['services', i, 'seriesColumn'])}: applies to a data file, not to metrics`,
        );
      }
      if (names.has(raw.name)) {
        problems.push(
          `${path}${lineOf(['services', i, 'name'])}: services[${i}].name: '${raw.name}' is used twice`,
        );
      }
      names.add(raw.name);
      services.push({ ...config.defaults, ...raw, history: metrics, expanded: false } as Service);
      return;
    }
    const histories: HistorySource[] = raw.source ? [] : files[i];
    if (raw.source) {
      if ((raw as { seriesColumn?: string }).seriesColumn) {
        problems.push(
          `${at(['services', i, 'seriesColumn'])}: applies to a data file, not a source`,
        );
      }
      try {
        histories.push(sourceFrom(undefined, raw.source));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        const message = error.message.replace(/^no history given$/, 'names no source');
        problems.push(
          `${at(['services', i, 'source'])}: ${message}${error.hint ? ` (${error.hint})` : ''}`,
        );
      }
    }
    for (const history of histories) {
      const name =
        histories.length > 1 && typeof history === 'string'
          ? `${raw.name}-${basename(history, extname(history))}`
          : raw.name;
      if (names.has(name)) {
        problems.push(
          `${path}${lineOf(['services', i, 'name'])}: services[${i}].name: '${name}' is used twice`,
        );
      }
      names.add(name);
      services.push({
        ...config.defaults,
        ...raw,
        name,
        history,
        expanded: histories.length > 1,
      } as Service);
    }
  });
  return { services, problems };
}

type MetricBlock = NonNullable<Config['services'][number]['metrics']>[number];

/**
 * A service's metrics as the plan reads them: each one's file (resolved) or source, and its own
 * settings as flag values. With several, each needs a capacity per server, its own or the
 * service's: the placeholder would size every metric alike, whatever its unit.
 */
function metricSources(
  blocks: MetricBlock[],
  files: string[],
  service: { capacityPerServer?: number },
  problem: (field: PropertyKey[], text: string) => void,
): MetricSource[] {
  const seen = new Set<string>();
  return blocks.map((block, j) => {
    if (seen.has(block.name)) problem(['metrics', j, 'name'], `'${block.name}' is used twice`);
    seen.add(block.name);
    if (
      blocks.length > 1 &&
      block.capacityPerServer === undefined &&
      service.capacityPerServer === undefined
    ) {
      problem(
        ['metrics', j],
        `metric '${block.name}' has no capacityPerServer: with several metrics each needs its own, in its own unit (the load of ${block.name} one server handles at 100%)`,
      );
    }
    let history: HistorySource = files[j] ?? '';
    if (block.source) {
      try {
        history = sourceFrom(undefined, block.source);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        const message = error.message.replace(/^no history given$/, 'names no source');
        problem(['metrics', j, 'source'], `${message}${error.hint ? ` (${error.hint})` : ''}`);
      }
    }
    const settings: MetricSettings = Object.fromEntries(
      (['capacityPerServer', 'targetUtilization', 'agg', 'valueColumn'] as const)
        .filter((key) => block[key] !== undefined)
        .map((key) => [key, block[key]]),
    );
    return { name: block.name, history, settings };
  });
}

/**
 * Reads and checks headroom.yaml. Every problem is reported at once, each with its line, the
 * field's path, the value found and what is allowed, so one run shows everything to fix. Every
 * path in it is resolved against its folder and must stay there (see ./paths.ts).
 */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const text = await readTextFile(
    path,
    'the config',
    '`headroom init <csv>` writes a starter headroom.yaml from a CSV it inspects',
  );
  const { data, lineOf } = parseYaml(path, text);
  const parsed = configSchema.safeParse(data ?? {});
  const problems = parsed.success ? [] : schemaProblems(parsed.error.issues, data, path, lineOf);
  // Paths are checked even when the schema failed, so one run reports every problem.
  const folder = await configFolder(path, Boolean(options.allowOutside));
  const at = (field: PropertyKey[]) => `${path}${lineOf(field)}: ${dotted(field)}`;
  const resolved = await resolvePaths(data, folder, at);
  problems.push(...resolved.problems);
  if (!parsed.success || problems.length > 0) {
    throw new UserError(problems.join('\n'), 'docs/config.md lists every key');
  }
  const config = configSchema.parse(data);
  const { services, problems: conflicts } = expandServices(
    config,
    resolved.files,
    resolved.metricFiles,
    path,
    lineOf,
    at,
  );
  if (conflicts.length > 0) throw new UserError(conflicts.join('\n'));
  return { path, config, services };
}

/** Sets the value at `field` of the plain object `data` (which has one there already). */
function setIn(data: unknown, field: PropertyKey[], value: unknown): void {
  const parent = field
    .slice(0, -1)
    .reduce<unknown>((v, key) => (v as Record<PropertyKey, unknown>)[key], data);
  (parent as Record<PropertyKey, unknown>)[field[field.length - 1]] = value;
}
