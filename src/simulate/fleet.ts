/**
 * A fleet of servers with warm-up: a server launched at t serves nothing until t + warm-up (it is
 * billed from launch). Scaling in removes the newest servers first, the ones still warming before
 * any warm one, as Kubernetes deletes unready pods first and as an Auto Scaling group's default
 * termination policy prefers instances that are not yet in service. Pure: values in, values out.
 */

export interface Fleet {
  /** Servers that serve. */
  warm: number;
  /** Servers still warming, oldest first: `count` of them become warm at `readyAt`. */
  pending: { readyAt: number; count: number }[];
}

export function fleetOf(warm: number): Fleet {
  return { warm, pending: [] };
}

export function total(fleet: Fleet): number {
  return fleet.pending.reduce((n, p) => n + p.count, fleet.warm);
}

/** The fleet at `now`: servers whose warm-up has ended count as warm. */
export function advance(fleet: Fleet, now: number): Fleet {
  if (fleet.pending.length === 0 || fleet.pending[0].readyAt > now) return fleet;
  let warm = fleet.warm;
  const pending = fleet.pending.filter((p) => {
    if (p.readyAt > now) return true;
    warm += p.count;
    return false;
  });
  return { warm, pending };
}

/** Launches or removes servers at `now` so that the fleet holds `target` (newest removed first). */
export function scaleTo(fleet: Fleet, target: number, now: number, warmupMs: number): Fleet {
  const current = total(fleet);
  if (target === current) return fleet;
  if (target > current) {
    const count = target - current;
    if (warmupMs <= 0) return { ...fleet, warm: fleet.warm + count };
    return { ...fleet, pending: [...fleet.pending, { readyAt: now + warmupMs, count }] };
  }
  let remove = current - target;
  const pending = fleet.pending.map((p) => ({ ...p }));
  for (let k = pending.length - 1; k >= 0 && remove > 0; k--) {
    const taken = Math.min(remove, pending[k].count);
    pending[k].count -= taken;
    remove -= taken;
  }
  return { warm: fleet.warm - remove, pending: pending.filter((p) => p.count > 0) };
}
