import { join } from 'node:path';
import { loadConfig, type Service } from '../config/load.js';
import { asFlagValue } from '../config/service-settings.js';
import { GuardrailError, UserError } from '../errors.js';
import { withMaskedExcerpts } from '../util/excerpt.js';
import { EXIT } from '../exit-codes.js';
import {
  exitCodeFor,
  isInterruptedExit,
  stopSignal,
  whileApplying,
  type ApplyControl,
  type StopSignal,
} from '../util/interrupt.js';
import type { PushContext, PushOptions, PushTargetDefinition } from '../targets/definition.js';
import { serviceOptions, type FleetOptions } from './fleet.js';
import { table, type CommandOutput } from './output.js';

/**
 * Pushes every service of a config file that has a `push.<target>` block, one after another:
 * each is planned from its CSV and pushed with its block's settings (flags given on the command
 * line win). One service's failure does not stop the others; the exit code says whether any failed
 * (4 when guardrails refused them all, else 5) and, with --exit-code, whether any has changes pending.
 * A signal (Ctrl-C) with --apply stops the fleet after the call in flight.
 */
export async function pushFleetCommand(
  target: PushTargetDefinition,
  configPath: string,
  options: PushOptions,
  context: PushContext,
): Promise<CommandOutput> {
  // The config names the files: what they hold is quoted only masked (see util/excerpt.ts).
  return withMaskedExcerpts(() => pushFleet(target, configPath, options, context));
}

async function pushFleet(
  target: PushTargetDefinition,
  configPath: string,
  options: PushOptions,
  context: PushContext,
): Promise<CommandOutput> {
  target.checkFlags?.(options);
  const loaded = await loadConfig(configPath, {
    allowOutside: Boolean(options.allowOutsideConfigDir),
  });
  const services = pushedServices(loaded.services, target, configPath);
  const pushAll = async (control?: ApplyControl) => {
    const results: Result[] = [];
    for (const service of services) {
      // After Ctrl-C (or SIGTERM) no further service is started.
      if (stopSignal(control)) results.push({ name: service.name, notAttempted: true });
      else results.push(await pushService(service, target, options, context));
    }
    return { results, interrupted: stopSignal(control) };
  };
  // With --apply, a signal while one service is planned or pushed lets that one finish its call,
  // stops there, and skips the services after it; each service's push reports what it did.
  const { results, interrupted } = options.apply ? await whileApplying(pushAll) : await pushAll();
  const code = (r: Result) => r.output?.exitCode ?? EXIT.ok;
  const failed = results.filter(
    (r) => r.error || (code(r) !== EXIT.pending && code(r) !== 0 && !isInterruptedExit(code(r))),
  );
  // Refused by a guardrail alone (a stale history): 4, as for one service; any other failure: 5.
  const exitCode = interrupted
    ? exitCodeFor(interrupted)
    : failed.length > 0
      ? failed.every((r) => r.refused)
        ? EXIT.refused
        : EXIT.someFailed
      : results.some((r) => code(r) === EXIT.pending)
        ? EXIT.pending
        : undefined;
  return {
    json: {
      config: loaded.path,
      target: target.name,
      interrupted: interrupted !== undefined,
      services: results.map((r) => ({
        name: r.name,
        result: r.output?.json,
        error: r.error,
        ...(r.refused && { refused: true }),
        ...(r.notAttempted && { notAttempted: true }),
      })),
    },
    text: fleetText(target, results, interrupted),
    warnings: results.flatMap((r) =>
      (r.output?.warnings ?? []).map((w) => ({ ...w, message: `${r.name}: ${w.message}` })),
    ),
    notes: results.flatMap((r) => (r.output?.notes ?? []).map((n) => `${r.name}: ${n}`)),
    ...(exitCode !== undefined && { exitCode }),
  };
}

/** The services with a `push.<target>` block, each of which must be a single series. */
function pushedServices(services: Service[], target: PushTargetDefinition, configPath: string) {
  const { name } = target;
  const pushed = services.filter((s) => s.push?.[name]);
  if (pushed.length === 0) {
    throw new UserError(
      `${configPath}: no service has a push.${name} block`,
      `add push: { ${name}: { ${target.fleet.example} } } to a service`,
    );
  }
  const shared = pushed.filter((s) => (s.seriesColumn && s.series === undefined) || s.expanded);
  if (shared.length > 0) {
    throw new UserError(
      `${configPath}: service '${shared[0].name}' expands into several series or files, which cannot share one push.${name} target`,
      'give each pushed service its own CSV',
    );
  }
  return pushed;
}

/** One service pushed with its block's settings (flags given win); a UserError is its result. */
async function pushService(
  service: Service,
  target: PushTargetDefinition,
  options: PushOptions,
  context: PushContext,
): Promise<Result> {
  const block = Object.fromEntries(
    Object.entries(service.push![target.name]!)
      .filter(([key]) => !context.explicit.has(key))
      .map(([key, value]) => [key, asFlagValue(value)]),
  );
  const merged = {
    ...serviceOptions(
      service,
      options as unknown as FleetOptions,
      context.explicit,
      join('reports', service.name),
    ),
    ...block,
    ...service.source,
    // A service of several metrics plans from them (see run/schedule.ts).
    ...(Array.isArray(service.history) && { metrics: service.history }),
  } as unknown as PushOptions;
  const csv = typeof service.history === 'string' ? service.history : undefined;
  try {
    return { name: service.name, output: await target.run(csv, merged, context) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return {
      name: service.name,
      error: `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`,
      ...(error instanceof GuardrailError && { refused: true }),
    };
  }
}

/** Each service's output under its name, then the summary table. */
function fleetText(
  target: PushTargetDefinition,
  results: Result[],
  interrupted: StopSignal | undefined,
): string {
  const summary = table(
    ['service', 'result'],
    results.map((r) => [r.name, resultOf(r)]),
  );
  const comment = (text: string) => (target.fleet.yaml ? text.replace(/^/gm, '# ') : text);
  return [
    ...results
      .filter((r) => !r.notAttempted)
      .map(
        (r) =>
          `${comment(`== ${r.name}`)}\n${r.output?.text ?? comment(`${resultOf(r)}: ${r.error}`)}\n`,
      ),
    comment(
      interrupted
        ? `${summary}\ninterrupted (${interrupted}): ${results.filter((r) => r.notAttempted).length} service(s) not attempted; run the push again to finish`
        : summary,
    ),
  ].join(target.fleet.yaml ? '---\n' : '\n');
}

interface Result {
  name: string;
  output?: CommandOutput;
  error?: string;
  /** Not started because a signal stopped the fleet. */
  notAttempted?: boolean;
  /** A guardrail refused its plan (`error` says why). */
  refused?: boolean;
}

function resultOf(r: Result): string {
  if (r.notAttempted) return 'not attempted (interrupted)';
  if (r.error) return r.refused ? 'REFUSED' : 'FAILED';
  const code = r.output?.exitCode ?? 0;
  if (code === 0) return 'ok';
  if (code === EXIT.pending) return 'changes pending';
  return isInterruptedExit(code) ? 'interrupted' : 'partly failed';
}
