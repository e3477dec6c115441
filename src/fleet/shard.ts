import { createHash } from 'node:crypto';
import { z } from 'zod';
import { settingsOf } from '../settings/table.js';
import { InputError, UserError } from '../errors.js';
import type { PlanJson } from '../report/fleet.js';

// Sharding a fleet: n machines (CI matrix jobs, a Kubernetes Indexed Job) each plan a part of it
// and write a part file; `headroom report --merge` checks the parts belong together and joins them.

/** One part of a fleet run: the i-th of n, 1-based like Playwright's and Jest's `--shard`. */
export interface Shard {
  index: number;
  count: number;
}

export const PART_FORMAT = 'headroom.fleet-part/v1';

/** `--shard i/n`, checked. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || index < 1 || index > count || !Number.isSafeInteger(count)) {
    throw new UserError(
      `--shard: expected i/n with 1 ≤ i ≤ n, got '${text}'`,
      '--shard 2/4 plans the second of four parts of the fleet; run one job for each of 1/4 … 4/4',
    );
  }
  return { index, count };
}

export const shardName = (shard: Shard) => `${shard.index}/${shard.count}`;

export const partFileName = (shard: Shard) => `fleet-part-${shard.index}-of-${shard.count}.json`;

/** Part files as `partFileName` names them; a directory given to --merge means every one in it. */
export const PART_FILE = /^fleet-part-\d+-of-\d+\.json$/;

/** Code-unit order: the same on every machine, whatever its locale. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The tasks of one shard: the fleet sorted by name, task k (from 0) going to shard k mod n + 1.
 * Deterministic and balanced (sizes differ by at most one), whichever machine runs it. Each task
 * keeps its position in the fleet's own order, so a merge can list services as a whole run would.
 */
export function tasksOfShard<T extends { name: string }>(
  tasks: readonly T[],
  shard: Shard,
): { task: T; position: number }[] {
  return tasks
    .map((task, position) => ({ task, position }))
    .sort((a, b) => byName(a.task.name, b.task.name))
    .filter((_, k) => k % shard.count === shard.index - 1);
}

/** How many of `total` tasks shard i/n holds. */
export const shardSize = (total: number, shard: Shard) =>
  Math.max(0, Math.ceil((total - (shard.index - 1)) / shard.count));

/** Names the whole fleet, so a merge can tell parts of one fleet from parts of an edited config. */
export function fleetFingerprint(names: readonly string[]): string {
  const hash = createHash('sha256');
  for (const name of [...names].sort(byName)) hash.update(`${name}\n`);
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The settings that decide a service's numbers (capacity, model, shaping, zone and interval; not
 * paths, which differ between checkouts), as text: two shards of one run hold the same.
 */
export const PLANNING_KEYS = [
  ...settingsOf('capacity'),
  ...settingsOf('schedule'),
  ...settingsOf('model'),
  ...settingsOf('ingest'),
]
  .map(([key]) => key)
  .filter((key) => !['modelFile', 'events', 'series', 'seriesColumn'].includes(key));

/** A service's planning settings as the part file keeps them. */
export function planningSettings(options: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    PLANNING_KEYS.filter((key) => options[key] !== undefined).map((key) => [
      key,
      String(options[key]),
    ]),
  );
}

/** The first service and setting two parts disagree on; parts from before settings were kept pass. */
function settingsDiffer(
  a: FleetPart['settings'],
  b: FleetPart['settings'],
): { service: string; key: string; here?: string; there?: string } | undefined {
  if (!a || !b) return undefined;
  for (const service of Object.keys(a).sort(byName)) {
    const here = a[service];
    const there = b[service] ?? {};
    for (const key of new Set([...Object.keys(here), ...Object.keys(there)])) {
      if (here[key] !== there[key]) return { service, key, here: here[key], there: there[key] };
    }
  }
  return undefined;
}

/** One planned service in a part file: what the report needs of it, as the worker returned it. */
export interface PartOutcome {
  name: string;
  /** Its place in the fleet's own order (the config's), where the merged report lists it. */
  position: number;
  ok: boolean;
  seconds: number;
  /** `plan --json` output; its `files` relative to the reports folder, where the part file is. */
  plan?: PlanJson & Record<string, unknown>;
  error?: string;
  warnings: string[];
  notes: string[];
}

/** `reports/fleet-part-<i>-of-<n>.json`: everything one shard planned. */
export interface FleetPart {
  format: typeof PART_FORMAT;
  shard: Shard;
  /** The config file the shard planned, as it found it. */
  config: string;
  /** Tasks in the whole fleet, and the fingerprint of their names. */
  total: number;
  fleet: string;
  /** The names in this shard, in shard order. */
  services: string[];
  /** Every service's planning settings (not only this shard's): shards of one run agree. */
  settings?: Record<string, Record<string, string>>;
  generatedAt: string;
  outcomes: PartOutcome[];
}

const planSchema: z.ZodType<PlanJson & Record<string, unknown>> = z.looseObject({
  timezone: z.string(),
  interval: z.string(),
  start: z.string(),
  end: z.string(),
  source: z.looseObject({
    file: z.string(),
    valueColumn: z.string(),
    model: z.string(),
    selection: z.string().optional(),
    quantile: z.number(),
  }),
  capacity: z.looseObject({ capacityPerServer: z.number(), targetUtilization: z.number() }),
  summary: z.looseObject({
    peakForecast: z.number(),
    peakForecastAt: z.string(),
    peakServers: z.number(),
    minServers: z.number(),
    serverHours: z.number(),
    changes: z.number(),
    cappedSteps: z.number(),
  }),
  shaped: z
    .looseObject({
      mode: z.enum(['weekly', 'dated']),
      leadTime: z.string(),
      minHold: z.string(),
      maxChanges: z.number(),
      rawChanges: z.number(),
      changes: z.number(),
      extraServerHours: z.number(),
      extraPercent: z.number(),
      fittedTo: z.string().optional(),
    })
    .optional(),
  entries: z.array(
    z.object({
      timestamp: z.string(),
      capacity: z.number(),
      change: z.number(),
      action: z.string(),
    }),
  ),
});

const count = z.number().int().nonnegative();

const partSchema = z.object({
  format: z.literal(PART_FORMAT),
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }),
  config: z.string(),
  total: count,
  fleet: z.string(),
  services: z.array(z.string()),
  settings: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  generatedAt: z.string(),
  outcomes: z.array(
    z.object({
      name: z.string(),
      position: count,
      ok: z.boolean(),
      seconds: z.number(),
      plan: planSchema.optional(),
      error: z.string().optional(),
      warnings: z.array(z.string()),
      notes: z.array(z.string()),
    }),
  ),
});

/** Reads a part file's text, saying what is wrong with it and where. */
export function parsePart(text: string, file: string): FleetPart {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(file, undefined, `not JSON (${(error as Error).message})`);
  }
  if ((data as { format?: unknown } | null)?.format !== PART_FORMAT) {
    throw new InputError(
      file,
      undefined,
      `not a fleet part file (expected "format": "${PART_FORMAT}")`,
      'part files are what `headroom plan --config … --shard i/n` writes',
    );
  }
  const parsed = partSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`));
    throw new InputError(file, undefined, `${where.join('').replace(/^\./, '')}: ${issue.message}`);
  }
  const part = parsed.data as FleetPart;
  if (part.shard.index > part.shard.count) {
    throw new InputError(file, undefined, `shard ${shardName(part.shard)}: i is larger than n`);
  }
  const names = part.outcomes.map((o) => o.name);
  if (names.join('\n') !== part.services.join('\n')) {
    throw new InputError(file, undefined, 'its outcomes do not match its list of services');
  }
  const expected = shardSize(part.total, part.shard);
  if (part.services.length !== expected) {
    throw new InputError(
      file,
      undefined,
      `shard ${shardName(part.shard)} of ${part.total} services should hold ${expected}, holds ${part.services.length}`,
    );
  }
  return part;
}

/** A part with the file it came from, for messages and for finding its services' folders. */
export interface LoadedPart {
  file: string;
  part: FleetPart;
}

export interface MergedFleet {
  count: number;
  total: number;
  config: string;
  /** Shards given and missing, by index. */
  shards: number[];
  missing: number[];
  /** Services of the missing shards, which the report cannot show. */
  missingServices: number;
  /** Every outcome in the fleet's own order, with the part it came from. */
  outcomes: (PartOutcome & { file: string })[];
}

/**
 * Checks that parts belong together (same n, same fleet, each shard once, each service once) and
 * joins them. A missing shard is an error unless `allowMissing`.
 */
export function mergeParts(parts: readonly LoadedPart[], allowMissing: boolean): MergedFleet {
  if (parts.length === 0) throw new UserError('no part files to merge');
  const [first] = parts;
  const { count } = first.part.shard;
  const byShard = new Map<number, LoadedPart>();
  const byService = new Map<string, string>();
  const outcomes: MergedFleet['outcomes'] = [];
  const mismatch = (file: string, problem: string) =>
    new UserError(
      `${file}: ${problem}`,
      'merge the parts of one run: the same config, sharded with the same n; delete part files left from other runs',
    );
  for (const { file, part } of parts) {
    if (part.shard.count !== count) {
      throw mismatch(
        file,
        `shard ${shardName(part.shard)} is a part of ${part.shard.count}, but ${first.file} is shard ${shardName(first.part.shard)}: parts of different n`,
      );
    }
    if (part.total !== first.part.total) {
      throw mismatch(
        file,
        `its fleet has ${part.total} services, but ${first.file}'s has ${first.part.total}`,
      );
    }
    if (part.fleet !== first.part.fleet) {
      throw mismatch(
        file,
        `its fleet's services are not those of ${first.file} (the config changed between shards?)`,
      );
    }
    const differs = settingsDiffer(part.settings, first.part.settings);
    if (differs) {
      const { service, key, here, there } = differs;
      throw mismatch(
        file,
        `service '${service}' was planned with ${key} ${here ?? '(unset)'}, in ${first.file} with ${there ?? '(unset)'} (the config or the flags changed between shards)`,
      );
    }
    const twice = byShard.get(part.shard.index);
    if (twice) {
      throw new UserError(
        `${file}: shard ${shardName(part.shard)} is given twice (also ${twice.file})`,
        'give each part once: a folder, or the part files, not both',
      );
    }
    byShard.set(part.shard.index, { file, part });
    for (const outcome of part.outcomes) {
      const other = byService.get(outcome.name);
      if (other !== undefined) {
        throw mismatch(file, `service '${outcome.name}' is also in ${other}`);
      }
      byService.set(outcome.name, file);
      outcomes.push({ ...outcome, file });
    }
  }
  const all = Array.from({ length: count }, (_, i) => i + 1);
  const missing = all.filter((i) => !byShard.has(i));
  if (missing.length > 0 && !allowMissing) {
    throw new UserError(
      `missing ${missing.length} of ${count} shards: ${missing.map((i) => shardName({ index: i, count })).join(', ')} (no ${missing.map((i) => partFileName({ index: i, count })).join(', ')} among the parts given)`,
      'wait for every shard to finish, or add --allow-missing for a partial report that names the missing shards',
    );
  }
  outcomes.sort((a, b) => a.position - b.position);
  return {
    count,
    total: first.part.total,
    config: first.part.config,
    shards: all.filter((i) => byShard.has(i)),
    missing,
    missingServices: missing.reduce(
      (sum, index) => sum + shardSize(first.part.total, { index, count }),
      0,
    ),
    outcomes,
  };
}
