import { Option, type Command } from 'commander';
import { UserError } from '../errors.js';
import { AWS_ACTION_LIMIT } from '../targets/aws/actions.js';
import { DEFAULT_KUBECTL_IMAGE, K8S_FORMATS } from '../targets/k8s/names.js';
import type { PushAwsOptions } from './push-aws.js';
import type { PushK8sOptions } from './push-k8s.js';
import type { Runner } from './output.js';
import { allowOutsideConfigDirOption } from './options.js';
import { addScheduleSourceOptions } from './schedule-input.js';

// The push commands' flags. Their work (the AWS SDK, Kubernetes models) loads only when they run.

/** Flags given explicitly on the command line: they win over the config file. */
export function explicitFlags(command: Command): Set<string> {
  return new Set(
    command.options
      .map((o) => o.attributeName())
      .filter((name) => command.getOptionValueSource(name) === 'cli'),
  );
}

export function registerPushAws(push: Command, run: Runner): void {
  addScheduleSourceOptions(
    push
      .command('aws')
      .description(
        "Reconcile an Auto Scaling group's scheduled actions with the plan: shows the diff, changes the group with --apply",
      ),
  )
    .option('--group <name>', 'the Auto Scaling group (required without --config)')
    .option(
      '--config <file>',
      'push every service of a headroom.yaml that has a push.aws block, each to its own group',
    )
    .addOption(allowOutsideConfigDirOption())
    .option(
      '--endpoint <url>',
      'Auto Scaling API endpoint (default: AWS_ENDPOINT_URL_AUTO_SCALING or AWS)',
    )
    .option(
      '--prefix <text>',
      'name prefix of the actions headroom owns; others are never touched',
      'headroom-',
    )
    .addOption(
      new Option(
        '--recurrence <mode>',
        'weekly: recurring cron actions in the plan’s zone; once: one-off actions; auto: weekly when the plan spans a week',
      )
        .choices(['auto', 'weekly', 'once'])
        .default('auto'),
    )
    .option('--max-actions <n>', "the group's scheduled-action quota", String(AWS_ACTION_LIMIT))
    .option(
      '--min-size <plan|n>',
      'MinSize of each action: the planned servers (a floor reactive policies scale above) or a fixed number',
      'plan',
    )
    .addOption(
      new Option(
        '--desired <plan|none>',
        'DesiredCapacity: the planned servers, or none to leave it to scaling policies',
      )
        .choices(['plan', 'none'])
        .default('plan'),
    )
    .option('--max-size <n>', "MaxSize of each action (default: leave the group's)")
    .option(
      '--max-growth <factor>',
      "refuse a plan whose peak load exceeds this multiple of the history's peak",
      '3',
    )
    .option('--force', 'push even when a guardrail objects (a stale history, a plan far above it)')
    .option('--apply', 'change the group (without it, only show what would change)')
    .option(
      '--exit-code',
      'exit 7 when the group does not hold the plan after this run (changes pending in a dry run), 0 when it does',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ headroom push aws --group web-asg --region us-east-1 --schedule reports/schedule.json
  $ headroom push aws --group web-asg --schedule reports/schedule.json --max-size 40 --apply
  $ headroom push aws requests.csv --capacity-per-server 800 --group web-asg --desired none --apply
  $ headroom push aws --config headroom.yaml --apply
  $ headroom push aws --group web-asg --schedule reports/schedule.json --exit-code   # 7: changes pending

Exit codes: 0 done (or nothing to do), 2 bad input, 3 AWS refused a call or some actions failed,
4 a guardrail refused the plan (a history older than --max-staleness, a plan that has ended, a
peak far above the history; see --force), 5 some services of --config failed, 7 with --exit-code:
changes pending, 130/143 stopped by Ctrl-C/SIGTERM after the call in flight (what was applied is
listed; run it again to finish).
`,
    )
    .action((csv: string | undefined, options: PushAwsOptions, command: Command) => {
      if (!options.config) {
        return run(
          async () => (await import('./push-aws.js')).pushAwsCommand(csv, options),
          options.json,
        );
      }
      if (csv) throw new UserError('give either a CSV or --config, not both');
      const config = options.config;
      return run(async () => {
        const { pushAwsCommand } = await import('./push-aws.js');
        const { pushFleetCommand } = await import('./push-fleet.js');
        return pushFleetCommand('aws', config, options, explicitFlags(command), pushAwsCommand);
      }, options.json);
    });
}

/** Registers `headroom push k8s` under the `push` command group. */
export function registerPushK8s(push: Command, run: Runner): Command {
  const command = addScheduleSourceOptions(
    push
      .command('k8s')
      .description(
        'The plan for Kubernetes: a KEDA ScaledObject with cron windows, CronJobs that set an HPA floor, or an HPA; YAML, or --apply',
      ),
  )
    .addOption(
      new Option('--format <format>', 'what to write').choices(K8S_FORMATS).default('keda'),
    )
    .option('--target <kind/name>', 'the workload to scale: deployment/NAME or statefulset/NAME')
    .option('--namespace <ns>', 'namespace of the objects (default: default)')
    .option('--name <name>', 'name of the ScaledObject or HPA (default: the target name)')
    .option('--hpa <name>', 'cronjob: the HPA whose minReplicas is set (default: the target name)')
    .option(
      '--max-triggers <n>',
      'most cron triggers (keda) or CronJobs (cronjob); the plan is fitted at the least extra server-time',
      '24',
    )
    .option(
      '--max-replicas <n>',
      "keda/hpa: the ceiling for reactive scaling (default: the plan's --max-servers, else twice its peak)",
    )
    .option(
      '--one-off',
      "dated windows for the plan's own dates instead of a weekly repeat (automatic for plans under a week)",
    )
    .option(
      '--keep-triggers <file>',
      'keda: YAML list of your triggers (cpu, memory, prometheus…), or an existing ScaledObject to merge into',
    )
    .option('--cpu-utilization <percent>', 'hpa: CPU target, 0 for none', '70')
    .option('--memory-utilization <percent>', 'hpa: memory target, 0 for none', '80')
    .option('--kubectl-image <image>', 'cronjob: the image the jobs run', DEFAULT_KUBECTL_IMAGE)
    .option('--out <file>', 'write the YAML here instead of to stdout')
    .option(
      '--diff',
      'show what --apply would change: each object read from the cluster and compared with a server-side dry run (changes nothing)',
    )
    .option(
      '--apply',
      'apply to the cluster of the current kubeconfig (server-side apply), after showing the diff',
    )
    .option('--kubectl', 'with --apply: use kubectl (the default when it is on the PATH)')
    .option('--api', 'with --apply: use the Kubernetes API directly, even when kubectl is there')
    .option('--force', 'push even when a guardrail objects (a history older than --max-staleness)')
    .option(
      '--exit-code',
      'with --diff or --apply: exit 7 when the cluster does not hold the plan after this run, 0 when it does',
    )
    .option(
      '--force-conflicts',
      'with --apply or --diff: take over fields another manager set (e.g. an earlier kubectl apply)',
    )
    .option(
      '--config <file>',
      'push every service of a headroom.yaml that has a push.k8s block, each to its own object',
    )
    .addOption(allowOutsideConfigDirOption())
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web > web-keda.yaml
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web --namespace shop --diff
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web --keep-triggers cpu.yaml --apply
  $ headroom push k8s requests.csv --capacity-per-server 800 --target statefulset/db --format cronjob
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web --format hpa --out hpa.yaml
  $ headroom push k8s --schedule reports/schedule.json --target deployment/web --diff --exit-code

Without --apply nothing in the cluster changes; the YAML goes to stdout (or --out). --diff (and
--apply, before it changes anything) reads each object through the Kubernetes API and asks the
cluster for a server-side dry run of the apply: "n to create, n to change, n unchanged".
Exit codes: 0 done (changes pending or not, unless --exit-code), 2 bad input, 3 Kubernetes
refused an object or its dry run, or cannot be reached (what was applied is listed), 4 a guardrail
refused the plan (a history older than --max-staleness, see --force; dated windows that have
ended), 5 some services of --config failed, 7 with --exit-code: changes pending, 130/143 stopped by
Ctrl-C/SIGTERM after the object in flight (run it again to finish).
`,
    )
    .action((csv: string | undefined, options: PushK8sOptions, cmd: Command) => {
      const context = {
        timezoneGiven: cmd.getOptionValueSource('timezone') === 'cli',
        now: Date.now(),
        stepSummary: process.env.GITHUB_STEP_SUMMARY,
      };
      if (!options.config) {
        return run(
          async () => (await import('./push-k8s.js')).pushK8sCommand(csv, options, context),
          options.json,
        );
      }
      if (csv) throw new UserError('give either a CSV or --config, not both');
      const config = options.config;
      return run(async () => {
        const { pushK8sCommand } = await import('./push-k8s.js');
        const { pushFleetCommand } = await import('./push-fleet.js');
        const push = (file: string | undefined, o: PushK8sOptions) =>
          pushK8sCommand(file, o, context);
        return pushFleetCommand('k8s', config, options, explicitFlags(cmd), push);
      }, options.json);
    });
  return command;
}
