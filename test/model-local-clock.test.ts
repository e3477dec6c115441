import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../src/capacity/servers.js';
import { MODEL_NAMES, getForecaster, restoreModel } from '../src/models/registry.js';
import { forecastSeries, planFromForecast } from '../src/pipeline.js';
import type { Series } from '../src/types.js';
import { HOUR, hourly } from './helpers/series.js';

// Every model forecasts on the local clock of the zone it is given: the week after a
// daylight-saving change repeats the same local hour of the same local weekday, not the same UTC
// step count (which is an hour off the users' clock until the next change).
const ZONE = 'America/New_York';
const context = { zone: ZONE };

/** Busy 09:00–18:00 local time on weekdays, with a small hourly shape so no two hours tie. */
function officeHours(t: number): number {
  const local = DateTime.fromMillis(t, { zone: ZONE });
  const weekday = local.weekday <= 5;
  const busy = weekday && local.hour >= 9 && local.hour < 18;
  return (busy ? 1000 : 100) + 10 * Math.sin((2 * Math.PI * local.hour) / 24);
}

function historyUntil(localDate: string, weeks: number): Series {
  const end = DateTime.fromISO(`${localDate}T00:00`, { zone: ZONE }).toMillis();
  const start = end - weeks * 7 * 24 * HOUR;
  return hourly(start, weeks * 7 * 24, officeHours);
}

/** The forecast at each local hour 0–23 of a local date inside the forecast's span. */
function localDay(series: Series, forecast: Float64Array, localDate: string): number[] {
  const next = series.start + series.values.length * series.stepMs;
  return Array.from({ length: 24 }, (_, hour) => {
    const t = DateTime.fromISO(`${localDate}T${String(hour).padStart(2, '0')}:00`, {
      zone: ZONE,
    }).toMillis();
    return forecast[(t - next) / HOUR];
  });
}

/**
 * How far day `b` is from an affine image of day `a` (a + trend, or a × growth, both allowed),
 * relative to day a's range: 0 when they are the same shape on the same local hours.
 */
function shapeMismatch(a: number[], b: number[]): number {
  const n = a.length;
  const meanA = a.reduce((s, v) => s + v, 0) / n;
  const meanB = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - meanA) * (b[i] - meanB);
    saa += (a[i] - meanA) ** 2;
  }
  const slope = saa > 0 ? sab / saa : 0;
  const worst = Math.max(...b.map((v, i) => Math.abs(v - (meanB + slope * (a[i] - meanA)))));
  const range = Math.max(...a) - Math.min(...a);
  return worst / range;
}

const changes = [
  // [season, cut (local), a Wednesday before the change, the Wednesday after it]
  ['spring', '2024-03-06', '2024-03-06', '2024-03-13'],
  ['autumn', '2024-10-30', '2024-10-30', '2024-11-06'],
] as const;

describe.each(MODEL_NAMES)('%s across daylight-saving changes', (model) => {
  it.each(changes)('repeats the same local hours after the %s change', (_, cut, before, after) => {
    const history = historyUntil(cut, 5);
    const fitted = getForecaster(model).fit(history, context);
    const forecast = fitted.predict(history, 14 * 24);
    const mismatch = shapeMismatch(
      localDay(history, forecast, before),
      localDay(history, forecast, after),
    );
    // Linear's shape is a straight line in the hour, so an hour's shift barely shows in it; the
    // models that can draw the step must draw it at the same local hour on both days.
    expect(mismatch).toBeLessThan(model === 'linear' ? 0.2 : 0.05);
  });

  it('forecasts on the local clock after being saved and restored', () => {
    const history = historyUntil('2024-03-06', 5);
    const fitted = getForecaster(model).fit(history, context);
    const restored = restoreModel(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(restored.predict(history, 14 * 24)).toEqual(fitted.predict(history, 14 * 24));
  });
});

describe('the plan after the spring change', () => {
  it.each(['seasonal-naive', 'mstl', 'ensemble', 'ridge', 'auto'])(
    '%s scales up at 09:00 and down at 18:00 New York time on 11–13 March',
    (model) => {
      const history = historyUntil('2024-03-06', 5);
      const { forecast } = forecastSeries(model, history, {
        horizonMs: 8 * 24 * HOUR,
        quantile: 0.9,
        trainWindowMs: 8 * 7 * 24 * HOUR,
        context,
      });
      const settings = { ...DEFAULT_CAPACITY, capacityPerServer: 100, planOn: 'point' as const };
      const { schedule } = planFromForecast(forecast, settings);
      const local = (t: number) => DateTime.fromMillis(t, { zone: ZONE });
      for (const day of [11, 12, 13]) {
        const onDay = schedule.entries.filter((e) => local(e.timestamp).day === day);
        const up = onDay.filter((e) => e.action === 'scale_up').map((e) => local(e.timestamp));
        const down = onDay.filter((e) => e.action === 'scale_down').map((e) => local(e.timestamp));
        expect(up[0]?.hour, `first scale-up on 3/${day}`).toBe(9);
        expect(down.at(-1)?.hour, `last scale-down on 3/${day}`).toBe(18);
      }
    },
  );
});
