import { z } from 'zod';
import { trustedEndpoint } from '../../util/endpoint.js';
import { definePushTarget } from '../definition.js';
import { AWS_ACTION_LIMIT } from './actions.js';
import type { PushAwsOptions } from './command.js';
import { acceptablePrefix, PREFIX_RULE } from './prefix.js';

/** `headroom push aws` and `push.aws`: an Auto Scaling group's scheduled actions. */
export const awsPush = definePushTarget<PushAwsOptions>({
  name: 'aws',
  label: 'AWS Auto Scaling',
  description:
    "Reconcile an Auto Scaling group's scheduled actions with the plan: shows the diff, changes the group with --apply",
  flags: [
    {
      flag: '--group <name>',
      help: 'the Auto Scaling group (required without --config)',
      config: z.string().min(1),
      required: true,
    },
    // --region and --profile are the source group's flags (CloudWatch reads with them too).
    { setting: 'region' },
    { setting: 'profile' },
    {
      flag: '--config <file>',
      help: 'push every service of a headroom.yaml that has a push.aws block, each to its own group',
    },
    {
      flag: '--endpoint <url>',
      help: 'Auto Scaling API endpoint (default: AWS_ENDPOINT_URL_AUTO_SCALING or AWS)',
      config: z
        .url()
        .refine(
          trustedEndpoint,
          'a config may only name an AWS endpoint (https://…amazonaws.com) or one on this machine (localhost, 127.0.0.1, [::1]); give any other with --endpoint',
        ),
    },
    {
      flag: '--prefix <text>',
      help: 'name prefix of the actions headroom owns; others are never touched',
      default: 'headroom-',
      config: z.string().refine(acceptablePrefix, `the prefix ${PREFIX_RULE}`),
    },
    {
      flag: '--recurrence <mode>',
      help: 'weekly: recurring cron actions in the plan’s zone; once: one-off actions; auto: weekly when the plan spans a week',
      choices: ['auto', 'weekly', 'once'],
      default: 'auto',
      config: z.enum(['auto', 'weekly', 'once']),
    },
    {
      flag: '--max-actions <n>',
      help: "the group's scheduled-action quota",
      default: String(AWS_ACTION_LIMIT),
      config: z.number().int().positive(),
    },
    {
      flag: '--min-size <plan|n>',
      help: 'MinSize of each action: the planned servers (a floor reactive policies scale above) or a fixed number',
      default: 'plan',
      config: z.union([z.literal('plan'), z.number().int().nonnegative()]),
    },
    {
      flag: '--desired <plan|none>',
      help: 'DesiredCapacity: the planned servers, or none to leave it to scaling policies',
      choices: ['plan', 'none'],
      default: 'plan',
      config: z.enum(['plan', 'none']),
    },
    {
      flag: '--max-size <n>',
      help: "MaxSize of each action (default: leave the group's)",
      config: z.number().int().positive(),
    },
    {
      flag: '--max-growth <factor>',
      help: "refuse a plan whose peak load exceeds this multiple of the history's peak",
      default: '3',
      config: z.number().positive(),
    },
    {
      flag: '--force',
      help: 'push even when a guardrail objects (a stale history, a plan far above it)',
    },
    { flag: '--apply', help: 'change the group (without it, only show what would change)' },
    {
      flag: '--exit-code',
      help: 'exit 7 when the group does not hold the plan after this run (changes pending in a dry run), 0 when it does',
    },
  ],
  epilogue: `
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
  fleet: { example: 'group: my-asg', yaml: false },
  run: async (csv, options, context) =>
    (await import('./command.js')).pushAwsCommand(csv, options, context),
});
