import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { serviceOptions, type FleetOptions } from './fleet.js';
import { table, type CommandOutput } from './output.js';

export type PushTarget = 'aws' | 'k8s';

/** Flags given explicitly on the command line: they win over the config file. */
export function explicitFlags(command: Command): Set<string> {
  return new Set(
    command.options
      .map((o) => o.attributeName())
      .filter((name) => command.getOptionValueSource(name) === 'cli'),
  );
}

/**
 * Pushes every service of a config file that has a `push.<target>` block, one after another:
 * each is planned from its CSV and pushed with its block's settings (flags given on the command
 * line win). One service's failure does not stop the others; the exit code says whether any failed.
 */
export async function pushFleetCommand<O extends object>(
  target: PushTarget,
  configPath: string,
  options: O,
  explicit: ReadonlySet<string>,
  push: (csv: string, options: O) => Promise<CommandOutput>,
): Promise<CommandOutput> {
  const loaded = await loadConfig(configPath);
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
  const results: { name: string; output?: CommandOutput; error?: string }[] = [];
  for (const service of services) {
    const block = Object.fromEntries(
      Object.entries(service.push![target]!)
        .filter(([key]) => !explicit.has(key))
        .map(([key, value]) => [key, String(value)]),
    );
    const merged = {
      ...serviceOptions(service, options as FleetOptions, explicit, join('reports', service.name)),
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
  const failed = results.filter((r) => r.error || (r.output?.exitCode ?? 0) !== 0);
  const summary = table(
    ['service', 'result'],
    results.map((r) => [
      r.name,
      r.error ? 'FAILED' : (r.output?.exitCode ?? 0) === 0 ? 'ok' : 'partly failed',
    ]),
  );
  // k8s writes YAML to stdout, so everything else there is a YAML comment and services are
  // separate documents: `push k8s --config … > plans.yaml` stays valid YAML.
  const comment = (text: string) => (target === 'k8s' ? text.replace(/^/gm, '# ') : text);
  const text = [
    ...results.map(
      (r) => `${comment(`== ${r.name}`)}\n${r.output?.text ?? comment(`FAILED: ${r.error}`)}\n`,
    ),
    comment(summary),
  ].join(target === 'k8s' ? '---\n' : '\n');
  return {
    json: {
      config: loaded.path,
      target,
      services: results.map((r) => ({ name: r.name, result: r.output?.json, error: r.error })),
    },
    text,
    warnings: results.flatMap((r) => r.output?.warnings ?? []),
    notes: results.flatMap((r) => (r.output?.notes ?? []).map((n) => `${r.name}: ${n}`)),
    ...(failed.length > 0 && { exitCode: EXIT.someFailed }),
  };
}
