/**
 * A replay's figures as tables: rows of figures by policy for people (terminal and Markdown), one
 * CSV row per policy, and the tick-by-tick timeline as CSV. Pure.
 */
import { formatNumber, formatReadable } from '../util/format.js';
import { formatShort, formatTimestamp } from '../util/time.js';
import { formatHours, formatMoney } from './compare.js';
import type { PolicyFigures } from './metrics.js';
import type { PolicyRun, SimulateResult } from './run.js';

/** "87%"; one decimal below 10%. */
function pct(fraction: number): string {
  const tenths = Math.round(fraction * 1000) / 10;
  return `${Math.abs(tenths) < 10 && !Number.isInteger(tenths) ? tenths.toFixed(1) : Math.round(tenths)}%`;
}

function shortfall(f: PolicyFigures): string {
  const w = f.worstShortfall;
  if (!w) return '–';
  return `${formatReadable(w.load)} (${w.servers} server${w.servers === 1 ? '' : 's'})`;
}

export interface TableOptions {
  targetUtilization: number;
  costPerServerHour?: number;
  zone: string;
}

/** Header and rows: one row per figure, one column per policy. */
export function figureTable(
  policies: PolicyRun[],
  options: TableOptions,
): { header: string[]; rows: string[][] } {
  const row = (label: string, cell: (f: PolicyFigures) => string) => [
    label,
    ...policies.map((p) => cell(p.figures)),
  ];
  const rows = [
    row('under-provisioned (over 100%)', (f) => formatHours(f.underProvisionedHours)),
    row(`above target (over ${pct(options.targetUtilization)})`, (f) =>
      formatHours(f.aboveTargetHours),
    ),
    row('demand not served', (f) => pct(f.unservedShare)),
    row('worst shortfall', shortfall),
    row('server-hours', (f) => formatReadable(f.serverHours)),
  ];
  if (options.costPerServerHour !== undefined) {
    rows.push(
      row(`cost at ${formatMoney(options.costPerServerHour)}/server-hour`, (f) =>
        formatMoney(f.cost ?? 0),
      ),
    );
  }
  rows.push(
    row('scaling actions', (f) => formatReadable(f.scalingActions)),
    row('peak servers', (f) => String(f.peakServers)),
  );
  const db = policies[0]?.figures.database;
  if (db) {
    rows.push(
      row(`peak DB connections (max ${formatReadable(db.maxConnections)})`, (f) =>
        formatReadable(f.database?.peakConnections ?? 0),
      ),
      row(`over the DB limit (> ${db.limitServers} servers)`, (f) =>
        formatHours(f.database?.overLimitHours ?? 0),
      ),
      row(`at the DB limit (${db.limitServers} servers)`, (f) =>
        formatHours(f.database?.atLimitHours ?? 0),
      ),
    );
  }
  return { header: ['', ...policies.map((p) => p.label)], rows };
}

export function markdownTable(header: string[], rows: string[][]): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map((_, j) => (j === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}

const POLICY_CSV_HEADER = [
  'policy',
  'label',
  'hours',
  'scored_hours',
  'under_provisioned_hours',
  'above_target_hours',
  'unserved_share',
  'server_hours',
  'cost',
  'scaling_actions',
  'worst_shortfall',
  'worst_shortfall_servers',
  'worst_shortfall_at',
  'peak_servers',
  'mean_servers',
  'peak_db_connections',
  'over_db_limit_hours',
];

/** One row per policy. */
export function policiesCsv(result: SimulateResult, zone: string): string {
  const rows = result.policies.map(({ id, label, figures: f }) => [
    id,
    `"${label}"`,
    formatNumber(f.hours),
    formatNumber(f.scoredHours),
    formatNumber(f.underProvisionedHours),
    formatNumber(f.aboveTargetHours),
    formatNumber(f.unservedShare),
    formatNumber(f.serverHours),
    f.cost === null ? '' : formatNumber(f.cost),
    f.scalingActions,
    f.worstShortfall ? formatNumber(f.worstShortfall.load) : '',
    f.worstShortfall ? f.worstShortfall.servers : '',
    f.worstShortfall ? formatTimestamp(f.worstShortfall.at, zone) : '',
    f.peakServers,
    formatNumber(f.meanServers),
    f.database ? f.database.peakConnections : '',
    f.database ? formatNumber(f.database.overLimitHours) : '',
  ]);
  return [POLICY_CSV_HEADER, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

/**
 * Tick by tick: demand, whether it is scored, the scheduled count, and each policy's servers and
 * warm servers.
 */
export function timelineCsv(result: SimulateResult, zone: string, scheduled: Float64Array): string {
  const { demand, policies } = result;
  const header = [
    'timestamp',
    'demand',
    'scored',
    'scheduled',
    ...policies.flatMap((p) => [`${p.id}_servers`, `${p.id}_warm`]),
  ];
  const lines = [header.join(',')];
  for (let k = 0; k < demand.values.length; k++) {
    const cells: (string | number)[] = [
      formatTimestamp(demand.start + k * demand.tickMs, zone),
      formatNumber(demand.values[k]),
      demand.scored[k],
      scheduled[k],
    ];
    for (const p of policies) cells.push(p.timeline.servers[k], p.timeline.warm[k]);
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** "2024-05-01 10:00 – 2024-05-08 10:00". */
export function spanText(from: number, to: number, zone: string): string {
  return `${formatShort(from, zone)} – ${formatShort(to, zone)}`;
}
