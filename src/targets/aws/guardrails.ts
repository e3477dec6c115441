import type { PlannedSchedule } from '../../schedule/document.js';
import type { DesiredAction } from './actions.js';
import type { GroupState } from './group.js';
import { minOf } from '../../util/extremes.js';

/** Reasons not to push, each one a sentence; empty when the plan looks sane. */
export function guardrailProblems(
  planned: PlannedSchedule,
  actions: DesiredAction[],
  group: GroupState | undefined,
  maxGrowth: number,
): string[] {
  const problems: string[] = [];
  // With several metrics, each one's peak against its own history.
  const peaks = planned.metricPeaks ?? [{ name: '', ...planned }];
  for (const { name, historyPeak, peakPlannedLoad } of peaks) {
    if (historyPeak !== undefined && historyPeak > 0 && peakPlannedLoad > maxGrowth * historyPeak) {
      problems.push(
        `the plan's peak ${name ? `${name} ` : ''}load ${round(peakPlannedLoad)} is ${round(peakPlannedLoad / historyPeak)}× the highest ${name ? `${name} ` : ''}load in its history (${round(historyPeak)}); --max-growth allows ${maxGrowth}×`,
      );
    }
  }
  const maxSizes = actions.map((a) => a.maxSize).filter((m): m is number => m !== undefined);
  if (group && maxSizes.length > 0 && minOf(maxSizes) < group.desiredCapacity) {
    problems.push(
      `MaxSize ${minOf(maxSizes)} is below the group's current DesiredCapacity ${group.desiredCapacity}: it would cut running capacity`,
    );
  }
  const over = actions
    .map((action) => ({ action, need: Math.max(action.minSize ?? 0, action.desiredCapacity ?? 0) }))
    .map(({ action, need }) => ({ action, need, ceiling: ceilingOf(action, group) }))
    .filter(({ need, ceiling }) => ceiling !== undefined && need > ceiling.maxSize)
    .sort((a, b) => b.need - a.need)[0];
  if (over) {
    const { need, ceiling } = over;
    problems.push(
      `the plan needs ${need} servers but MaxSize is ${ceiling!.maxSize}${ceiling!.source}: those actions would fail when they run`,
    );
  }
  return problems;
}

/**
 * The MaxSize an action will have once pushed: its own, else the one an earlier push left on it
 * (AWS keeps a field an update leaves out), else the group's.
 */
function ceilingOf(
  action: DesiredAction,
  group: GroupState | undefined,
): { maxSize: number; source: string } | undefined {
  if (action.maxSize !== undefined) return { maxSize: action.maxSize, source: '' };
  const kept = group?.actions.find((a) => a.name === action.name)?.maxSize;
  if (kept !== undefined) {
    return {
      maxSize: kept,
      source: ` (left on ${action.name} by an earlier --max-size, which an update keeps; give --max-size to change it)`,
    };
  }
  return group ? { maxSize: group.maxSize, source: " (the group's)" } : undefined;
}

const round = (value: number) => Number(value.toPrecision(3));
