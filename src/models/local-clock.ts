import type { Series } from '../types.js';
import { DAY_MS, HOUR_MS } from '../util/duration.js';
import { zoneOffsetMinutes } from '../util/zone-offset.js';
import type { FittedModel, Forecaster, ModelContext, SavedState } from './types.js';

/*
 * Seasonal naive and MSTL repeat a season by step count. Counted in UTC steps, a week after a
 * daylight-saving change is an hour off the users' clock: busy 09:00–18:00 New York time becomes
 * a forecast busy 10:00–19:00 for the week after the spring change. These models therefore see
 * the history laid out on the wall clock of the zone: one slot per local clock time, the skipped
 * spring hour missing, the repeated autumn hour the mean of its two occurrences. The forecast is
 * made on that clock and read back at each future instant's local time, so every step repeats
 * the same local hour of the same local weekday.
 */

/** The history on the local wall clock, and the wall-clock slot of instant `t`. */
interface WallClock {
  local: Series;
  slotOf: (t: number) => number;
}

/**
 * Lays `history` (and the horizon after it) out on the wall clock of `zone`, or undefined when
 * that changes nothing: the zone keeps one offset over the span, or the step does not divide an
 * hour (a daily series has no hour to be off by).
 */
function wallClock(history: Series, horizon: number, zone: string): WallClock | undefined {
  const { start, stepMs, values } = history;
  if (zone === 'UTC' || HOUR_MS % stepMs !== 0) return undefined;
  const end = start + (values.length + horizon) * stepMs;
  const first = zoneOffsetMinutes(start, zone);
  if (first === undefined) return undefined;
  let changes = false;
  for (let t = start; t < end + DAY_MS && !changes; t += DAY_MS) {
    changes = zoneOffsetMinutes(Math.min(t, end), zone) !== first;
  }
  if (!changes) return undefined;

  const wallStart = start + first * 60_000;
  const slotOf = (t: number) =>
    Math.round((t + (zoneOffsetMinutes(t, zone) ?? first) * 60_000 - wallStart) / stepMs);
  const length = slotOf(start + (values.length - 1) * stepMs) + 1;
  const sums = new Float64Array(length);
  const counts = new Uint8Array(length);
  values.forEach((value, i) => {
    if (Number.isNaN(value)) return;
    const slot = slotOf(start + i * stepMs);
    sums[slot] += value;
    counts[slot]++;
  });
  const local = sums.map((sum, slot) => (counts[slot] > 0 ? sum / counts[slot] : NaN));
  return { local: { ...history, start: wallStart, values: local }, slotOf };
}

class LocalClockModel implements FittedModel {
  constructor(
    readonly inner: FittedModel,
    readonly zone: string,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  predict(history: Series, horizon: number): Float64Array {
    const clock = wallClock(history, horizon, this.zone);
    if (!clock) return this.inner.predict(history, horizon);
    const { local, slotOf } = clock;
    const next = history.start + history.values.length * history.stepMs;
    const slots = Array.from({ length: horizon }, (_, h) => slotOf(next + h * history.stepMs));
    const known = local.values.length;
    const ahead = Math.max(1, slots[horizon - 1] - known + 1);
    const forecast = this.inner.predict(local, ahead);
    // The repeated autumn hour right at the end of the history is a slot already observed.
    return Float64Array.from(slots, (slot) =>
      slot >= known ? forecast[slot - known] : local.values[slot],
    );
  }

  describe(): Record<string, unknown> {
    return this.inner.describe();
  }

  toJSON(): SavedState {
    return this.inner.toJSON();
  }
}

/** `forecaster`, fitted and forecasting on the local clock of the context's zone (see above). */
export function onLocalClock(forecaster: Forecaster): Forecaster {
  return {
    name: forecaster.name,
    fit(history: Series, context: ModelContext): FittedModel {
      const clock = wallClock(history, 0, context.zone);
      const inner = forecaster.fit(clock ? clock.local : history, context);
      return new LocalClockModel(inner, context.zone);
    },
  };
}

/** A saved model of a step-based kind, restored to forecast on its zone's local clock. */
export function restoredOnLocalClock(
  restore: (state: SavedState) => FittedModel,
): (state: SavedState) => FittedModel {
  return (state) => new LocalClockModel(restore(state), state.zone);
}
