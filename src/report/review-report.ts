/**
 * What `review` writes for one run: review.png and review.md, at once; the JSON document the
 * command prints; and the figure rows the text and review.md share.
 */
import { join } from 'node:path';
import { formatShare } from '../capacity/servers.js';
import type { Review, ReviewStep } from '../evaluate/review.js';
import { share, type ReviewBudget, type ReviewOptions, type ReviewRun } from '../run/review.js';
import type { CapacitySettings } from '../types.js';
import { formatDuration } from '../util/duration.js';
import { formatShort, formatTimestamp } from '../util/time.js';
import { writeFilesAtomically } from './atomic.js';
import { markdownCode, markdownText } from './escape.js';
import { renderReviewChart } from './review-chart.js';
import { formatReadable } from './tables.js';
import { loadUnit } from '../util/format.js';

export const REVIEW_FORMAT = 'headroom.review/v1';

/** Float noise off, for JSON: six decimals; null for Infinity and NaN. */
function exact(value: number): number | null {
  return Number.isFinite(value) ? Math.round(value * 1e6) / 1e6 : null;
}

/** +12 / −3, with a minus sign. */
function signed(value: number): string {
  return value > 0 ? `+${formatReadable(value)}` : formatReadable(value).replace('-', '−');
}

function signedShare(value: number): string {
  return value > 0 ? `+${formatShare(value)}` : formatShare(value).replace('-', '−');
}

/** The figures as [label, value] rows, shared by the text table and review.md. */
export function figureRows(
  r: Review,
  settings: CapacitySettings,
  budget: ReviewBudget,
  zone: string,
) {
  const target = `${Math.round(settings.targetUtilization * 100)}%`;
  const verdict = !budget
    ? ''
    : r.overBudget
      ? `: over the ${formatShare(budget.share)} budget (${budget.source})`
      : `: within the ${formatShare(budget.share)} budget (${budget.source})`;
  const peak = r.worst[0];
  const rows: [string, string][] = [
    [
      'hours scored',
      `${formatReadable(r.scoredHours)} of ${formatReadable(r.planHours)} (${formatReadable(r.missingHours)} without data)`,
    ],
    [
      'short hours (above 100%)',
      `${formatReadable(r.shortHours)} (${share(r.shortShare)})${verdict}`,
    ],
  ];
  if (r.expectedShortShare !== undefined && r.expectedShortHours !== undefined) {
    rows.push([
      'expected short hours',
      `${formatReadable(r.expectedShortHours)} (${share(r.expectedShortShare)}), as the plan expected`,
    ]);
  }
  rows.push(
    [
      'server-hours',
      `${formatReadable(r.serverHours)} planned, ${formatReadable(r.oracleServerHours)} for the actual demand at ${target}: ${signed(r.excessServerHours)} (${Number.isFinite(r.excess) ? signedShare(r.excess) : '–'})`,
    ],
    [
      'of which',
      `+${formatReadable(r.aboveOracleServerHours)} in hours with more servers than needed, −${formatReadable(r.belowOracleServerHours)} in hours with fewer`,
    ],
    ['peak utilisation', `${share(peak.utilisation)} at ${formatShort(peak.time, zone)}`],
  );
  return rows;
}

export function worstRows(worst: ReviewStep[], zone: string): string[][] {
  return worst.map((s) => [
    formatShort(s.time, zone),
    formatReadable(s.demand),
    String(s.servers),
    formatReadable(s.capacity),
    share(s.utilisation),
  ]);
}

export const WORST_HEADER = ['time', 'demand', 'servers', 'capacity at 100%', 'utilisation'];

/** The plan's span in its zone, "2014-12-14 15:00 – 2014-12-21 15:00 UTC". */
export function reviewSpan(run: ReviewRun): string {
  const { review, zone } = run;
  return `${formatShort(review.start, zone)} – ${formatShort(review.end, zone)} ${zone}`;
}

/** Every figure, the worst hours and each scored interval, for --json. */
export function reviewDocument(run: ReviewRun) {
  const { scheduleFile, schedule, settings, zone, ingested, budget, review } = run;
  const at = (ms: number) => formatTimestamp(ms, zone);
  return {
    format: REVIEW_FORMAT,
    schedule: {
      file: scheduleFile,
      timezone: zone,
      start: at(review.start),
      end: at(review.end),
      interval: formatDuration(schedule.stepMs),
      capacity: {
        ...settings,
        maxServers: Number.isFinite(settings.maxServers) ? settings.maxServers : null,
      },
    },
    input: {
      file: ingested.file,
      valueColumn: ingested.valueColumn,
      rows: ingested.rows,
      interval: formatDuration(ingested.series.stepMs),
    },
    budget: budget ? { share: budget.share, source: budget.source } : null,
    figures: {
      planHours: exact(review.planHours),
      scoredHours: exact(review.scoredHours),
      missingHours: exact(review.missingHours),
      outsideIntervals: review.outsideSteps,
      shortIntervals: review.shortSteps,
      shortHours: exact(review.shortHours),
      shortShare: exact(review.shortShare),
      overBudget: review.overBudget ?? null,
      expectedShortShare: review.expectedShortShare ?? null,
      expectedShortHours:
        review.expectedShortHours === undefined ? null : exact(review.expectedShortHours),
      serverHours: exact(review.serverHours),
      oracleServerHours: exact(review.oracleServerHours),
      excessServerHours: exact(review.excessServerHours),
      aboveOracleServerHours: exact(review.aboveOracleServerHours),
      belowOracleServerHours: exact(review.belowOracleServerHours),
      excess: exact(review.excess),
    },
    worst: review.worst.map((s) => ({
      time: at(s.time),
      demand: s.demand,
      servers: s.servers,
      capacity: s.capacity,
      utilisation: exact(s.utilisation),
    })),
    steps: review.steps.map((s) => ({
      time: at(s.time),
      demand: s.demand,
      servers: s.servers,
      oracle: s.oracle,
      short: s.short,
    })),
  };
}

export async function writeReview(
  run: ReviewRun,
  options: Pick<ReviewOptions, 'outDir' | 'unit'>,
): Promise<{ files: string[]; json: Record<string, unknown> }> {
  const { scheduleFile, schedule, settings, zone, ingested, budget, review, warnings, notes } = run;
  const rows = figureRows(review, settings, budget, zone);
  const unit = loadUnit(options.unit, ingested.valueColumn);
  const span = reviewSpan(run);
  const path = (name: string) => join(options.outDir, name);
  const files = await writeFilesAtomically([
    {
      path: path('review.png'),
      content: renderReviewChart(review, schedule, settings, { zone, unit }),
    },
    {
      path: path('review.md'),
      content: reviewMarkdown({ scheduleFile, csv: ingested.file, unit, span, rows, review, zone }),
    },
  ]);
  return { files, json: { ...reviewDocument(run), warnings, notes, files } };
}

interface MarkdownInput {
  scheduleFile: string;
  csv: string;
  unit: string;
  span: string;
  rows: [string, string][];
  review: Review;
  zone: string;
}

function reviewMarkdown(input: MarkdownInput): string {
  const cell = (s: string) => markdownText(s);
  return [
    `# Plan review: ${markdownCode(input.unit)}`,
    '',
    `The plan in ${markdownCode(input.scheduleFile)} for ${markdownText(input.span)}, against the load in ${markdownCode(input.csv)}.`,
    '',
    '| figure | value |',
    '|---|---|',
    ...input.rows.map(([label, value]) => `| ${cell(label)} | ${cell(value)} |`),
    '',
    `## Worst hours (${markdownText(input.zone)})`,
    '',
    `| ${WORST_HEADER.join(' | ')} |`,
    '|---|---:|---:|---:|---:|',
    ...worstRows(input.review.worst, input.zone).map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
    'Short hours: demand above the planned servers × capacity per server. Server-hours are compared with a plan that knew the demand, by the same rule at the target utilisation.',
    '',
    '![review](review.png)',
    '',
  ].join('\n');
}
