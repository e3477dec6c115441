import { describePlanRule, formatShare } from '../capacity/servers.js';
import { planFigures, type PlanFigures } from '../capacity/figures.js';
import { bindingLine, stepsAmount } from '../capacity/metrics.js';
import { cappedText } from '../capacity/limits.js';
import type { CapacityPlan, CapacitySettings, Forecast, Schedule, Warning } from '../types.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import { formatShort } from '../util/time.js';
import { markdownCode, markdownText } from './escape.js';
import { shapedText, type ShapedRecord } from '../schedule/shape.js';
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
  /** The shaped schedule (schedule.csv) and how it was shaped. */
  schedule: Schedule;
  shaped: ShapedRecord;
  /** Why `auto` chose the model, when it did. */
  selection?: string;
  warnings: Warning[];
  /** What the run noted: events and holidays applied, a short history, columns it chose. */
  notes?: string[];
  /** The fleet service the plan is for. */
  service?: string;
  /** The chart files to link, or undefined when none were drawn (`--no-charts`). */
  charts: { forecast: string; plan: string } | undefined;
  /** With several metrics: each one's figures, and per step the one that binds. */
  metrics?: SummaryMetrics;
}

/** A plan's metrics as summary.md and the plan command show them. */
export interface SummaryMetrics {
  rows: {
    name: string;
    source: string;
    valueColumn: string;
    model: string;
    settings: CapacitySettings;
    peakForecast: number;
    peakServers: number;
    bindingSteps: number;
    expectedShortShare?: number;
    /** forecast.png for the first, forecast-NAME.png for the others. */
    chart: string;
  }[];
  /** Per step, the name of the metric that binds. */
  binding: string[];
}

/** What the combined plan risks: any metric above 100%, its metrics planned with the whole budget. */
export function metricsRiskLine(
  f: PlanFigures,
  s: CapacitySettings,
  hours: number,
): string | undefined {
  if (f.expectedShortShare === undefined) return undefined;
  const budget =
    s.planOn === 'risk' ? `each metric planned with the budget ${formatShare(s.risk)}; ` : '';
  return (
    `expected ${formatReadable(f.expectedShortHours ?? 0)} of ${formatReadable(hours)} hours with some metric above 100% of capacity, ` +
    `${formatShare(f.expectedShortShare)} (${budget}metrics taken as independent: less when they rise together); ` +
    `${formatReadable(f.extraServerHours ?? 0)} server-hours above what the forecasts need at their targets`
  );
}

/** "100 per server at 70%" */
export const capacityRule = (s: CapacitySettings) =>
  `${formatReadable(s.capacityPerServer)} per server at ${Math.round(s.targetUtilization * 100)}%`;

/** The head of summary.md for a plan with several metrics: what binds when, and each metric. */
function metricsHead(input: SummaryInput, m: SummaryMetrics, f: PlanFigures): string[] {
  const { forecast, schedule, zone } = input;
  const s = input.plan.settings;
  const horizon = formatDuration(forecast.point.length * forecast.stepMs);
  const risk = metricsRiskLine(f, s, (forecast.point.length * forecast.stepMs) / HOUR_MS);
  const names = m.rows.map((r) => r.name);
  return [
    `# Capacity plan for ${input.service === undefined ? '' : `${markdownText(input.service)}: `}${names.map(markdownCode).join(', ')}`,
    '',
    `${m.rows.length} metrics, each forecast and planned on its own; the plan takes the most servers any of them needs: ${horizon} from ${formatShort(forecast.start, zone)} (${zone}) at ${formatDuration(forecast.stepMs)} steps.`,
    '',
    '| figure | value |',
    '|---|---|',
    `| binding | ${markdownText(
      bindingLine(
        names,
        m.rows.map((r) => r.bindingSteps),
        schedule.stepMs,
      ),
    )} |`,
    `| servers | ${f.minServers} to ${f.peakServers} (peak at ${formatShort(f.peakServersAt, zone)}) |`,
    `| server-hours | ${formatReadable(f.serverHours)} |`,
    `| schedule | ${shapedText(input.shaped)} |`,
    `| sizing (every metric) | ${describePlanRule(s, forecast.quantile).replace(/ at \d+% utilisation/, ' at its target')}` +
      `${s.headroom ? `, +${Math.round(s.headroom * 100)}% headroom` : ''}` +
      `${s.baseServers ? `, ${s.baseServers} base servers` : ''}, ${s.minServers}–${Number.isFinite(s.maxServers) ? s.maxServers : '∞'} servers |`,
    ...(risk ? [`| risk | ${risk} |`] : []),
    '',
    '## Metrics',
    '',
    '| metric | history | capacity rule | model | peak forecast | peak servers | binds | above 100% |',
    '|---|---|---|---|---:|---:|---:|---:|',
    ...m.rows.map(
      (r) =>
        `| ${markdownCode(r.name)} | ${markdownCode(r.source)} (${markdownCode(r.valueColumn)}) | ${capacityRule(r.settings)} | ${markdownCode(r.model)} | ${formatReadable(r.peakForecast)} | ${r.peakServers} | ${bindingAmount(r.bindingSteps, schedule.stepMs)} | ${r.expectedShortShare === undefined ? '–' : formatShare(r.expectedShortShare)} |`,
    ),
    '',
  ];
}

const bindingAmount = (steps: number, stepMs: number) =>
  stepMs % HOUR_MS === 0 ? `${(steps * stepMs) / HOUR_MS} h` : stepsAmount(steps, stepMs);

/** What summary.md says instead of showing the charts when they were not drawn. */
export const CHARTS_NOT_DRAWN =
  'Charts were not drawn (`--no-charts`, or `charts: false` in headroom.yaml): plan without --no-charts to get `forecast.png` and `plan.png`.';

/**
 * Where the charts are. Not embedded: this file is made to be appended to $GITHUB_STEP_SUMMARY,
 * where an image beside it does not load; index.html shows them with the same figures.
 */
export function chartsLine(
  charts: { forecast: string; plan: string },
  forecasts: string[] = [charts.forecast],
): string {
  const files = [...forecasts, charts.plan].map((f) => `\`${f}\``);
  return `Charts: ${files.slice(0, -1).join(', ')} and ${files.at(-1)} beside this file, and \`index.html\`, which shows them with this summary (they are not embedded here, so that the summary reads right in a CI step summary, where images beside it do not load).`;
}

const MAX_SCHEDULE_ROWS = 30;

/** The Markdown summary (renders in CI job summaries and pull requests). */
export function summaryMarkdown(input: SummaryInput): string {
  const { forecast, plan, schedule, zone } = input;
  const f = planFigures(plan, schedule);
  const s = plan.settings;
  const horizon = formatDuration(forecast.point.length * forecast.stepMs);
  const risk = riskLine(f, s, (forecast.point.length * forecast.stepMs) / HOUR_MS);
  const metrics = input.metrics;
  const lines = metrics
    ? metricsHead(input, metrics, f)
    : [
        input.service === undefined
          ? `# Capacity plan for ${markdownCode(input.valueColumn)}`
          : `# Capacity plan for ${markdownText(input.service)} (${markdownCode(input.valueColumn)})`,
        '',
        `From ${markdownCode(input.file)}: ${horizon} from ${formatShort(forecast.start, zone)} (${zone}) ` +
          `at ${formatDuration(forecast.stepMs)} steps, model ${markdownCode(forecast.model)}` +
          (input.selection ? ` (chosen by auto: ${markdownText(input.selection)}).` : '.'),
        '',
        '| figure | value |',
        '|---|---|',
        `| peak forecast | ${formatReadable(f.peakForecast)} at ${formatShort(f.peakForecastAt, zone)} |`,
        // Under a risk budget the planned load is the forecast itself: the row would repeat it.
        ...(s.planOn === 'risk'
          ? []
          : [
              `| peak planned load (${describePlanRule(s, forecast.quantile)}) | ${formatReadable(f.peakPlannedLoad)} |`,
            ]),
        `| servers | ${f.minServers} to ${f.peakServers} (peak at ${formatShort(f.peakServersAt, zone)}) |`,
        ...(f.cappedSteps > 0
          ? [
              `| capped by --max-servers | ${cappedText(f.cappedSteps, s.maxServers, forecast.stepMs)} |`,
            ]
          : []),
        `| server-hours | ${formatReadable(f.serverHours)} |`,
        `| schedule | ${shapedText(input.shaped)} |`,
        `| capacity rule | ${s.capacityPerServer} per server at ${Math.round(s.targetUtilization * 100)}% utilisation` +
          `${s.headroom ? `, +${Math.round(s.headroom * 100)}% headroom` : ''}` +
          `${s.baseServers ? `, ${s.baseServers} base servers` : ''}, ${s.minServers}–${Number.isFinite(s.maxServers) ? s.maxServers : '∞'} servers |`,
        `| prediction band | ${forecast.intervalMethod} |`,
        ...(risk ? [`| risk | ${risk} |`] : []),
        '',
      ];
  if (f.cappedSteps > 0) {
    lines.push(`> **Warning:** ${cappedText(f.cappedSteps, s.maxServers, forecast.stepMs)}.`, '');
  }
  if (input.warnings.length > 0) {
    lines.push('## Warnings', '', ...input.warnings.map((w) => `- ${markdownText(w.message)}`), '');
  }
  if (input.notes && input.notes.length > 0) {
    lines.push('## Notes', '', ...input.notes.map((n) => `- ${markdownText(n)}`), '');
  }
  // A change led ahead of its step (--lead-time) binds as the step it leads into.
  const bindingAt = (t: number) =>
    metrics
      ? ` ${metrics.binding[Math.min(Math.ceil((t - plan.start) / plan.stepMs), metrics.binding.length - 1)]} |`
      : '';
  lines.push(
    '## Schedule',
    '',
    `| time (${zone}) | servers | change | action |${metrics ? ' binding |' : ''}`,
    `|---|---:|---:|---|${metrics ? '---|' : ''}`,
    ...schedule.entries
      .slice(0, MAX_SCHEDULE_ROWS)
      .map(
        (e) =>
          `| ${formatShort(e.timestamp, zone)} | ${e.capacity} | ${e.change > 0 ? '+' : ''}${e.change} | ${e.action} |${bindingAt(e.timestamp)}`,
      ),
  );
  if (schedule.entries.length > MAX_SCHEDULE_ROWS) {
    lines.push(
      '',
      `…and ${schedule.entries.length - MAX_SCHEDULE_ROWS} more rows in \`schedule.csv\`.`,
    );
  }
  if (input.charts) {
    lines.push(
      '',
      chartsLine(
        input.charts,
        metrics?.rows.map((r) => r.chart),
      ),
      '',
    );
  } else {
    lines.push('', CHARTS_NOT_DRAWN, '');
  }
  return lines.join('\n');
}
