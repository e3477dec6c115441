import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { UserError } from '../errors.js';
import { withMaskedExcerpts } from '../util/excerpt.js';
import { EXIT } from '../exit-codes.js';
import {
  exitCodeFor,
  isInterruptedExit,
  stopSignal,
  whileApplying,
  type ApplyControl,
} from '../util/interrupt.js';
import { serviceOptions, type FleetOptions } from './fleet.js';
import { table, type CommandOutput } from './output.js';

export type PushTarget = 'aws' | 'k8s';

/**
 * Pushes every service of a config file that has a `push.<target>` block, one after another:
 * each is planned from its CSV and pushed with its block's settings (flags given on the command
 * line win). One service's failure does not stop the others; the exit code says whether any failed.
 * A signal (Ctrl-C) with --apply stops the fleet after the call in flight.
 */
export async function pushFleetCommand<O extends object>(
  target: PushTarget,
  configPath: string,
  options: O,
  explicit: ReadonlySet<string>,
  push: (csv: string, options: O) => Promise<CommandOutput>,
): Promise<CommandOutput> {
  // The config names the files: what they hold is quoted only masked (see util/excerpt.ts).
  return withMaskedExcerpts(() => pushFleet(target, configPath, options, explicit, push));
}

async function pushFleet<O extends object>(
  target: PushTarget,
  configPath: string,
  options: O,
  explicit: ReadonlySet<string>,
  push: (csv: string, options: O) => Promise<CommandOutput>,
): Promise<CommandOutput> {
  const loaded = await loadConfig(configPath, {
    allowOutside: Boolean((options as { allowOutsideConfigDir?: boolean }).allowOutsideConfigDir),
  });
  const services = loaded.services.filter((s) => s.push?.[target]);
  if (services.length === 0) {
    throw new UserError(
      `${configPath}: no service has a push.${target} block`,
      `add push: { ${target}: { ${target === 'aws' ? 'group: my-asg' : 'target: deployment/web'} } } to a service`,
    );
  }
  const shared = services.filter((s) => s.seriesColumn || s.expanded);
  if (shared.length > 0) {
    throw new UserError(
      `${configPath}: service '${shared[0].name}' expands into several series or files, which cannot share one push.${target} target`,
      'give each pushed service its own CSV',
    );
  }
  const pushAll = async (control?: ApplyControl) => {
    const results: Result[] = [];
    for (const service of services) {
      // After Ctrl-C (or SIGTERM) no further service is started.
      if (stopSignal(control)) {
        results.push({ name: service.name, notAttempted: true });
        continue;
      }
      const block = Object.fromEntries(
        Object.entries(service.push![target]!)
          .filter(([key]) => !explicit.has(key))
          .map(([key, value]) => [key, String(value)]),
      );
      const merged = {
        ...serviceOptions(
          service,
          options as FleetOptions,
          explicit,
          join('reports', service.name),
        ),
        ...block,
      } as O;
      try {
        results.push({ name: service.name, output: await push(service.file, merged) });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        results.push({
          name: service.name,
          error: `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`,
        });
      }
    }
    return { results, interrupted: stopSignal(control) };
  };
  // With --apply, a signal while one service is planned or pushed lets that one finish its call,
  // stops there, and skips the services after it; each service's push reports what it did.
  const { results, interrupted } = (options as { apply?: boolean }).apply
    ? await whileApplying(pushAll)
    : await pushAll();
  const failed = results.filter(
    (r) => r.error || ((r.output?.exitCode ?? 0) !== 0 && !isInterruptedExit(r.output?.exitCode)),
  );
  const summary = table(
    ['service', 'result'],
    results.map((r) => [r.name, resultOf(r)]),
  );
  // k8s writes YAML to stdout, so everything else there is a YAML comment and services are
  // separate documents: `push k8s --config … > plans.yaml` stays valid YAML.
  const comment = (text: string) => (target === 'k8s' ? text.replace(/^/gm, '# ') : text);
  const text = [
    ...results
      .filter((r) => !r.notAttempted)
      .map(
        (r) => `${comment(`== ${r.name}`)}\n${r.output?.text ?? comment(`FAILED: ${r.error}`)}\n`,
      ),
    comment(
      interrupted
        ? `${summary}\ninterrupted (${interrupted}): ${results.filter((r) => r.notAttempted).length} service(s) not attempted; run the push again to finish`
        : summary,
    ),
  ].join(target === 'k8s' ? '---\n' : '\n');
  const exitCode = interrupted
    ? exitCodeFor(interrupted)
    : failed.length > 0
      ? EXIT.someFailed
      : undefined;
  return {
    json: {
      config: loaded.path,
      target,
      interrupted: interrupted !== undefined,
      services: results.map((r) => ({
        name: r.name,
        result: r.output?.json,
        error: r.error,
        ...(r.notAttempted && { notAttempted: true }),
      })),
    },
    text,
    warnings: results.flatMap((r) => r.output?.warnings ?? []),
    notes: results.flatMap((r) => (r.output?.notes ?? []).map((n) => `${r.name}: ${n}`)),
    ...(exitCode !== undefined && { exitCode }),
  };
}

interface Result {
  name: string;
  output?: CommandOutput;
  error?: string;
  /** Not started because a signal stopped the fleet. */
  notAttempted?: boolean;
}

function resultOf(r: Result): string {
  if (r.notAttempted) return 'not attempted (interrupted)';
  if (r.error) return 'FAILED';
  const code = r.output?.exitCode ?? 0;
  if (code === 0) return 'ok';
  return isInterruptedExit(code) ? 'interrupted' : 'partly failed';
}
