/**
 * The sentence a summary leads with: what the predictive plan saves or risks against the policy
 * the user runs now. Pure.
 */
import type { PolicyFigures } from './metrics.js';

/** "0 h", "12 min", "1.5 h", "37 h": hours as people read them. */
export function formatHours(hours: number): string {
  if (hours === 0) return '0 h';
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 10) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round(hours).toLocaleString('en-US')} h`;
}

/** "+18%", "−3.2%", "±0%". */
export function signedPercent(fraction: number): string {
  const tenths = Math.round(fraction * 1000) / 10;
  if (tenths === 0) return '±0%';
  const text =
    Math.abs(tenths) < 10 ? String(Math.abs(tenths)) : String(Math.round(Math.abs(tenths)));
  return `${tenths > 0 ? '+' : '−'}${text}%`;
}

export function formatMoney(amount: number): string {
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export interface Compared {
  label: string;
  figures: PolicyFigures;
}

/**
 * One sentence: over the replay, how predictive + reactive changes under-provisioned hours and
 * server-hours (and their cost, with a price) against `current`.
 */
export function verdict(
  current: Compared,
  predictive: Compared,
  options: { days: number; costPerServerHour?: number },
): string {
  const a = current.figures;
  const b = predictive.figures;
  const days = `${Math.round(options.days * 10) / 10} day${options.days === 1 ? '' : 's'}`;
  const [was, now] = [a.underProvisionedHours, b.underProvisionedHours];
  const amount = (hours: number) => (hours === 0 ? 'none' : formatHours(hours));
  const change = `under-provisioned time from ${amount(was)} to ${amount(now)}`;
  const risk =
    now < was
      ? `would have cut ${change} against your ${current.label}`
      : now > was
        ? `would have raised ${change} against your ${current.label}`
        : was === 0
          ? `would have left no minute under-provisioned, as your ${current.label} did`
          : `would have left under-provisioned time at ${formatHours(was)}, as your ${current.label} did`;
  const delta = b.serverHours - a.serverHours;
  const share = a.serverHours > 0 ? delta / a.serverHours : 0;
  const money =
    options.costPerServerHour !== undefined
      ? `, ${formatMoney(Math.abs(delta) * options.costPerServerHour)} at ${formatMoney(options.costPerServerHour)} a server-hour`
      : '';
  const rounded = Math.round(Math.abs(delta)).toLocaleString('en-US');
  const cost =
    Math.round(delta) === 0
      ? 'with the same server-hours'
      : delta > 0
        ? `for ${rounded} more server-hours (${signedPercent(share)}${money})`
        : `while saving ${rounded} server-hours (${signedPercent(share)}${money})`;
  return `Over the ${days} replayed, ${predictive.label} ${risk}, ${cost}.`;
}
