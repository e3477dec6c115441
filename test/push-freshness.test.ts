import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { DATA } from './helpers/cli.js';
import {
  FAKE_AWS_ENV,
  startFakeAutoScaling,
  type FakeAutoScaling,
} from './helpers/fake-autoscaling.js';
import { FakeKubernetes } from './helpers/fake-kubernetes.js';
import { runInProcess } from './helpers/in-process.js';

// The freshness guard (a plan from a history older than --max-staleness is not pushed) and
// --exit-code (7 while the target does not hold the plan), through the real CLI, the real AWS SDK
// against the loopback Auto Scaling endpoint and @kubernetes/client-node against the loopback
// Kubernetes API. The clock is the real one: "fresh" histories are generated to end yesterday, the
// stale ones are the bundled data (2015) and a history generated for 2024.

const DAY = 86_400_000;
const TAXI = join(DATA, 'nyc_taxi.csv');
const TAXI_PLAN = [
  '--agg',
  'sum',
  '--timezone',
  'America/New_York',
  '--capacity-per-server',
  '2000',
];

let dir: string;
let fresh: string;
let stale: string;
let freshSchedule: string;
let staleSchedule: string;

async function generate(file: string, start: string) {
  const run = await runInProcess(['generate', '--days', '35', '--start', start, '--out', file]);
  expect(run.code, run.stderr).toBe(0);
}

async function plan(csv: string, outDir: string) {
  // Few enough changes for KEDA's default 24 cron windows: push applies the file as it is.
  const run = await runInProcess([
    'plan',
    csv,
    '--capacity-per-server',
    '60',
    '--max-changes',
    '16',
    '--out-dir',
    outDir,
  ]);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-fresh-'));
  fresh = join(dir, 'fresh.csv');
  stale = join(dir, 'stale.csv');
  // 35 days of hours up to the start of today (UTC): the last timestamp is yesterday 23:00.
  const start = new Date(Math.floor(Date.now() / DAY) * DAY - 35 * DAY).toISOString().slice(0, 10);
  await generate(fresh, start);
  await generate(stale, '2024-01-01');
  await plan(fresh, join(dir, 'fresh'));
  await plan(stale, join(dir, 'stale'));
  freshSchedule = join(dir, 'fresh', 'schedule.json');
  staleSchedule = join(dir, 'stale', 'schedule.json');
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('push aws: the freshness guard', () => {
  let fake: FakeAutoScaling;
  beforeEach(async () => {
    fake = await startFakeAutoScaling();
  });
  afterEach(() => fake.close());

  const push = (args: string[]) =>
    runInProcess(['push', 'aws', ...args], {
      env: { ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_AUTO_SCALING: fake.url, GITHUB_STEP_SUMMARY: '' },
    });

  it('refuses a stale CSV planned on the fly with exit 4, naming its last timestamp', async () => {
    const run = await push([TAXI, ...TAXI_PLAN, '--group', 'web', '--apply']);
    expect(run.code, run.stderr).toBe(EXIT.refused);
    const [message, hint = ''] = run.stderr.split(/\n\s*hint: /);
    // nyc_taxi.csv's last row is 2015-01-31 23:30; summed per hour, its last hour starts 23:00.
    expect(message).toMatch(
      /nyc_taxi\.csv: the history's last timestamp is 2015-01-31 23:00 America\/New_York, [\d.]+ years ago \(more than --max-staleness 2d\)/,
    );
    expect(hint).toMatch(/plan again from fresh data.*--max-staleness.*--force/);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a stale --schedule file; --max-staleness and --force let it through', async () => {
    const refused = await push(['--schedule', staleSchedule, '--group', 'web']);
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.stderr).toMatch(
      /schedule\.json: the history's last timestamp is 2024-02-04 23:00 UTC, .* ago \(more than --max-staleness 2d\)/,
    );
    expect(fake.requests).toHaveLength(0);

    // A wider limit is a choice, not a warning.
    const wide = await push([
      '--schedule',
      staleSchedule,
      '--group',
      'web',
      '--max-staleness',
      '10000d',
    ]);
    expect(wide.code, wide.stderr).toBe(0);
    expect(wide.stderr).not.toMatch(/stale|last timestamp/);

    // --force pushes it, with a warning that says what was overridden.
    const forced = await push([
      '--schedule',
      staleSchedule,
      '--group',
      'web',
      '--force',
      '--apply',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(
      /warning: .*the history's last timestamp is 2024-02-04 23:00 UTC, .*; pushed anyway \(--force\)/,
    );
    expect(fake.groups.get('web')!.actions.size).toBeGreaterThan(0);

    const bad = await push([
      '--schedule',
      staleSchedule,
      '--group',
      'web',
      '--max-staleness',
      'soon',
    ]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/--max-staleness: expected a duration like 30m/);
  });

  it('pushes a history that ended yesterday without a word about its age', async () => {
    for (const args of [
      [fresh, '--capacity-per-server', '60'],
      ['--schedule', freshSchedule],
    ]) {
      const run = await push([...args, '--group', 'web']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/last timestamp|max-staleness/);
    }
  }, 30_000);

  it('refuses a history with a row stamped three weeks from now (exit 4); plan warns of it', async () => {
    const future = join(dir, 'future.csv');
    const stamp = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 21 * DAY);
    const row = `${stamp.toISOString().slice(0, 19)}Z,300`;
    await writeFile(future, `${(await readFile(fresh, 'utf8')).trimEnd()}\n${row}\n`);
    const run = await push([future, '--capacity-per-server', '60', '--group', 'web', '--apply']);
    expect(run.code, run.stderr).toBe(EXIT.refused);
    const [message, hint = ''] = run.stderr.split(/\n\s*hint: /);
    expect(message).toMatch(
      /future\.csv: the history's last timestamp is .*, 2\d(\.\d)?d from now: a row stamped in the future/,
    );
    expect(hint).toMatch(/correct or drop the rows stamped after now.*--force/);
    expect(fake.requests).toHaveLength(0);

    const planned = await runInProcess([
      'plan',
      future,
      '--capacity-per-server',
      '60',
      '--no-charts',
      '--out-dir',
      join(dir, 'future'),
    ]);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stderr).toMatch(
      /warning: the history's last timestamp is .* from now: a row stamped in the future.*Correct or drop that row/,
    );
  }, 30_000);

  it('--config: a stale service is refused (exit 4), the others are pushed', async () => {
    fake.groups.set('taxi-asg', {
      minSize: 1,
      maxSize: 80,
      desiredCapacity: 3,
      actions: new Map(),
    });
    const config = join(dir, 'fleet.yaml');
    await writeFile(
      config,
      [
        'services:',
        '  - name: web',
        '    data: fresh.csv',
        '    capacityPerServer: 60',
        '    push: { aws: { group: web } }',
        '  - name: taxi',
        `    data: ${TAXI}`,
        '    agg: sum',
        '    timezone: America/New_York',
        '    capacityPerServer: 2000',
        '    push: { aws: { group: taxi-asg } }',
      ].join('\n'),
    );
    const args = ['--config', config, '--allow-outside-config-dir', '--apply'];
    const run = await push(args);
    expect(run.code, run.stderr).toBe(EXIT.refused);
    expect(run.stdout).toMatch(/^taxi\s+REFUSED$/m);
    expect(run.stdout).toMatch(
      /REFUSED: .*nyc_taxi\.csv: the history's last timestamp is 2015-01-31/,
    );
    expect(run.stdout).toMatch(/^web\s+ok$/m);
    expect(fake.groups.get('web')!.actions.size).toBeGreaterThan(0);
    expect(fake.groups.get('taxi-asg')!.actions.size).toBe(0);

    // A service's own maxStaleness (a history exported weekly, say) is its limit.
    await writeFile(config, (await readFile(config, 'utf8')) + '\n    maxStaleness: 10000d\n');
    const allowed = await push(args);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(fake.groups.get('taxi-asg')!.actions.size).toBeGreaterThan(0);

    // Another failure beside the refusal: exit 5, as for any failed service.
    fake.groups.delete('web');
    await writeFile(config, (await readFile(config, 'utf8')).replace('maxStaleness: 10000d', ''));
    expect((await push(args)).code).toBe(EXIT.someFailed);
  }, 60_000);
});

describe('push aws --exit-code', () => {
  let fake: FakeAutoScaling;
  beforeEach(async () => {
    fake = await startFakeAutoScaling();
  });
  afterEach(() => fake.close());

  const push = (args: string[], env: Record<string, string | undefined> = {}) =>
    runInProcess(['push', 'aws', '--group', 'web', '--schedule', freshSchedule, ...args], {
      env: {
        ...FAKE_AWS_ENV,
        AWS_ENDPOINT_URL_AUTO_SCALING: fake.url,
        GITHUB_STEP_SUMMARY: '',
        ...env,
      },
    });

  it('7 while changes are pending, 0 once applied and on the second identical push', async () => {
    const pending = await push(['--exit-code']);
    expect(pending.code, pending.stderr).toBe(EXIT.pending);
    expect(pending.stdout).toMatch(/\d+ to create/);
    expect(pending.stdout).toMatch(/dry run: nothing was changed/);
    expect(fake.calls('BatchPutScheduledUpdateGroupAction')).toHaveLength(0);
    // Without --exit-code a dry run with changes is a success, as before.
    expect((await push([])).code).toBe(0);

    const applied = await push(['--exit-code', '--apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/applied all \d+ change/);

    for (const args of [['--exit-code'], ['--exit-code', '--apply']]) {
      const again = await push(args);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/nothing to change: the group already has this schedule/);
    }
  }, 30_000);

  it('without credentials the actions are not compared: counted as pending', async () => {
    const run = await push(['--exit-code'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
    expect(run.code, run.stderr).toBe(EXIT.pending);
    expect(run.stdout).toMatch(/not compared with the group/);
  });

  it('--config: 7 when any service has changes pending, 0 when none has', async () => {
    fake.groups.set('second', { minSize: 1, maxSize: 40, desiredCapacity: 2, actions: new Map() });
    const config = join(dir, 'two.yaml');
    await writeFile(
      config,
      [
        'defaults: { capacityPerServer: 60 }',
        'services:',
        '  - { name: first, data: fresh.csv, push: { aws: { group: web } } }',
        '  - { name: second, data: fresh.csv, push: { aws: { group: second } } }',
      ].join('\n'),
    );
    const fleet = (...args: string[]) =>
      runInProcess(['push', 'aws', '--config', config, '--exit-code', ...args], {
        env: { ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_AUTO_SCALING: fake.url, GITHUB_STEP_SUMMARY: '' },
      });
    expect((await fleet('--apply')).code).toBe(0);
    // Someone removed the second group's actions: that service has changes pending again.
    fake.groups.get('second')!.actions.clear();
    const one = await fleet();
    expect(one.code, one.stderr).toBe(EXIT.pending);
    expect(one.stdout).toMatch(/^first\s+ok$/m);
    expect(one.stdout).toMatch(/^second\s+changes pending$/m);
    expect((await fleet('--apply')).code).toBe(0);
    expect((await fleet()).code).toBe(0);
  }, 60_000);
});

describe('push k8s: the freshness guard and --exit-code with --diff', () => {
  const fake = new FakeKubernetes();
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const push = (args: string[]) =>
    runInProcess(['push', 'k8s', '--target', 'deployment/web', '--namespace', 'shop', ...args], {
      env: { KUBECONFIG: fake.kubeconfig, NO_PROXY: '127.0.0.1', GITHUB_STEP_SUMMARY: '' },
    });

  it('refuses a stale history, from a CSV or a schedule.json, before reading the cluster', async () => {
    for (const args of [
      [TAXI, ...TAXI_PLAN],
      ['--schedule', staleSchedule],
    ]) {
      const run = await push([...args, '--diff']);
      expect(run.code, run.stderr).toBe(EXIT.refused);
      expect(run.stderr).toMatch(
        /the history's last timestamp is 20(15|24)-.* ago \(more than --max-staleness 2d\)/,
      );
      expect(run.stdout).toBe('');
    }
    expect(fake.requests).toHaveLength(0);
    const forced = await push(['--schedule', staleSchedule, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('kind: ScaledObject');
    expect(forced.stderr).toMatch(
      /warning: .*last timestamp is 2024-02-04 23:00 UTC.*pushed anyway \(--force\)/,
    );
  });

  it('7 while the cluster does not hold the objects, 0 once applied', async () => {
    const schedule = ['--schedule', freshSchedule];
    const pending = await push([...schedule, '--diff', '--exit-code']);
    expect(pending.code, pending.stderr).toBe(EXIT.pending);
    expect(pending.stdout).toMatch(/\+ ScaledObject shop\/web: to create/);
    expect(fake.stored.size).toBe(0);

    const applied = await push([...schedule, '--apply', '--api', '--exit-code']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(fake.stored.size).toBeGreaterThan(0);

    const again = await push([...schedule, '--diff', '--exit-code']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing to change: the cluster already has these objects/);
  });

  it('--exit-code without --diff or --apply: nothing is compared, so it is refused', async () => {
    const run = await push(['--schedule', freshSchedule, '--exit-code']);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/--exit-code needs --diff or --apply/);
  });
});

describe('plan: a warning for a stale history', () => {
  it('warns with the age; not for a fresh history, nor in the demo, which says so', async () => {
    const old = await plan(stale, join(dir, 'stale-again'));
    expect(old.stderr).toMatch(
      /warning: the history's last timestamp is 2024-02-04 23:00 UTC, .* ago \(more than --max-staleness 2d\): `push` refuses a plan from it/,
    );
    const summary = await readFile(join(dir, 'stale-again', 'summary.md'), 'utf8');
    expect(summary).toMatch(/last timestamp is 2024-02-04 23:00 UTC/);
    expect((await plan(fresh, join(dir, 'fresh-again'))).stderr).not.toMatch(/last timestamp/);

    const demo = await runInProcess(['demo', '--out-dir', join(dir, 'demo')]);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).not.toMatch(/last timestamp/);
    expect(demo.stdout).toMatch(/The history is from January 2015/);
  }, 60_000);

  it('plan --config: the stale service is warned about by name', async () => {
    const config = join(dir, 'plan-fleet.yaml');
    await writeFile(
      config,
      [
        'defaults: { capacityPerServer: 60, charts: false }',
        'services:',
        '  - { name: now, data: fresh.csv }',
        '  - { name: old, data: stale.csv }',
      ].join('\n'),
    );
    const run = await runInProcess([
      'plan',
      '--config',
      config,
      '--allow-outside-config-dir',
      '--workers',
      '1',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /warning: 1 service\(s\) planned from a history older than --max-staleness \(or ending in the future\), which `push` refuses: old\n/,
    );
    const old = await readFile(join(dir, 'reports', 'old', 'summary.md'), 'utf8');
    expect(old).toMatch(/last timestamp is 2024-02-04 23:00 UTC/);
    const now = await readFile(join(dir, 'reports', 'now', 'summary.md'), 'utf8');
    expect(now).not.toMatch(/last timestamp/);
    // The fleet's own tables do not call it fine: push would refuse it.
    expect(run.stdout).toMatch(/\nnow\s+ok\s/);
    expect(run.stdout).toMatch(/\nold\s+ok, push refuses \(history\)\s/);
    const fleet = await readFile(join(dir, 'reports', 'summary.md'), 'utf8');
    expect(fleet).toMatch(/\| old \| ok, push refuses \(history\) \|/);
    expect(fleet).toMatch(/\| now \| ok \|/);
  }, 60_000);
});
