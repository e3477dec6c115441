import { escapeHtml, markdownText } from './escape.js';
import { cappedText } from '../capacity/limits.js';
import { bindingLine } from '../capacity/metrics.js';
import { parseDuration } from '../util/duration.js';
import { STALE_HISTORY } from '../schedule/freshness.js';
import { shapedText, type ShapedRecord } from '../schedule/shape.js';
import { formatReadable } from './tables.js';

/** What the fleet report shows of one service: its plan output, or why it failed. */
export interface FleetEntry {
  name: string;
  ok: boolean;
  seconds: number;
  error?: string;
  warnings: string[];
  notes: string[];
  /** `plan --json` output (schedule.json plus files), when it worked. */
  plan?: PlanJson;
  /** Each chart's image source: a data: URI (inlined) or a path relative to the page. */
  charts?: { forecast?: string; plan?: string };
  /** Planned with `--no-charts` (or `charts: false`): the page says so where the charts go. */
  noCharts?: boolean;
  /** Its reports' folder relative to the page, with a trailing "/" (default: its name's). */
  folder?: string;
}

export interface PlanJson {
  timezone: string;
  interval: string;
  start: string;
  end: string;
  source: {
    file: string;
    valueColumn: string;
    model: string;
    selection?: string;
    quantile: number;
  };
  capacity: {
    capacityPerServer: number;
    targetUtilization: number;
    planOn?: string;
    risk?: number;
  };
  summary: {
    peakForecast: number;
    peakForecastAt: string;
    peakServers: number;
    minServers: number;
    serverHours: number;
    changes: number;
    cappedSteps: number;
  };
  /** With several metrics (see capacity/metrics.ts). */
  metrics?: {
    name: string;
    source: string;
    valueColumn: string;
    capacityPerServer: number;
    targetUtilization: number;
    peakForecast: number;
    peakServers: number;
    bindingSteps: number;
  }[];
  /** The schedule as it will be applied (see schedule/shape.ts); absent in older files. */
  shaped?: ShapedRecord;
  entries: { timestamp: string; capacity: number; change: number; action: string }[];
}

/** A merge of a sharded run that lacks some shards (`report --merge --allow-missing`). */
export interface MissingShards {
  /** The missing shards, as `i/n`. */
  shards: string[];
  /** How many services they hold, none of them in the report. */
  services: number;
}

const missingText = (m: MissingShards) =>
  `${m.shards.length === 1 ? 'shard' : 'shards'} ${m.shards.join(', ')} ${m.shards.length === 1 ? 'is' : 'are'} missing: ${m.services} service(s) not shown.`;

const MAX_ROWS = 24;

const NOT_DRAWN =
  'Charts were not drawn (planned with --no-charts or charts: false); plan without it to get them.';

const anchor = (name: string) => `service-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

function overviewRow(e: FleetEntry): string {
  if (!e.ok || !e.plan) {
    return `<tr class="failed"><td><a href="#${anchor(e.name)}">${escapeHtml(e.name)}</a></td><td>failed</td><td colspan="6">${escapeHtml(e.error ?? '')}</td></tr>`;
  }
  const s = e.plan.summary;
  return `<tr><td><a href="#${anchor(e.name)}">${escapeHtml(e.name)}</a></td><td>${escapeHtml(plannedStatus(e.warnings))}</td><td>${escapeHtml(e.plan.source.model)}</td><td class="n">${s.minServers}–${s.peakServers}</td><td class="n">${escapeHtml(formatReadable(s.peakForecast))}</td><td class="n">${escapeHtml(formatReadable(s.serverHours))}</td><td class="n">${appliedChanges(e.plan)}</td><td class="n">${e.warnings.length}</td></tr>`;
}

function serviceSection(e: FleetEntry): string {
  const head = `<section id="${anchor(e.name)}"><h2>${escapeHtml(e.name)}</h2>`;
  if (!e.ok || !e.plan) {
    return `${head}<p class="error"><strong>Failed:</strong> ${escapeHtml(e.error ?? 'unknown error')}</p></section>`;
  }
  const p = e.plan;
  const s = p.summary;
  const figures: [string, string][] = p.metrics ? metricFigures(p) : planFigures(p);
  if (s.cappedSteps > 0) figures.push(['capped', cappedText(s.cappedSteps)]);
  const chart = (data: string | undefined, alt: string) =>
    data
      ? `<img src="${escapeHtml(data)}" alt="${escapeHtml(alt)}" width="1200"${data.startsWith('data:') ? '' : ' loading="lazy"'}>`
      : '';
  const rows = p.entries
    .slice(0, MAX_ROWS)
    .map(
      (r) =>
        `<tr><td>${escapeHtml(readableTime(r.timestamp))}</td><td class="n">${r.capacity}</td><td class="n">${r.change > 0 ? '+' : ''}${r.change}</td><td>${escapeHtml(r.action)}</td></tr>`,
    )
    .join('');
  const more =
    p.entries.length > MAX_ROWS
      ? `<p class="dim">…and ${p.entries.length - MAX_ROWS} more changes in ${escapeHtml(e.folder ?? `${e.name}/`)}schedule.csv</p>`
      : '';
  const list = (title: string, items: string[]) =>
    items.length === 0
      ? ''
      : `<h3>${title}</h3><ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  return `${head}
<table class="figures">${figures.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${
  e.noCharts
    ? `<p class="dim">${escapeHtml(NOT_DRAWN)}</p>`
    : `${chart(e.charts?.forecast, `${e.name}: history, forecast and planning band`)}
${chart(e.charts?.plan, `${e.name}: demand against planned capacity, and servers`)}`
}
<h3>Schedule</h3>
<table><thead><tr><th>time (${escapeHtml(p.timezone)})</th><th>servers</th><th>change</th><th>action</th></tr></thead><tbody>${rows}</tbody></table>${more}
${list('What was fixed in the input', e.warnings)}${list('Notes', e.notes)}
</section>`;
}

/** One page (no scripts; charts inlined for small fleets) with every service's plan. */
export function fleetHtml(
  entries: FleetEntry[],
  generatedAt: string,
  missing?: MissingShards,
): string {
  const failed = entries.filter((e) => !e.ok).length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>headroom: capacity plans for ${entries.length} service(s)</title>
<style>
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1240px; padding: 0 1rem; color: #1f2933; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { border-top: 1px solid #d9e2ec; padding-top: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #e4e7eb; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td, p.error { color: #b42318; }
p.error { background: #fef3f2; padding: 0.6rem 0.8rem; border-radius: 4px; }
.dim { color: #616e7c; }
img { display: block; max-width: 100%; height: auto; margin: 0.8rem 0; border: 1px solid #e4e7eb; }
</style>
</head>
<body>
<h1>Capacity plans</h1>
<p class="dim">${entries.length} service(s), ${entries.length - failed} planned, ${failed} failed. Generated ${escapeHtml(`${readableTime(generatedAt)} UTC`)} by headroom.</p>
${missing ? `<p class="error"><strong>Partial report:</strong> ${escapeHtml(missingText(missing))}</p>\n` : ''}<table>
<thead><tr><th>service</th><th>status</th><th>model</th><th>servers</th><th>peak forecast</th><th>server-hours</th><th>changes</th><th>warnings</th></tr></thead>
<tbody>
${entries.map(overviewRow).join('\n')}
</tbody>
</table>
${entries.map(serviceSection).join('\n')}
</body>
</html>
`;
}

/**
 * A planned service's status: "ok", or, when its history is stale or ends in the future, that
 * `push` will refuse it, so a CI summary does not call it fine.
 */
export function plannedStatus(warnings: readonly string[]): string {
  return warnings.some((w) => w.startsWith(STALE_HISTORY)) ? 'ok, push refuses (history)' : 'ok';
}

/** The fleet in Markdown, for $GITHUB_STEP_SUMMARY: one row per service. */
export function fleetMarkdown(entries: FleetEntry[], missing?: MissingShards): string {
  const failed = entries.filter((e) => !e.ok).length;
  const rows = entries.map((e) => {
    if (!e.ok || !e.plan)
      return `| ${markdownText(e.name)} | **failed** | ${markdownText((e.error ?? '').split('\n')[0])} | | | |`;
    const s = e.plan.summary;
    return `| ${markdownText(e.name)} | ${plannedStatus(e.warnings)} | ${markdownText(e.plan.source.model)} | ${s.minServers}–${s.peakServers} | ${formatReadable(s.serverHours)} | ${appliedChanges(e.plan)} |`;
  });
  // Planned without charts, the folders hold none (a fleet that all failed says what it would).
  const charted = entries.some((e) => e.ok && !e.noCharts) || entries.every((e) => !e.ok);
  return [
    `# Capacity plans: ${entries.length} service(s), ${failed} failed`,
    '',
    ...(missing ? [`**Partial report:** ${missingText(missing)}`, ''] : []),
    '| service | status | model | servers | server-hours | changes |',
    '|---|---|---|---:|---:|---:|',
    ...rows,
    '',
    `Each service has its own \`summary.md\`${charted ? ', charts' : ''} and schedule in its folder; \`index.html\` shows them all.`,
    '',
  ].join('\n');
}

/** A service's figures on the fleet page. */
/** A local ISO time with its offset ("2015-02-01T00:00:00-05:00") as people read it: "2015-02-01 00:00". */
export const readableTime = (iso: string) =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? iso.slice(0, 16).replace('T', ' ') : iso;

/** The rule that turned load into servers, in a few words. */
function ruleText(p: PlanJson): string {
  const c = p.capacity;
  const base = `${c.capacityPerServer} per server at ${Math.round(c.targetUtilization * 100)}%`;
  return c.planOn === 'risk' && c.risk !== undefined
    ? `${base}, risk budget ${Number((c.risk * 100).toPrecision(3))}% of hours above 100%`
    : `${base}, planning quantile ${p.source.quantile}`;
}

function planFigures(p: PlanJson): [string, string][] {
  const s = p.summary;
  return [
    ['history', `${p.source.file} (column ${p.source.valueColumn})`],
    [
      'horizon',
      `${readableTime(p.start)} to ${readableTime(p.end)} (${p.timezone}), ${p.interval} steps`,
    ],
    [
      'model',
      p.source.model + (p.source.selection ? ` — chosen by backtest: ${p.source.selection}` : ''),
    ],
    ['peak forecast', `${formatReadable(s.peakForecast)} at ${readableTime(s.peakForecastAt)}`],
    ['servers', `${s.minServers} to ${s.peakServers}`],
    ['server-hours', formatReadable(s.serverHours)],
    changesRow(p),
    ['capacity rule', ruleText(p)],
  ];
}

/** The figures of a service sized by several metrics: what binds, and each metric's own. */
function metricFigures(p: PlanJson): [string, string][] {
  const s = p.summary;
  const metrics = p.metrics!;
  return [
    ['horizon', `${p.start} to ${p.end} (${p.timezone}), ${p.interval} steps`],
    [
      'binding',
      bindingLine(
        metrics.map((m) => m.name),
        metrics.map((m) => m.bindingSteps),
        parseDuration(p.interval, 'interval'),
      ),
    ],
    ...metrics.map((m): [string, string] => [
      `metric ${m.name}`,
      `${m.source} (column ${m.valueColumn}): ${formatReadable(m.capacityPerServer)} per server at ${Math.round(m.targetUtilization * 100)}%, peak forecast ${formatReadable(m.peakForecast)}, ${m.peakServers} servers alone`,
    ]),
    ['servers', `${s.minServers} to ${s.peakServers}`],
    ['server-hours', formatReadable(s.serverHours)],
    changesRow(p),
  ];
}

/** The changes a target will apply: the shaped schedule's, else (an older file) the plan's. */
export function appliedChanges(p: Pick<PlanJson, 'shaped' | 'summary'>): number {
  return p.shaped?.changes ?? p.summary.changes;
}

/** The schedule as applied and what shaping cost (as summary.md says it), or a count. */
function changesRow(p: PlanJson): [string, string] {
  return p.shaped
    ? ['schedule', shapedText(p.shaped)]
    : ['scaling changes', String(p.summary.changes)];
}
