/**
 * `headroom review <schedule.json> <csv>`: reads a plan made earlier and the load recorded while it
 * ran, scores one against the other (evaluate/review.ts), prints the figures and writes review.png
 * and review.md.
 */
import { join } from 'node:path';
import { DEFAULT_CAPACITY, formatShare } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import { reviewSchedule, type Review, type ReviewStep } from '../evaluate/review.js';
import { EXIT } from '../exit-codes.js';
import { loadSeries } from '../ingest/index.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { markdownCode, markdownText } from '../report/escape.js';
import { renderReviewChart } from '../report/review-chart.js';
import { formatReadable } from '../report/tables.js';
import { readScheduleDocument, type PlannedSchedule } from '../schedule/document.js';
import type { CapacitySettings, Warning } from '../types.js';
import { formatDuration } from '../util/duration.js';
import { readTextFile } from '../util/files.js';
import { formatShort, formatTimestamp } from '../util/time.js';
import { ingestOptions, parseShare, type RawOptions } from './options.js';
import { table, type CommandOutput } from './output.js';

export const REVIEW_FORMAT = 'headroom.review/v1';

type IngestFlags =
  | 'timestampColumn'
  | 'valueColumn'
  | 'hourColumn'
  | 'rowInterval'
  | 'start'
  | 'duplicates'
  | 'agg'
  | 'fillGaps'
  | 'gapFill';

export interface ReviewOptions extends Pick<RawOptions, IngestFlags> {
  /** Default: the plan's zone and interval. */
  timezone?: string;
  interval?: string;
  /** Share of short hours to hold the plan to, instead of its own budget. */
  budget?: string;
  /** Exit with EXIT.overBudget when the realised short share is above the budget. */
  failOverBudget?: boolean;
  outDir: string;
  unit?: string;
  json?: boolean;
}

const SCHEDULE_HINT =
  'pass the schedule.json that `headroom plan` wrote (e.g. reports/schedule.json) first, then the load CSV';

async function readSchedule(file: string): Promise<PlannedSchedule> {
  const text = await readTextFile(file, 'the schedule', SCHEDULE_HINT);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid JSON (${(error as Error).message})`, SCHEDULE_HINT);
  }
  try {
    return readScheduleDocument(data, file);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(error.message, SCHEDULE_HINT);
    throw error;
  }
}

/** The plan's capacity settings, checked where the review depends on them. */
function planSettings(planned: PlannedSchedule): CapacitySettings {
  const raw = (planned.document.capacity ?? {}) as Partial<Record<keyof CapacitySettings, unknown>>;
  const fail = (field: string, expected: string): never => {
    throw new UserError(
      `${planned.origin}: "capacity.${field}" must be ${expected}, found ${JSON.stringify(raw[field as keyof CapacitySettings])}`,
      SCHEDULE_HINT,
    );
  };
  const numberOr = (
    field: keyof CapacitySettings,
    check: (v: number) => boolean,
    expected: string,
  ) => {
    const value = raw[field];
    if (value === undefined) return DEFAULT_CAPACITY[field] as number;
    return typeof value === 'number' && check(value) ? value : fail(field, expected);
  };
  const settings: CapacitySettings = {
    ...DEFAULT_CAPACITY,
    ...(raw as Partial<CapacitySettings>),
    capacityPerServer:
      typeof raw.capacityPerServer === 'number' && raw.capacityPerServer > 0
        ? raw.capacityPerServer
        : fail('capacityPerServer', 'a positive number'),
    targetUtilization: numberOr(
      'targetUtilization',
      (v) => v > 0 && v <= 1,
      'a fraction in (0, 1]',
    ),
    headroom: numberOr('headroom', (v) => v >= 0, 'a number ≥ 0'),
    baseServers: numberOr('baseServers', (v) => v >= 0, 'a number ≥ 0'),
    minServers: numberOr('minServers', (v) => v >= 0, 'a number ≥ 0'),
    maxServers:
      raw.maxServers === null
        ? Infinity
        : numberOr('maxServers', (v) => v >= 1, 'a number ≥ 1 or null'),
    risk: numberOr('risk', (v) => v >= 0 && v <= 1, 'a share from 0 to 1'),
  };
  return settings;
}

/** The budget the review holds the plan to, and where it came from. */
function budgetOf(
  options: ReviewOptions,
  settings: CapacitySettings,
  expected: number | undefined,
): { share: number; source: string } | undefined {
  if (options.budget !== undefined)
    return { share: parseShare(options.budget, '--budget'), source: '--budget' };
  if (settings.planOn === 'risk') return { share: settings.risk, source: "the plan's risk budget" };
  if (expected !== undefined) return { share: expected, source: 'what the plan expected' };
  return undefined;
}

/** 0.0417 → "4.17%"; Infinity (demand on no servers) → "∞". */
function share(value: number): string {
  return Number.isFinite(value) ? formatShare(value) : '∞';
}

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
function figureRows(
  r: Review,
  settings: CapacitySettings,
  budget: ReturnType<typeof budgetOf>,
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

function worstRows(worst: ReviewStep[], zone: string): string[][] {
  return worst.map((s) => [
    formatShort(s.time, zone),
    formatReadable(s.demand),
    String(s.servers),
    formatReadable(s.capacity),
    share(s.utilisation),
  ]);
}

const WORST_HEADER = ['time', 'demand', 'servers', 'capacity at 100%', 'utilisation'];

export async function reviewCommand(
  scheduleFile: string,
  csv: string,
  options: ReviewOptions,
): Promise<CommandOutput> {
  const planned = await readSchedule(scheduleFile);
  const settings = planSettings(planned);
  const { schedule } = planned;
  const zone = planned.timezone;
  const doc = planned.document;
  // ingestOptions reads only the ingest flags, which review takes as `plan` does.
  const ingest = ingestOptions({
    ...options,
    timezone: options.timezone ?? zone,
    interval: options.interval ?? doc.interval,
  } as unknown as RawOptions);
  const ingested = await loadSeries(csv, ingest);
  const warnings: Warning[] = [...ingested.warnings];
  const notes = [...ingested.notes];

  const expected = doc.summary?.expectedShortShare;
  const expectedShortShare = typeof expected === 'number' ? expected : undefined;
  const budget = budgetOf(options, settings, expectedShortShare);
  const review = reviewSchedule({
    schedule,
    capacity: settings,
    budget: budget?.share,
    expectedShortShare,
    actual: ingested.series,
    zone,
    file: ingested.file,
  });

  const planColumn = doc.source?.valueColumn;
  if (typeof planColumn === 'string' && planColumn !== ingested.valueColumn) {
    notes.push(
      `the plan was made from the column '${planColumn}'; this review read '${ingested.valueColumn}' (set --value-column to change it)`,
    );
  }
  if (ingested.series.stepMs !== schedule.stepMs) {
    notes.push(
      `scored at ${formatDuration(ingested.series.stepMs)} intervals (the plan's are ${formatDuration(schedule.stepMs)}), each against the servers scheduled at its start`,
    );
  }
  if (review.outsideSteps > 0) {
    notes.push(
      `${review.outsideSteps} interval(s) of ${ingested.file} fall outside the plan's span and were not scored`,
    );
  }
  if (review.overBudget && options.failOverBudget) {
    warnings.push({
      code: 'over-budget',
      count: review.shortSteps,
      message: `${share(review.shortShare)} of the scored hours were above 100% of capacity, over the ${formatShare(budget!.share)} budget (${budget!.source})`,
    });
  }

  const span = `${formatShort(review.start, zone)} – ${formatShort(review.end, zone)} ${zone}`;
  const rows = figureRows(review, settings, budget, zone);
  const unit = options.unit ?? ingested.valueColumn;
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

  const at = (ms: number) => formatTimestamp(ms, zone);
  const json = {
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

  const text = [
    `${scheduleFile}: plan for ${span}, ${formatDuration(schedule.stepMs)} steps, ${formatReadable(settings.capacityPerServer)} per server at ${Math.round(settings.targetUtilization * 100)}%`,
    `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${review.scoredSteps} interval(s) of ${formatDuration(ingested.series.stepMs)} inside the plan`,
    '',
    table(['', 'value'], rows),
    '',
    `worst hours (demand ÷ planned capacity at 100%, ${zone}):`,
    table(WORST_HEADER, worstRows(review.worst, zone)),
    '',
    `wrote ${files.length} files to ${options.outDir}: ${files.map((f) => f.slice(options.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  ].join('\n');
  return {
    json: { ...json, warnings, notes, files },
    text,
    warnings,
    notes,
    ...(review.overBudget && options.failOverBudget ? { exitCode: EXIT.overBudget } : {}),
  };
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
