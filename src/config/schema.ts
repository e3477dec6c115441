import { z } from 'zod';
import { configShape, duration, sourceShape } from '../settings/table.js';
import { blockSchema } from '../targets/definition.js';
import { PUSH_TARGETS } from '../targets/registry.js';

// headroom.yaml: every key is the camelCase name of a command-line flag (--capacity-per-server is
// capacityPerServer), so the file and the flags say the same things in the same words.

/**
 * Everything that shapes one service's plan: the settings table's keys (the same options as
 * `headroom plan`'s flags), and the few flags of plan and push that are not in it.
 */
export const planKeys = {
  ...configShape(),
  /** `plan` warns, `push` refuses (see --force), when the history ended longer ago than this. */
  maxStaleness: duration,
  unit: z.string(),
  /** `--no-charts` is `charts: false`. */
  charts: z.boolean(),
};

/** `push:` a block per push target (src/targets/registry.ts), its keys the target's flags. */
const push = z
  .object(Object.fromEntries(PUSH_TARGETS.map((target) => [target.name, blockSchema(target)])))
  .partial()
  .strict();

const serviceName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i, 'letters, digits, "-", "_" and "." only');

/**
 * A remote source instead of `data`: the source flags as keys (`prometheus: URL`, `query: …`).
 * Reading is no risk like the push endpoint, so any URL is fine; its file paths stay in the folder.
 */
const sourceBlock = z.object(sourceShape()).partial().strict();

/**
 * One metric of a service that several metrics size (see docs/capacity.md#several-metrics): its
 * name, its history (`data` or `source`, as a service's) and its own capacity settings.
 */
const metricBlock = z
  .object({
    name: serviceName,
    data: z.string().min(1).optional(),
    source: sourceBlock.optional(),
    capacityPerServer: planKeys.capacityPerServer.optional(),
    targetUtilization: planKeys.targetUtilization.optional(),
    agg: planKeys.agg.optional(),
    valueColumn: planKeys.valueColumn.optional(),
  })
  .strict();

export const serviceSchema = z
  .object({
    name: serviceName,
    /** Several metrics that each size the service, instead of `data` or `source`. */
    metrics: z.array(metricBlock).min(1, 'expected at least one metric').optional(),
    /** A CSV file, or a glob (`metrics/*.csv`): one service per file. Or `source`. */
    data: z.string().min(1).optional(),
    /** A remote source (Prometheus, CloudWatch) the history is read from, instead of `data`. */
    source: sourceBlock.optional(),
    // seriesColumn (long format: one service per value of this column) and series (only that
    // one) come from the settings table with the other plan keys.
    /** With seriesColumn: the most series the file may hold (default 10,000; --max-series wins). */
    maxSeries: z.number().int().positive().optional(),
    push: push.optional(),
    ...Object.fromEntries(Object.entries(planKeys).map(([k, v]) => [k, v.optional()])),
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(1).default(1),
    /** Where fleet reports go: one folder per service and an index.html. */
    reports: z.string().min(1).default('reports'),
    /** Applied to every service; a service's own keys win. */
    defaults: z.object(planKeys).partial().strict().default({}),
    services: z.array(serviceSchema).min(1, 'expected at least one service'),
  })
  .strict();

export type ServiceConfig = z.infer<typeof serviceSchema> & PlanKeys;
export type Config = z.infer<typeof configSchema>;
export type PlanKeys = Partial<{ [K in keyof typeof planKeys]: z.infer<(typeof planKeys)[K]> }>;
