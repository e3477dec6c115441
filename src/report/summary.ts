import { describePlanRule, formatShare } from '../capacity/servers.js';
import { planFigures, type PlanFigures } from '../capacity/figures.js';
import type { CapacityPlan, CapacitySettings, Forecast, Schedule, Warning } from '../types.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import { formatShort, formatTimestamp } from '../util/time.js';
import { markdownCode, markdownText } from './escape.js';
import { formatReadable } from './tables.js';

/**
 * What the plan risks, in words: its expected hours above 100% of capacity against the budget,
 * and what the servers above the forecast at the target utilisation cost.
 */
export function riskLine(f: PlanFigures, s: CapacitySettings, hours: number): string | undefined {
  if (f.expectedShortShare === undefined) return undefined;
  const budget = s.planOn === 'risk' ? ` (budget ${formatShare(s.risk)})` : '';
  return (
    `expected ${formatReadable(f.expectedShortHours ?? 0)} of ${formatReadable(hours)} hours above 100% of capacity, ` +
    `${formatShare(f.expectedShortShare)}${budget}; ${formatReadable(f.extraServerHours ?? 0)} server-hours above the forecast at ${Math.round(s.targetUtilization * 100)}%`
  );
}

export interface SummaryInput {
  file: string;
  valueColumn: string;
  zone: string;
  forecast: Forecast;
  plan: CapacityPlan;
  schedule: Schedule;
  /** Why `auto` chose the model, when it did. */
  selection?: string;
  warnings: Warning[];
  /** The chart files to link, or undefined when none were drawn (`--no-charts`). */
  charts: { forecast: string; plan: string } | undefined;
}

/** What summary.md says instead of showing the charts when they were not drawn. */
export const CHARTS_NOT_DRAWN =
  'Charts were not drawn (`--no-charts`, or `charts: false` in headroom.yaml): plan without --no-charts to get `forecast.png` and `plan.png`.';

/**
 * Where the charts are. Not embedded: this file is made to be appended to $GITHUB_STEP_SUMMARY,
 * where an image beside it does not load; index.html shows them with the same figures.
 */
export function chartsLine(charts: { forecast: string; plan: string }): string {
  return `Charts: \`${charts.forecast}\` and \`${charts.plan}\` beside this file, and \`index.html\`, which shows them with this summary (they are not embedded here, so that the summary reads right in a CI step summary, where images beside it do not load).`;
}

const MAX_SCHEDULE_ROWS = 30;

/** The Markdown summary (renders in CI job summaries and pull requests). */
export function summaryMarkdown(input: SummaryInput): string {
  const { forecast, plan, schedule, zone } = input;
  const f = planFigures(plan, schedule);
  const s = plan.settings;
  const horizon = formatDuration(forecast.point.length * forecast.stepMs);
  const risk = riskLine(f, s, (forecast.point.length * forecast.stepMs) / HOUR_MS);
  const lines = [
    `# Capacity plan for ${markdownCode(input.valueColumn)}`,
    '',
    `From ${markdownCode(input.file)}: ${horizon} from ${formatShort(forecast.start, zone)} (${zone}) ` +
      `at ${formatDuration(forecast.stepMs)} steps, model ${markdownCode(forecast.model)}` +
      (input.selection ? ` (chosen by auto: ${markdownText(input.selection)}).` : '.'),
    '',
    '| figure | value |',
    '|---|---|',
    `| peak forecast | ${formatReadable(f.peakForecast)} at ${formatShort(f.peakForecastAt, zone)} |`,
    `| peak planned load (${describePlanRule(s, forecast.quantile)}) | ${formatReadable(f.peakPlannedLoad)} |`,
    `| servers | ${f.minServers} to ${f.peakServers} (peak at ${formatShort(f.peakServersAt, zone)}) |`,
    `| server-hours | ${formatReadable(f.serverHours)} |`,
    `| scaling changes | ${f.changes} |`,
    `| capacity rule | ${s.capacityPerServer} per server at ${Math.round(s.targetUtilization * 100)}% utilisation` +
      `${s.headroom ? `, +${Math.round(s.headroom * 100)}% headroom` : ''}` +
      `${s.baseServers ? `, ${s.baseServers} base servers` : ''}, ${s.minServers}–${Number.isFinite(s.maxServers) ? s.maxServers : '∞'} servers |`,
    `| prediction band | ${forecast.intervalMethod} |`,
    ...(risk ? [`| risk | ${risk} |`] : []),
    '',
  ];
  if (f.cappedSteps > 0) {
    lines.push(
      `> **Warning:** in ${f.cappedSteps} interval(s) the plan needs more than --max-servers ${s.maxServers}; those hours are under-provisioned.`,
      '',
    );
  }
  if (input.warnings.length > 0) {
    lines.push(
      '## What was fixed in the input',
      '',
      ...input.warnings.map((w) => `- ${markdownText(w.message)}`),
      '',
    );
  }
  lines.push(
    '## Schedule',
    '',
    '| time | servers | change | action |',
    '|---|---:|---:|---|',
    ...schedule.entries
      .slice(0, MAX_SCHEDULE_ROWS)
      .map(
        (e) =>
          `| ${formatTimestamp(e.timestamp, zone)} | ${e.capacity} | ${e.change > 0 ? '+' : ''}${e.change} | ${e.action} |`,
      ),
  );
  if (schedule.entries.length > MAX_SCHEDULE_ROWS) {
    lines.push(
      '',
      `…and ${schedule.entries.length - MAX_SCHEDULE_ROWS} more rows in \`schedule.csv\`.`,
    );
  }
  if (input.charts) {
    lines.push('', chartsLine(input.charts), '');
  } else {
    lines.push('', CHARTS_NOT_DRAWN, '');
  }
  return lines.join('\n');
}
