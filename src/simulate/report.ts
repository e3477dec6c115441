/**
 * A replay as a report: the settings in words, the sentence against the user's current policy,
 * the database findings, the JSON document and the Markdown summary. Pure: the command writes them.
 */
import { describePlanRule } from '../capacity/servers.js';
import { formatNumber, formatReadable } from '../util/format.js';
import type { Warning } from '../types.js';
import { describeDuration, formatDuration, HOUR_MS } from '../util/duration.js';
import { formatTimestamp } from '../util/time.js';
import { describeBehavior, type HpaBehavior } from './behavior.js';
import { formatHours, verdict } from './compare.js';
import { databaseServerLimit, type DatabaseLimit } from './metrics.js';
import { POLICY_LABELS, type PolicyId } from './policies.js';
import type { SimulateResult } from './run.js';
import { scheduledAt } from './scheduled.js';
import type { StepScalingSpec } from './step-scaling.js';
import { markdownTable, spanText } from './tables.js';

export const SIMULATE_FORMAT = 'headroom.simulate/v1';

/** How the replay was asked for, as the report describes it. */
export interface ReplayDescription {
  file: string;
  valueColumn: string;
  rows: number;
  zone: string;
  unit: string;
  model: string;
  origins: number;
  horizonSteps: number;
  trainWindowMs: number;
  quantile: number;
  tickMs: number;
  warmupMs: number;
  leadMs: number;
  minHoldMs: number;
  tolerance: number;
  behavior: HpaBehavior;
  step: Omit<StepScalingSpec, 'minServers' | 'maxServers'>;
  database?: DatabaseLimit;
  costPerServerHour?: number;
  /** The policy the user runs now, which the sentence compares prediction with. */
  current: PolicyId;
  /** The chart's span, and whether it is the busiest week. */
  span: { from: number; to: number };
  busiest: boolean;
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
const zeroOr = (ms: number) => (ms === 0 ? '0' : formatDuration(ms));

/** The sentence on what predictive + reactive saves or risks against the current policy. */
export function verdictOf(result: SimulateResult, d: ReplayDescription): string {
  const current = result.policies.find((p) => p.id === d.current);
  const predictive = result.policies.find((p) => p.id === 'predictive');
  if (!current || !predictive) return '';
  return verdict(current, predictive, {
    days: (result.end - result.start) / (24 * HOUR_MS),
    costPerServerHour: d.costPerServerHour,
  });
}

/** The scheduled count at every tick, within the servers' bounds. */
export function scheduledPerTick(result: SimulateResult): Float64Array {
  const { demand, capacity, pushed } = result;
  return Float64Array.from(demand.values, (_, k) =>
    Math.min(
      capacity.maxServers,
      Math.max(capacity.minServers, scheduledAt(pushed, demand.start + k * demand.tickMs)),
    ),
  );
}

/** Warnings and notes about the database and the schedule's maximum. */
export function findings(
  result: SimulateResult,
  d: ReplayDescription,
  maxServersAsked: number,
): { warnings: Warning[]; notes: string[] } {
  const warnings: Warning[] = [];
  const notes: string[] = [];
  const { database } = d;
  if (database) {
    const limit = databaseServerLimit(database);
    const over = result.policies.filter((p) => (p.figures.database?.overLimitHours ?? 0) > 0);
    if (over.length > 0) {
      const which = over.map(
        (p) =>
          `${p.label} (${formatHours(p.figures.database?.overLimitHours ?? 0)}, peak ${p.figures.database?.peakConnections} connections)`,
      );
      warnings.push({
        code: 'database-connections',
        count: over.length,
        message: `${which.join(', ')} would have exceeded the database's ${database.maxConnections} connections (${limit} servers × ${database.connectionsPerServer}); --db-limit cap holds every policy to ${limit} servers`,
      });
    }
    if (database.mode === 'cap' && limit < maxServersAsked) {
      notes.push(
        `every policy held to ${limit} servers: ${database.maxConnections} database connections ÷ ${database.connectionsPerServer} per server`,
      );
    }
  }
  const capped = result.plans.reduce((n, p) => n + p.cappedSteps, 0);
  if (capped > 0) {
    warnings.push({
      code: 'max-servers',
      count: capped,
      message: `the schedule needed more than ${result.capacity.maxServers} servers in ${capped} interval(s); planned at the maximum`,
    });
  }
  return { warnings, notes };
}

/** The settings in words, one line each, for the terminal and the Markdown summary. */
export function settingsFacts(result: SimulateResult, d: ReplayDescription): string[] {
  const { capacity, backtest } = result;
  const chosen = backtest.windows.map((w) => w.chosen ?? w.model);
  const counts = [...new Set(chosen)].map((m) => `${m} ×${chosen.filter((c) => c === m).length}`);
  const model = d.model === 'auto' ? `auto (chose ${counts.join(', ')})` : d.model;
  const shaping = [
    `scale-ups ${d.leadMs > 0 ? `${describeDuration(d.leadMs)} early` : 'on time'}`,
    ...(d.minHoldMs > 0 ? [`dips under ${describeDuration(d.minHoldMs)} filled`] : []),
  ].join(', ');
  const max = Number.isFinite(capacity.maxServers) ? String(capacity.maxServers) : '∞';
  const s = d.step;
  const cooldown = s.cooldownMs > 0 ? `${formatDuration(s.cooldownMs)} cooldown` : 'no cooldown';
  const window = formatDuration(d.horizonSteps * backtest.stepMs);
  return [
    `${result.policies.length} policies replayed in ${formatDuration(d.tickMs)} ticks over ${d.origins} window(s) of ${window}, ${spanText(result.start, result.end, d.zone)} ${d.zone}`,
    `schedule: each window planned by ${model} from only the history before it, servers for the ${describePlanRule(capacity, d.quantile)}; ${shaping}`,
    `servers: ${formatReadable(capacity.capacityPerServer)} ${d.unit} each at 100%, target ${percent(capacity.targetUtilization)}, ${capacity.minServers}–${max} servers, warm-up ${d.warmupMs > 0 ? describeDuration(d.warmupMs) : 'none'}`,
    `${POLICY_LABELS.hpa}: ${percent(capacity.targetUtilization)} ± ${percent(d.tolerance)}, ${describeBehavior(d.behavior)}`,
    `${POLICY_LABELS.step}: up ${s.step} when most of the last ${s.readings} readings are above ${percent(s.upThreshold)}, down ${s.step} when most are below ${percent(s.downThreshold)}, ${cooldown}`,
    `${POLICY_LABELS.predictive}: the schedule as the HPA's minimum; the larger count wins`,
  ];
}

export function exactSizingLine(result: SimulateResult, d: ReplayDescription): string {
  return `Exact sizing (servers for every ${formatDuration(d.tickMs)} tick's demand at ${percent(result.capacity.targetUtilization)}, warm at once) would have taken ${formatReadable(result.exactServerHours)} server-hours.`;
}

/** The JSON document (`simulate.json`, and `--json` without warnings, notes and files). */
export function reportJson(result: SimulateResult, d: ReplayDescription, sentence: string) {
  const { demand, capacity, backtest } = result;
  const zone = d.zone;
  const stepMs = backtest.stepMs;
  return {
    format: SIMULATE_FORMAT,
    input: {
      file: d.file,
      valueColumn: d.valueColumn,
      rows: d.rows,
      interval: formatDuration(stepMs),
    },
    settings: {
      model: d.model,
      origins: d.origins,
      horizon: formatDuration(d.horizonSteps * stepMs),
      trainWindow: formatDuration(d.trainWindowMs),
      quantile: d.quantile,
      timezone: zone,
      tick: formatDuration(d.tickMs),
      warmup: zeroOr(d.warmupMs),
      leadTime: zeroOr(d.leadMs),
      minHold: zeroOr(d.minHoldMs),
      capacity: {
        ...capacity,
        maxServers: Number.isFinite(capacity.maxServers) ? capacity.maxServers : null,
      },
      hpa: {
        targetUtilization: capacity.targetUtilization,
        tolerance: d.tolerance,
        behavior: d.behavior,
      },
      stepScaling: { ...d.step, cooldownSeconds: d.step.cooldownMs / 1000 },
      database: d.database ?? null,
      costPerServerHour: d.costPerServerHour ?? null,
      current: d.current,
    },
    replay: {
      start: formatTimestamp(result.start, zone),
      end: formatTimestamp(result.end, zone),
      ticks: demand.values.length,
      hours: Number(formatNumber((demand.values.length * d.tickMs) / HOUR_MS)),
      windows: backtest.windows.map((w, i) => ({
        start: formatTimestamp(w.start, zone),
        end: formatTimestamp(w.start + d.horizonSteps * stepMs, zone),
        model: w.chosen ?? w.model,
        trainingStart: formatTimestamp(w.trainingStart, zone),
        scheduleChanges: result.schedules[i].entries.length - 1,
      })),
      exactServerHours: Number(formatNumber(result.exactServerHours)),
    },
    chart: {
      from: formatTimestamp(d.span.from, zone),
      to: formatTimestamp(d.span.to, zone),
      busiest: d.busiest,
    },
    verdict: sentence,
    policies: result.policies.map((p) => ({
      id: p.id,
      label: p.label,
      ...p.figures,
      worstShortfall: p.figures.worstShortfall
        ? { ...p.figures.worstShortfall, at: formatTimestamp(p.figures.worstShortfall.at, zone) }
        : null,
      reasons: p.timeline.reasons,
    })),
  };
}

/** `simulate.md`: the sentence, the table, the chart and the settings. */
export function summaryMarkdown(
  result: SimulateResult,
  d: ReplayDescription,
  parts: { sentence: string; header: string[]; rows: string[][]; warnings: Warning[] },
): string {
  const { sentence, header, rows, warnings } = parts;
  return [
    `# What prediction buys: ${d.file}`,
    '',
    ...(sentence ? [`**${sentence}**`, ''] : []),
    markdownTable(header, rows),
    '',
    "![Demand against each policy's serving capacity, one panel per policy](simulate.png)",
    '',
    ...settingsFacts(result, d).map((f) => `- ${f}`),
    '',
    exactSizingLine(result, d),
    '',
    `Under-provisioned: minutes in which demand exceeded what the warm servers serve at 100%. Demand within each ${formatDuration(result.backtest.stepMs)} interval is interpolated keeping the interval's mean; bursts shorter than the interval are not in the data.`,
    ...(warnings.length > 0
      ? ['', '## Warnings', '', ...warnings.map((w) => `- ${w.message}`)]
      : []),
    '',
  ].join('\n');
}
