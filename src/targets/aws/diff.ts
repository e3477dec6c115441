/** A scheduled action as the group holds it (the fields headroom compares). */
export interface ExistingAction {
  name: string;
  recurrence?: string;
  timeZone?: string;
  startTime?: number;
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
}

/** One scheduled action as headroom wants it on the group, with the planned servers it stands for. */
export interface DesiredAction extends ExistingAction {
  capacity: number;
}

export interface ActionChange {
  op: 'create' | 'update' | 'delete';
  name: string;
  desired?: DesiredAction;
  existing?: ExistingAction;
  /** For updates: "MinSize 4 → 5", one per field that differs. */
  changes: string[];
}

export interface ActionDiff {
  changes: ActionChange[];
  unchanged: number;
  /** Actions on the group without the prefix: never touched, but they count against the quota. */
  foreign: ExistingAction[];
}

const FIELDS = [
  ['recurrence', 'Recurrence'],
  ['timeZone', 'TimeZone'],
  ['minSize', 'MinSize'],
  ['maxSize', 'MaxSize'],
  ['desiredCapacity', 'DesiredCapacity'],
] as const;

const show = (value: unknown) => (value === undefined ? '–' : String(value));

function fieldChanges(existing: ExistingAction, desired: DesiredAction): string[] {
  // The API keeps a field left out of an update, so a field headroom does not set is not compared.
  const managed = FIELDS.filter(([key]) => desired[key] !== undefined);
  const changes: string[] = managed
    .filter(([key]) => existing[key] !== desired[key])
    .map(([key, label]) => `${label} ${show(existing[key])} → ${show(desired[key])}`);
  // A recurring action's StartTime is its next run, which AWS moves on; only one-offs compare it.
  if (desired.recurrence === undefined && existing.startTime !== desired.startTime) {
    const iso = (ms?: number) => (ms === undefined ? '–' : new Date(ms).toISOString());
    changes.push(`StartTime ${iso(existing.startTime)} → ${iso(desired.startTime)}`);
  }
  return changes;
}

/** What must change on the group so that its actions with `prefix` are exactly `desired`. */
export function diffActions(
  existing: ExistingAction[],
  desired: DesiredAction[],
  prefix: string,
): ActionDiff {
  const owned = new Map(existing.filter((a) => a.name.startsWith(prefix)).map((a) => [a.name, a]));
  const changes: ActionChange[] = [];
  let unchanged = 0;
  for (const action of desired) {
    const current = owned.get(action.name);
    if (!current) {
      changes.push({ op: 'create', name: action.name, desired: action, changes: [] });
      continue;
    }
    const differences = fieldChanges(current, action);
    if (differences.length === 0) unchanged++;
    else
      changes.push({
        op: 'update',
        name: action.name,
        desired: action,
        existing: current,
        changes: differences,
      });
  }
  const wanted = new Set(desired.map((a) => a.name));
  for (const [name, current] of owned) {
    if (!wanted.has(name)) changes.push({ op: 'delete', name, existing: current, changes: [] });
  }
  return { changes, unchanged, foreign: existing.filter((a) => !a.name.startsWith(prefix)) };
}
