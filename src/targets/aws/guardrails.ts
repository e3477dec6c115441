import type { PlannedSchedule } from '../../schedule/document.js';
import type { DesiredAction } from './actions.js';
import type { GroupState } from './group.js';
import { maxOf, minOf } from '../../util/extremes.js';

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
  const peak = maxOf(actions.map((a) => Math.max(a.minSize ?? 0, a.desiredCapacity ?? 0)));
  const ceiling = maxSizes.length > 0 ? minOf(maxSizes) : group?.maxSize;
  if (ceiling !== undefined && peak > ceiling) {
    problems.push(
      `the plan needs ${peak} servers but MaxSize is ${ceiling}${maxSizes.length > 0 ? '' : " (the group's)"}: those actions would fail when they run`,
    );
  }
  return problems;
}

const round = (value: number) => Number(value.toPrecision(3));
