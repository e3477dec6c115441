import microdiff from 'microdiff';

/**
 * What `push k8s --diff` (and --apply, before it applies) found: each object compared as it is in
 * the cluster with the cluster's own answer to the same server-side apply sent with dryRun=All.
 * Pure: the calls are in live.ts.
 */

/** One field that the apply would change; `old` absent: added, `new` absent: removed. */
export interface FieldChange {
  path: string;
  old?: unknown;
  new?: unknown;
}

export type ObjectStatus = 'create' | 'change' | 'unchanged' | 'delete';

export interface ObjectDiff {
  /** "ScaledObject shop/web" */
  object: string;
  status: ObjectStatus;
  changes: FieldChange[];
}

export interface ClusterDiff {
  /** The API server compared with (the kubeconfig's cluster). */
  server: string;
  objects: ObjectDiff[];
  create: number;
  change: number;
  unchanged: number;
  delete: number;
}

/** Set by the API server, not by the apply: never part of the comparison. */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'uid',
  'selfLink',
];

/** The object without status and the metadata the server keeps for itself. */
export function comparable(object: Record<string, unknown>): Record<string, unknown> {
  // As JSON: the client's models hold dates and leave absent fields undefined.
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  delete copy.status;
  const metadata = { ...(copy.metadata as Record<string, unknown> | undefined) };
  for (const key of SERVER_METADATA) delete metadata[key];
  return { ...copy, metadata };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A list of objects of which some have names, as a map "[name]" → item; one without a name (a
 * KEDA trigger's name is optional) is keyed by its type and place among the unnamed of that
 * type, "[cpu #1]". Undefined for a list with no names, or two items with one key.
 */
function byName(list: unknown[]): Json | undefined {
  if (!list.some((item) => isObject(item) && typeof item.name === 'string')) return undefined;
  const unnamed = new Map<string, number>();
  const keys = list.map((item) => {
    if (!isObject(item)) return undefined;
    if (typeof item.name === 'string') return `[${item.name}]`;
    const type = typeof item.type === 'string' ? item.type : 'item';
    const place = (unnamed.get(type) ?? 0) + 1;
    unnamed.set(type, place);
    return `[${type} #${place}]`;
  });
  if (keys.some((key) => key === undefined) || new Set(keys).size !== keys.length) return undefined;
  return Object.fromEntries(list.map((item, i) => [keys[i] as string, item]));
}

/**
 * Both sides, with the lists of named items that both have at the same place (a ScaledObject's
 * triggers, containers) as maps by name: a trigger added or removed then shows as that trigger,
 * not as every later one shifted by one.
 */
function keyedByName(a: unknown, b: unknown): [unknown, unknown] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const [namedA, namedB] = [byName(a), byName(b)];
    if (namedA && namedB) return keyedByName(namedA, namedB);
    const pairs = Array.from({ length: Math.max(a.length, b.length) }, (_, i) =>
      keyedByName(a[i], b[i]),
    );
    return [pairs.slice(0, a.length).map((p) => p[0]), pairs.slice(0, b.length).map((p) => p[1])];
  }
  if (!isObject(a) || !isObject(b)) return [a, b];
  const outA: Json = { ...a };
  const outB: Json = { ...b };
  for (const key of Object.keys(a)) {
    if (key in b) [outA[key], outB[key]] = keyedByName(a[key], b[key]);
  }
  return [outA, outB];
}

const pathText = (path: (string | number)[]) =>
  path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : part.startsWith('[') || i === 0 ? part : `.${part}`,
    )
    .join('');

/** The fields the apply would change: live (undefined: the object does not exist) → dry run. */
export function compareObject(
  object: string,
  live: Record<string, unknown> | undefined,
  dryRun: Record<string, unknown>,
): ObjectDiff {
  if (!live) return { object, status: 'create', changes: [] };
  const [before, after] = keyedByName(comparable(live), comparable(dryRun)) as [Json, Json];
  const changes = microdiff(before, after).map((d): FieldChange => {
    const path = pathText(d.path);
    if (d.type === 'CREATE') return { path, new: d.value };
    if (d.type === 'REMOVE') return { path, old: d.oldValue };
    return { path, old: d.oldValue, new: d.value };
  });
  return { object, status: changes.length > 0 ? 'change' : 'unchanged', changes };
}

export function summarise(server: string, objects: ObjectDiff[]): ClusterDiff {
  const count = (status: ObjectStatus) => objects.filter((o) => o.status === status).length;
  return {
    server,
    objects,
    create: count('create'),
    change: count('change'),
    unchanged: count('unchanged'),
    delete: count('delete'),
  };
}

/** Whether applying would change anything. */
export const changesPending = (diff: ClusterDiff) => diff.create + diff.change + diff.delete > 0;

/** "1 to create, 2 to change, 3 unchanged" (and ", 1 to delete" when some are). */
export function diffSummary(diff: ClusterDiff): string {
  const counts = `${diff.create} to create, ${diff.change} to change, ${diff.unchanged} unchanged`;
  return diff.delete > 0 ? `${counts}, ${diff.delete} to delete` : counts;
}

/** A value on one line: a KEDA cron trigger as its schedule, anything else as JSON. */
function valueText(value: unknown): string {
  const trigger = value as { type?: string; metadata?: Record<string, string> } | undefined;
  if (trigger?.type === 'cron' && trigger.metadata) {
    const { start, end, desiredReplicas, timezone } = trigger.metadata;
    return `cron ${JSON.stringify(start)} to ${JSON.stringify(end)}: desiredReplicas ${desiredReplicas} (${timezone})`;
  }
  return JSON.stringify(value) ?? 'null';
}

const MARK: Record<ObjectStatus, string> = {
  create: '+',
  change: '~',
  unchanged: ' ',
  delete: '-',
};

const STATUS_TEXT: Record<ObjectStatus, string> = {
  create: 'to create',
  change: 'to change',
  unchanged: 'unchanged',
  delete: 'to delete (an earlier push wrote it; this plan no longer has it)',
};

/**
 * The diff as lines, the change marker in the first column (so a Markdown ```diff block colours
 * them): each object with its status, each changed field with `- old` and `+ new`, then the counts.
 */
export function diffLines(diff: ClusterDiff): string[] {
  const lines = [
    `compared with the cluster at ${diff.server} (server-side apply with dryRun=All, field manager headroom):`,
  ];
  for (const { object, status, changes } of diff.objects) {
    lines.push(`${MARK[status]} ${object}: ${STATUS_TEXT[status]}`);
    for (const change of changes) {
      lines.push(`    ${change.path}:`);
      if ('old' in change) lines.push(`-     ${valueText(change.old)}`);
      if ('new' in change) lines.push(`+     ${valueText(change.new)}`);
    }
  }
  lines.push(diffSummary(diff));
  return lines;
}
