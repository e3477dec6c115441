/**
 * The calibration chart: for each model, the coverage its forecast distribution promised (x) against
 * the share of actuals that fell at or below that quantile (y). A calibrated model sits on the
 * dashed diagonal; below it, the forecast promised more than it delivered. Same look as the other
 * charts (charts.ts). Pure: no clock, no file writes.
 */
import type { ChartDataset } from 'chart.js';
import type { Calibration } from '../evaluate/backtest.js';
import { COLORS, initialise, line, type AxisOptions, type Point, renderPanel } from './charts.js';

export const CALIBRATION_CHART_SIZE = { width: 800, height: 800 };

/** The featured model in the forecast blue, the others in the backtest chart's colours. */
const SERIES_COLORS = [
  COLORS.forecast,
  'rgba(234, 88, 12, 0.9)',
  'rgba(22, 163, 74, 0.9)',
  'rgba(147, 51, 234, 0.9)',
  'rgba(219, 39, 119, 0.9)',
  'rgba(8, 145, 178, 0.9)',
  'rgba(202, 138, 4, 0.9)',
];
const POINT_STYLES = [
  'circle',
  'rect',
  'triangle',
  'rectRot',
  'crossRot',
  'star',
  'cross',
] as const;

export interface CalibrationSeries {
  model: string;
  calibration: Calibration;
}

function percentAxis(title: string): AxisOptions {
  return {
    type: 'linear',
    min: 0,
    max: 100,
    ticks: { color: COLORS.text, stepSize: 10, callback: (value) => `${value}%` },
    grid: { color: COLORS.grid },
    border: { display: false },
    title: { display: true, text: title, color: COLORS.muted },
  };
}

/**
 * Promised against realised coverage, one point series per model (the first is featured), with
 * the diagonal a calibrated model would follow, as an 800×800 PNG.
 */
export function renderCalibrationChart(
  models: CalibrationSeries[],
  options: { title?: string; subtitle?: string } = {},
): Buffer {
  initialise();
  const datasets: ChartDataset<'line', Point[]>[] = [
    line(
      'promised = realised',
      [
        { x: 0, y: 0 },
        { x: 100, y: 100 },
      ],
      COLORS.marker,
      { borderWidth: 1.5, borderDash: [6, 5], order: 9 },
    ),
  ];
  models.forEach(({ model, calibration }, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    const points = calibration.coverage
      .filter((l) => Number.isFinite(l.realised))
      .map((l) => ({ x: l.promised * 100, y: l.realised * 100 }));
    datasets.push(
      line(model, points, color, {
        borderWidth: k === 0 ? 2 : 1,
        pointRadius: k === 0 ? 6 : 4.5,
        pointStyle: POINT_STYLES[k % POINT_STYLES.length],
        pointBackgroundColor: color,
        order: k,
      }),
    );
  });
  const subtitle =
    options.subtitle ??
    'Share of actuals at or below each quantile of the forecast distribution; below the diagonal, the forecast promised more than it delivered';
  return renderPanel(CALIBRATION_CHART_SIZE, {
    datasets,
    scales: {
      x: percentAxis('promised coverage (quantile of the forecast distribution)'),
      y: percentAxis('realised coverage (actuals at or below it)'),
    },
    title: options.title ?? 'Calibration: promised against realised coverage',
    subtitle,
    rightPadding: 28,
  });
}
