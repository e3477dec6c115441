import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANY_AGE, DATA } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import {
  FAKE_AWS_ENV,
  startFakeAutoScaling,
  type FakeAutoScaling,
} from './helpers/fake-autoscaling.js';
import { startHeadroom } from './helpers/signals.js';

// The real SDK client talking HTTP to a loopback Auto Scaling endpoint: in this process, and in a
// child process where the test sends it a signal.
let fake: FakeAutoScaling;
let dir: string;
let schedule: string;

const credentials = FAKE_AWS_ENV;

function push(args: string[], env: Record<string, string | undefined> = {}) {
  return runInProcess(['push', 'aws', '--group', 'web', ...ANY_AGE, ...args], {
    env: {
      ...credentials,
      AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
      GITHUB_STEP_SUMMARY: undefined,
      ...env,
    },
  });
}

/** The same push as `push`, started so that the test can signal it mid-call. */
function startPush(args: string[]) {
  return startHeadroom(['push', 'aws', '--group', 'web', ...ANY_AGE, ...args], {
    ...credentials,
    AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
    GITHUB_STEP_SUMMARY: undefined,
  });
}

/** `count` one-off actions an earlier plan left on the group, which this one deletes. */
function staleActions(count: number) {
  const group = fake.groups.get('web')!;
  for (let i = 0; i < count; i++) {
    const name = `headroom-once-old-${String(i).padStart(2, '0')}`;
    group.actions.set(name, {
      name,
      startTime: '2030-01-01T00:00:00Z',
      minSize: 3,
      desiredCapacity: 3,
    });
  }
}

/** The rows of the text report's table: op, action and result (the last column). */
function resultRows(stdout: string) {
  return [
    ...stdout.matchAll(/^(create|update|delete)\s+(\S+)\s.*?(applied|FAILED|not attempted)$/gm),
  ].map((m) => ({ op: m[1], name: m[2], result: m[3] }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-push-aws-'));
  const load = join(dir, 'load.csv');
  expect((await runInProcess(['generate', '--days', '35', '--out', load])).code).toBe(0);
  const plan = await runInProcess([
    'plan',
    load,
    '--timezone',
    'America/New_York',
    '--capacity-per-server',
    '60',
    '--out-dir',
    dir,
  ]);
  expect(plan.code, plan.stderr).toBe(0);
  schedule = join(dir, 'schedule.json');
}, 60_000);

beforeEach(async () => {
  fake = await startFakeAutoScaling();
});
afterEach(() => fake.close());
afterAll(() => undefined);

describe('headroom push aws against a loopback Auto Scaling endpoint', () => {
  it('creates the actions on a first push, then changes nothing on a second', async () => {
    const dry = await push(['--schedule', schedule]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/dry run: nothing was changed/);
    expect(fake.calls('BatchPutScheduledUpdateGroupAction')).toHaveLength(0);
    const planned = Number(/(\d+) to create/.exec(dry.stdout)?.[1]);
    expect(planned).toBeGreaterThan(10);

    const first = await push(['--schedule', schedule, '--apply']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`applied all ${planned} change`));
    const actions = [...fake.groups.get('web')!.actions.values()];
    expect(actions).toHaveLength(planned);
    for (const a of actions) {
      expect(a.name).toMatch(/^headroom-/);
      expect(a.timeZone).toBe('America/New_York');
      expect(a.recurrence).toMatch(/^\d+ \d+ \* \* [\d,*-]+$/);
      expect(a.minSize).toBe(a.desiredCapacity);
    }
    // The wire format: Query API version, SigV4 with the dummy key, members numbered from 1.
    const put = fake.calls('BatchPutScheduledUpdateGroupAction')[0];
    expect(put.params.get('Version')).toBe('2011-01-01');
    expect(put.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE\//);
    expect(put.params.get('ScheduledUpdateGroupActions.member.1.Recurrence')).toBeTruthy();
    expect(fake.calls('BatchPutScheduledUpdateGroupAction').length).toBe(Math.ceil(planned / 50));

    const puts = fake.calls('BatchPutScheduledUpdateGroupAction').length;
    const second = await push(['--schedule', schedule, '--apply']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/nothing to change: the group already has this schedule/);
    expect(second.stdout).toMatch(
      new RegExp(`0 to create, 0 to update, 0 to delete, ${planned} unchanged`),
    );
    expect(fake.calls('BatchPutScheduledUpdateGroupAction')).toHaveLength(puts);
  }, 30_000);

  it('a MaxSize left on its actions by an earlier --max-size is named, and refused below the plan', async () => {
    const capped = await push(['--schedule', schedule, '--max-size', '5', '--apply', '--force']);
    expect(capped.code, capped.stderr).toBe(0);
    const kept = [...fake.groups.get('web')!.actions.values()].map((a) => a.maxSize);
    expect(new Set(kept)).toEqual(new Set([5]));
    const again = await push(['--schedule', schedule, '--apply']);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(
      /needs \d+ servers but MaxSize is 5 \(left on headroom-\S+ by an earlier --max-size, which an update keeps; give --max-size to change it\)/,
    );
    const raised = await push(['--schedule', schedule, '--max-size', '40', '--apply']);
    expect(raised.code, raised.stderr).toBe(0);
    const quiet = await push(['--schedule', schedule]);
    expect(quiet.stderr).toMatch(
      /note: \d+ of headroom's actions keep MaxSize 40 from an earlier --max-size/,
    );
  });

  it('takes --dry-run as the default it is, and refuses it beside --apply', async () => {
    const plain = await push(['--schedule', schedule]);
    const dry = await push(['--schedule', schedule, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(plain.stdout);
    const both = await push(['--schedule', schedule, '--dry-run', '--apply']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--dry-run and --apply exclude each other/);
    expect(fake.calls('BatchPutScheduledUpdateGroupAction')).toHaveLength(0);
  });

  it('updates only what changed and leaves foreign actions alone', async () => {
    const group = fake.groups.get('web')!;
    group.actions.set('nightly-batch', {
      name: 'nightly-batch',
      recurrence: '0 2 * * *',
      minSize: 9,
    });
    await push(['--schedule', schedule, '--apply']);
    const before = new Map([...group.actions].map(([k, v]) => [k, { ...v }]));

    // Raise the plan by one server from the first weekday peak on.
    const doc = JSON.parse(await readFile(schedule, 'utf8'));
    const peak = doc.entries.reduce(
      (best: number, e: { capacity: number }, i: number) =>
        e.capacity > doc.entries[best].capacity ? i : best,
      0,
    );
    doc.entries[peak].capacity += 1;
    const changed = join(dir, 'changed.json');
    await writeFile(changed, JSON.stringify(doc));

    const run = await push(['--schedule', changed, '--apply', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    const touched = [
      ...result.diff.create,
      ...result.diff.update.map((u: { name: string }) => u.name),
      ...result.diff.delete,
    ];
    expect(touched.length).toBeGreaterThan(0);
    expect(touched.length).toBeLessThanOrEqual(3);
    expect(result.diff.foreign).toEqual(['nightly-batch']);
    expect(group.actions.get('nightly-batch')).toEqual(before.get('nightly-batch'));
    for (const [name, action] of group.actions) {
      if (!touched.includes(name)) expect(action).toEqual(before.get(name));
    }
  }, 30_000);

  it('reads every page of a long list of actions', async () => {
    fake.pageSize = 7;
    const group = fake.groups.get('web')!;
    for (let i = 0; i < 20; i++) {
      group.actions.set(`other-${i}`, {
        name: `other-${i}`,
        recurrence: `${i} 3 * * *`,
        minSize: 1,
      });
    }
    const run = await push(['--schedule', schedule, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).diff.foreign).toHaveLength(20);
    expect(fake.calls('DescribeScheduledActions').length).toBe(3);
    expect(fake.calls('DescribeScheduledActions')[1].params.get('NextToken')).toBe('7');
  });

  it('retries a throttled call with backoff', async () => {
    fake.throttle(2);
    const run = await push(['--schedule', schedule, '--apply']);
    expect(run.code, run.stderr).toBe(0);
    expect(fake.requests.slice(0, 3).map((r) => r.action)).toEqual([
      'DescribeAutoScalingGroups',
      'DescribeAutoScalingGroups',
      'DescribeAutoScalingGroups',
    ]);
    expect(fake.groups.get('web')!.actions.size).toBeGreaterThan(0);
  }, 30_000);

  it('reports a partial failure per action and exits 3', async () => {
    const dry = JSON.parse((await push(['--schedule', schedule, '--json'])).stdout);
    const victim: string = dry.diff.create[3];
    fake.failPuts.set(victim, 'ValidationError');
    const run = await push(['--schedule', schedule, '--apply']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(new RegExp(`failed create ${victim}: ValidationError`));
    expect(run.stdout).toMatch(/1 failed and 0 were not attempted/);
    expect(fake.groups.get('web')!.actions.has(victim)).toBe(false);
    expect(fake.groups.get('web')!.actions.size).toBe(dry.diff.create.length - 1);
  }, 30_000);

  it('compacts a 200-step plan under the quota, or refuses when it cannot fit', async () => {
    const start = Date.UTC(2026, 10, 23); // a Monday
    const entries = Array.from({ length: 200 }, (_, i) => ({
      timestamp: new Date(start + i * 50 * 60_000).toISOString(),
      capacity: 4 + ((i * 7) % 11),
      change: 0,
      action: 'scale_up',
    }));
    const doc = {
      format: 'headroom.schedule/v1',
      timezone: 'UTC',
      interval: '10m',
      start: entries[0].timestamp,
      end: new Date(start + 7 * 86_400_000).toISOString(),
      source: {},
      capacity: { maxServers: null },
      summary: { peakServers: 14, peakPlannedLoad: 100 },
      entries,
    };
    const file = join(dir, 'busy.json');
    await writeFile(file, JSON.stringify(doc));
    const run = await push([
      '--schedule',
      file,
      '--min-hold',
      '0',
      '--lead-time',
      '0',
      '--json',
      '--apply',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.actions.length).toBeLessThanOrEqual(125);
    expect(result.extraServerHours).toBeGreaterThan(0);
    expect(fake.groups.get('web')!.actions.size).toBe(result.actions.length);

    const full = fake.groups.get('web')!;
    full.actions.clear();
    for (let i = 0; i < 125; i++) full.actions.set(`team-${i}`, { name: `team-${i}`, minSize: 1 });
    const refused = await push(['--schedule', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot fit in 0 scheduled action/);
    expect(refused.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 30_000);

  it('refuses a plan far above its history, and a MaxSize below running capacity, unless forced', async () => {
    const doc = JSON.parse(await readFile(schedule, 'utf8'));
    doc.history.peak = doc.summary.peakPlannedLoad / 5;
    const grown = join(dir, 'grown.json');
    await writeFile(grown, JSON.stringify(doc));
    const refused = await push(['--schedule', grown, '--apply']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/5× the highest load in its history/);
    expect(fake.calls('BatchPutScheduledUpdateGroupAction')).toHaveLength(0);
    expect((await push(['--schedule', grown, '--max-growth', '6'])).code).toBe(0);

    fake.groups.get('web')!.desiredCapacity = 30;
    const cut = await push(['--schedule', schedule, '--max-size', '20', '--apply']);
    expect(cut.code).toBe(4);
    expect(cut.stderr).toMatch(/MaxSize 20 is below the group's current DesiredCapacity 30/);
    const forced = await push(['--schedule', schedule, '--max-size', '20', '--force', '--apply']);
    expect(forced.code, forced.stderr).toBe(0);
    expect([...fake.groups.get('web')!.actions.values()].every((a) => a.maxSize === 20)).toBe(true);
  }, 30_000);

  it('appends the diff to $GITHUB_STEP_SUMMARY as Markdown', async () => {
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    const run = await push(['--schedule', schedule], { GITHUB_STEP_SUMMARY: summary });
    expect(run.code, run.stderr).toBe(0);
    const text = await readFile(summary, 'utf8');
    expect(text).toMatch(/^# earlier step\n### headroom push aws: web/);
    expect(text).toMatch(/\| op \| action \| UTC \| America\/New_York \|/);
    expect(text).toMatch(/\| create \| headroom-/);
  });

  it('without credentials, shows the actions it would write and says the diff needs them', async () => {
    const run = await runInProcess(
      ['push', 'aws', '--group', 'web', ...ANY_AGE, '--schedule', schedule],
      {
        env: {
          ...credentials,
          AWS_ACCESS_KEY_ID: undefined,
          AWS_SECRET_ACCESS_KEY: undefined,
          AWS_PROFILE: undefined,
          AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
        },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/the diff against the group needs credentials/);
    expect(run.stdout).toMatch(/action\(s\) would be written \(not compared with the group\)/);
    expect(run.stdout).toMatch(/put\s+headroom-weekly-\d{4}/);
    expect(fake.requests).toHaveLength(0);

    const apply = await runInProcess(
      ['push', 'aws', '--group', 'web', ...ANY_AGE, '--schedule', schedule, '--apply'],
      { env: { ...credentials, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } },
    );
    // Missing credentials are the user's to fix: exit 2 with how, not a refusal by AWS (3).
    expect(apply.code).toBe(2);
    expect(apply.stderr).toMatch(/no AWS credentials found/);
    expect(apply.stderr).toMatch(/hint: set AWS_PROFILE \(or --profile\)/);

    // An unset CI variable passed on as AWS_REGION= is a missing region too, not AWS refusing.
    const empty = { ...credentials, AWS_REGION: '', AWS_DEFAULT_REGION: undefined };
    const blank = await runInProcess(
      ['push', 'aws', '--group', 'web', ...ANY_AGE, '--schedule', schedule, '--apply'],
      { env: { ...empty, AWS_ENDPOINT_URL_AUTO_SCALING: fake.url } },
    );
    expect(blank.code).toBe(2);
    expect(blank.stderr).toMatch(/no AWS region \(AWS_REGION is set but empty\)/);
    expect(blank.stderr).toMatch(/hint: give --region/);
    expect(fake.requests).toHaveLength(0);
  }, 30_000);

  it('plans from a CSV on the fly, and refuses one-off actions for a plan in the past', async () => {
    const load = join(dir, 'load.csv');
    const run = await push([load, '--capacity-per-server', '60', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.source).toBe(load);
    expect(result.mode).toBe('weekly');
    expect(result.diff.create.length).toBe(result.actions.length);

    // An ended plan is out of date like a stale history (exit 4), but --force cannot push it.
    const once = await push(['--schedule', schedule, '--recurrence', 'once', '--force']);
    expect(once.code).toBe(4);
    expect(once.stderr).toMatch(/before now: one-off actions must start in the future/);
    expect(once.stderr).toMatch(/--force cannot push dates that have passed/);
    expect(once.stderr).toMatch(/--recurrence weekly/);
  }, 30_000);

  it('pushes every service of a config file to its own group; one failure does not stop the rest', async () => {
    fake.groups.set('taxi-asg', {
      minSize: 1,
      maxSize: 80,
      desiredCapacity: 3,
      actions: new Map(),
    });
    const config = join(dir, 'push.yaml');
    await writeFile(
      config,
      [
        'defaults:',
        '  capacityPerServer: 60',
        'services:',
        '  - name: web',
        '    data: load.csv',
        '    push:',
        '      aws: { group: web, maxSize: 40 }',
        '  - name: taxi',
        `    data: ${join(DATA, 'nyc_taxi.csv')}`,
        '    agg: sum',
        '    timezone: America/New_York',
        '    capacityPerServer: 2000',
        '    push:',
        '      aws: { group: taxi-asg }',
        '  - name: gone',
        '    data: load.csv',
        '    push:',
        '      aws: { group: no-such-group }',
        '  - name: unpushed',
        '    data: load.csv',
      ].join('\n'),
    );
    const run = await runInProcess(
      [
        'push',
        'aws',
        '--config',
        config,
        '--allow-outside-config-dir',
        '--apply',
        '--json',
        ...ANY_AGE,
      ],
      {
        env: {
          ...credentials,
          AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
        },
      },
    );
    expect(run.code, run.stderr).toBe(5);
    const result = JSON.parse(run.stdout);
    expect(result.services.map((s: { name: string }) => s.name)).toEqual(['web', 'taxi', 'gone']);
    expect(result.services[2].error).toMatch(/no Auto Scaling group named 'no-such-group'/);
    // A service's warnings say whose they are.
    expect(run.stderr).toMatch(/warning: taxi: 1 short gap\(s\)/);
    const web = [...fake.groups.get('web')!.actions.values()];
    const taxi = [...fake.groups.get('taxi-asg')!.actions.values()];
    expect(web.length).toBeGreaterThan(0);
    expect(web.every((a) => a.maxSize === 40 && a.timeZone === 'UTC')).toBe(true);
    expect(taxi.length).toBeGreaterThan(0);
    expect(taxi.every((a) => a.maxSize === undefined && a.timeZone === 'America/New_York')).toBe(
      true,
    );
  }, 60_000);

  it('names a missing group and a missing schedule clearly', async () => {
    const missing = await runInProcess(
      ['push', 'aws', '--group', 'nope', ...ANY_AGE, '--schedule', schedule],
      {
        env: {
          ...credentials,
          AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
        },
      },
    );
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no Auto Scaling group named 'nope'/);
    const noFile = await push(['--schedule', join(dir, 'absent.json')]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/absent\.json: cannot read the schedule \(no such file\)/);
  });

  it('Ctrl-C during a batch: the batch finishes, nothing further starts, exit 130, and a rerun converges', async () => {
    staleActions(60);
    const group = fake.groups.get('web')!;
    const held = fake.hold('BatchPutScheduledUpdateGroupAction');
    const run = startPush(['--schedule', schedule, '--apply']);
    await held.arrived;
    run.signal('SIGINT');
    await run.stderrMatches(/SIGINT: stopping once BatchPutScheduledUpdateGroupAction/);
    held.release();
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/Press Ctrl-C again to exit at once/);

    // One put of the creates, then the deletes of the stale actions: only the put was sent.
    expect(fake.calls('BatchPutScheduledUpdateGroupAction')).toHaveLength(1);
    expect(fake.calls('BatchDeleteScheduledAction')).toHaveLength(0);
    const rows = resultRows(result.stdout);
    const applied = rows.filter((r) => r.result === 'applied');
    const notAttempted = rows.filter((r) => r.result === 'not attempted');
    expect(applied.length).toBeGreaterThan(10);
    expect(applied.every((r) => r.op === 'create')).toBe(true);
    expect(notAttempted.map((r) => r.name).sort()).toEqual(
      [...group.actions.keys()].filter((n) => n.includes('-old-')).sort(),
    );
    expect(notAttempted).toHaveLength(60);
    for (const r of notAttempted) {
      expect(result.stdout).toContain(`  not attempted delete ${r.name}`);
    }
    expect(result.stdout).toMatch(
      new RegExp(
        `interrupted \\(SIGINT\\): applied ${applied.length} of ${applied.length + 60} change\\(s\\); 0 failed and 60 were not attempted`,
      ),
    );
    // The group holds exactly what was reported: the stale actions and the applied creates.
    expect([...group.actions.keys()].sort()).toEqual(
      [...notAttempted, ...applied].map((r) => r.name).sort(),
    );

    const again = await push(['--schedule', schedule, '--apply']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 to create, 0 to update, 60 to delete/);
    expect(again.stdout).toMatch(/applied all 60 change\(s\)/);
    const third = await push(['--schedule', schedule, '--apply']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/nothing to change: the group already has this schedule/);
    expect(group.actions.size).toBe(applied.length);
  }, 30_000);

  it('a group whose quota is lower than --max-actions: the refused puts say to give the quota', async () => {
    fake.limit = 20;
    const run = await push(['--schedule', schedule, '--apply']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/\d+ failed and \d+ were not attempted/);
    expect(run.stdout).toMatch(
      /AWS refused some as over the group's quota of scheduled actions, which is lower than --max-actions 125: give your quota with --max-actions and push again/,
    );
    expect(fake.groups.get('web')!.actions.size).toBe(20);
  }, 30_000);

  it('near the quota, a delete that makes room and the put it makes room for are not split by Ctrl-C', async () => {
    staleActions(60);
    fake.limit = 80;
    const group = fake.groups.get('web')!;
    const held = fake.hold('BatchDeleteScheduledAction');
    const run = startPush(['--schedule', schedule, '--max-actions', '80', '--apply', '--json']);
    await held.arrived;
    run.signal('SIGINT');
    await run.stderrMatches(/SIGINT: stopping/);
    held.release();
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    const json = JSON.parse(result.stdout);
    expect(json.interrupted).toBe(true);
    const creates: string[] = json.diff.create;
    // 60 + the creates pass 80: just enough deletes go first, then the creates, then the rest.
    const making = 60 + creates.length - 80;
    expect(making).toBeGreaterThan(0);
    expect(fake.requests.map((r) => r.action).filter((a) => a.startsWith('Batch'))).toEqual([
      'BatchDeleteScheduledAction',
      'BatchPutScheduledUpdateGroupAction',
    ]);
    const { outcome } = json;
    expect(outcome.signal).toBe('SIGINT');
    expect(outcome.failed).toEqual([]);
    expect(outcome.applied.filter((a: { op: string }) => a.op === 'delete')).toHaveLength(making);
    expect(
      outcome.applied
        .filter((a: { op: string }) => a.op === 'create')
        .map((a: { name: string }) => a.name),
    ).toEqual(creates);
    expect(outcome.notAttempted).toHaveLength(60 - making);
    expect(outcome.notAttempted.every((a: { op: string }) => a.op === 'delete')).toBe(true);
    // Never fewer actions than the plan: every planned action is there, and what was reported.
    expect(group.actions.size).toBe(80);
    for (const name of creates) expect(group.actions.has(name)).toBe(true);
    const deleted = outcome.applied.filter((a: { op: string }) => a.op === 'delete');
    for (const a of deleted) expect(group.actions.has(a.name)).toBe(false);
    for (const a of outcome.notAttempted) expect(group.actions.has(a.name)).toBe(true);

    const again = await push(['--schedule', schedule, '--max-actions', '80', '--apply']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`applied all ${60 - making} change\\(s\\)`));
    const dry = await push(['--schedule', schedule, '--max-actions', '80']);
    expect(dry.stdout).toMatch(/nothing to change/);
  }, 30_000);

  it('a second Ctrl-C exits at once, says the call in flight has an unknown outcome, and a rerun converges', async () => {
    staleActions(5);
    const held = fake.hold('BatchPutScheduledUpdateGroupAction');
    const run = startPush(['--schedule', schedule, '--apply']);
    await held.arrived;
    run.signal('SIGINT');
    await run.stderrMatches(/SIGINT: stopping/);
    run.signal('SIGINT');
    const result = await run.done;
    held.release();
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(
      /SIGINT again: exiting now\. The outcome of BatchPutScheduledUpdateGroupAction of \d+ action\(s\) \(headroom-\S+ … headroom-\S+\) is unknown; nothing was applied before it\. Run the push again/,
    );
    expect(result.stdout).toBe('');
    const again = await push(['--schedule', schedule, '--apply']);
    expect(again.code, again.stderr).toBe(0);
    const dry = await push(['--schedule', schedule]);
    expect(dry.stdout).toMatch(/nothing to change/);
  }, 30_000);

  it('writes what was applied and what was not to $GITHUB_STEP_SUMMARY', async () => {
    const dry = JSON.parse((await push(['--schedule', schedule, '--json'])).stdout);
    const victim: string = dry.diff.create[1];
    fake.failPuts.set(victim, 'ValidationError');
    staleActions(2);
    const summary = join(dir, 'failed-summary.md');
    await writeFile(summary, '');
    const run = await push(['--schedule', schedule, '--apply'], { GITHUB_STEP_SUMMARY: summary });
    expect(run.code).toBe(3);
    const text = await readFile(summary, 'utf8');
    expect(text).toMatch(/\| change \| result \|/);
    expect(text).toMatch(new RegExp(`\\| create \\| ${victim} \\|.*\\| FAILED \\|`));
    expect(text).toMatch(/\| delete \| headroom-once-old-00 \|.*\| applied \|/);
    expect(text).toContain(`- failed create ${victim}: ValidationError: fake refused ${victim}`);
    expect(text).toMatch(/1 failed and 0 were not attempted/);
  }, 30_000);

  it('Ctrl-C (SIGTERM here) in a fleet push stops after the call in flight and skips the services after it', async () => {
    fake.groups.set('second', { minSize: 1, maxSize: 40, desiredCapacity: 2, actions: new Map() });
    const config = join(dir, 'two.yaml');
    await writeFile(
      config,
      [
        'defaults:',
        '  capacityPerServer: 60',
        'services:',
        '  - name: first',
        '    data: load.csv',
        '    push:',
        '      aws: { group: web }',
        '  - name: second',
        '    data: load.csv',
        '    push:',
        '      aws: { group: second }',
      ].join('\n'),
    );
    const held = fake.hold('BatchPutScheduledUpdateGroupAction');
    const run = startHeadroom(
      ['push', 'aws', '--config', config, '--apply', '--json', ...ANY_AGE],
      {
        ...credentials,
        AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
        GITHUB_STEP_SUMMARY: undefined,
      },
    );
    await held.arrived;
    run.signal('SIGTERM');
    await run.stderrMatches(/SIGTERM: stopping/);
    held.release();
    const result = await run.done;
    expect(result.code, result.stderr).toBe(143);
    const json = JSON.parse(result.stdout);
    expect(json.interrupted).toBe(true);
    expect(json.services.map((s: { name: string }) => s.name)).toEqual(['first', 'second']);
    expect(json.services[0].result.interrupted).toBe(true);
    expect(json.services[0].result.outcome.applied.length).toBe(
      fake.groups.get('web')!.actions.size,
    );
    expect(json.services[1].notAttempted).toBe(true);
    expect(fake.groups.get('second')!.actions.size).toBe(0);
  }, 60_000);
});
