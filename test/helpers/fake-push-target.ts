import { z } from 'zod';
import { UserError } from '../../src/errors.js';
import { scheduleSource } from '../../src/run/schedule.js';
import { definePushTarget, type PushOptions } from '../../src/targets/definition.js';
import { runPush } from '../../src/targets/push.js';

// A push target that lives only in the tests (test/push-registry.test.ts adds it to the registry):
// a "bucket" that stores the planned peak. It is what a new target writes, in one file: its flags
// as data, its push.<name> block from them, and a run that goes through the orchestrator.

export interface FakeOptions extends PushOptions {
  bucket?: string;
  copies: string;
  manifest?: string;
  region?: string;
}

export const fakeTarget = definePushTarget<FakeOptions>({
  name: 'bucket',
  label: 'a test bucket',
  description: 'Store the planned peak in a bucket (a target of the tests)',
  flags: [
    {
      flag: '--bucket <name>',
      help: 'the bucket to write',
      config: z.string().min(1),
      required: true,
    },
    {
      flag: '--copies <n>',
      help: 'how many copies to keep',
      default: '2',
      config: z.number().int().positive(),
    },
    { setting: 'region' },
    { flag: '--manifest <file>', help: 'a file the bucket reads', config: z.string(), path: true },
    { flag: '--apply', help: 'write the bucket' },
  ],
  epilogue: '\nExit codes: 0 done, 2 bad input.\n',
  fleet: { example: 'bucket: my-bucket', yaml: false },
  async run(csv, options, context) {
    if (!options.bucket) throw new UserError('--bucket is required');
    const source = await scheduleSource(csv, options);
    const peak = source.planned.peakServers;
    return runPush(
      {
        plan: async () => [`store peak ${peak} in ${options.bucket}`],
        pending: (plan) => plan.length > 0,
        compared: () => true,
        apply: async (plan) => ({ applied: plan, failed: [], notAttempted: [] }),
        describe: (plan, outcome) => ({
          json: {
            bucket: options.bucket,
            copies: options.copies,
            region: options.region,
            manifest: options.manifest,
            peak,
            explicit: [...context.explicit].sort(),
            applied: (outcome as { applied?: string[] } | undefined)?.applied ?? [],
          },
          text: `${outcome ? 'applied' : 'would'}: ${plan.join('; ')}`,
          warnings: source.warnings,
          notes: source.notes,
        }),
      },
      { apply: Boolean(options.apply), stepSummary: context.stepSummary },
    );
  },
});
