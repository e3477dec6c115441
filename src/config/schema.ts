import { z } from 'zod';
import { configShape, duration, durationOrZero, sourceShape } from '../settings/table.js';
import { acceptablePrefix, PREFIX_RULE } from '../targets/aws/prefix.js';
import { trustedEndpoint } from '../util/endpoint.js';

// headroom.yaml: every key is the camelCase name of a command-line flag (--capacity-per-server is
// capacityPerServer), so the file and the flags say the same things in the same words.

const positive = z.number().positive();
const count = z.number().int().nonnegative();

/**
 * Everything that shapes one service's plan: the settings table's keys (the same options as
 * `headroom plan`'s flags), and the few flags of plan and push that are not in it.
 */
export const planKeys = {
  ...configShape(),
  leadTime: durationOrZero,
  minHold: durationOrZero,
  /** `plan` warns, `push` refuses (see --force), when the history ended longer ago than this. */
  maxStaleness: duration,
  unit: z.string(),
  /** `--no-charts` is `charts: false`. */
  charts: z.boolean(),
};

const awsTarget = z
  .object({
    group: z.string().min(1),
    region: z.string().min(1),
    profile: z.string().min(1),
    endpoint: z
      .url()
      .refine(
        trustedEndpoint,
        'a config may only name an AWS endpoint (https://…amazonaws.com) or one on this machine (localhost, 127.0.0.1, [::1]); give any other with --endpoint',
      ),
    prefix: z.string().refine(acceptablePrefix, `the prefix ${PREFIX_RULE}`),
    recurrence: z.enum(['auto', 'weekly', 'once']),
    maxActions: z.number().int().positive(),
    minSize: z.union([z.literal('plan'), count]),
    desired: z.enum(['plan', 'none']),
    maxSize: z.number().int().positive(),
    maxGrowth: positive,
  })
  .partial()
  .required({ group: true })
  .strict();

const k8sTarget = z
  .object({
    format: z.enum(['keda', 'cronjob', 'hpa']),
    target: z.string().regex(/^(deployment|statefulset)\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i, {
      message: 'expected deployment/NAME or statefulset/NAME',
    }),
    namespace: z.string().min(1),
    name: z.string().min(1),
    hpa: z.string().min(1),
    maxTriggers: z.number().int().positive(),
    maxReplicas: z.number().int().positive(),
    oneOff: z.boolean(),
    keepTriggers: z.string().min(1),
    cpuUtilization: z.number().int().positive(),
    memoryUtilization: z.number().int().positive(),
    kubectlImage: z.string().min(1),
    out: z.string().min(1),
  })
  .partial()
  .required({ target: true })
  .strict();

const push = z.object({ aws: awsTarget, k8s: k8sTarget }).partial().strict();

const serviceName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i, 'letters, digits, "-", "_" and "." only');

/**
 * A remote source instead of `data`: the source flags as keys (`prometheus: URL`, `query: …`).
 * Reading is no risk like the push endpoint, so any URL is fine; its file paths stay in the folder.
 */
const sourceBlock = z.object(sourceShape()).partial().strict();

export const serviceSchema = z
  .object({
    name: serviceName,
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
