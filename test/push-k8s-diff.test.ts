import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ServiceAccount } from 'kubernetes-models/v1';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ANY_AGE, ROOT, type Run } from './helpers/cli.js';
import { FakeKubernetes } from './helpers/fake-kubernetes.js';
import { runInProcess } from './helpers/in-process.js';

// `push k8s --diff` (and the diff --apply shows first) through the real CLI and the real
// @kubernetes/client-node against the loopback Kubernetes API of test/helpers/fake-kubernetes.ts,
// which keeps what is applied and answers a dryRun=All apply without storing it.

const WEEKLY = join(ROOT, 'test/fixtures/k8s/weekly.schedule.json');

const fake = new FakeKubernetes();
/** The weekly plan with a peak of 8 servers instead of 7. */
let higherPeak: string;

beforeAll(async () => {
  await fake.start();
  higherPeak = join(fake.dir, 'higher-peak.schedule.json');
  const text = await readFile(WEEKLY, 'utf8');
  await writeFile(higherPeak, text.replaceAll('"capacity": 7', '"capacity": 8'));
});

afterAll(() => fake.close());

beforeEach(() => fake.reset());

function headroom(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runInProcess(args, {
    env: { KUBECONFIG: fake.kubeconfig, NO_PROXY: '127.0.0.1', GITHUB_STEP_SUMMARY: '', ...env },
  });
}

const keda = ['push', 'k8s', '--target', 'deployment/web', '--namespace', 'shop'];
const cronjob = [...keda, '--format', 'cronjob'];

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  ScaledObject: ScaledObject as never,
  CronJob: CronJob as never,
  Role: Role as never,
  RoleBinding: RoleBinding as never,
  ServiceAccount: ServiceAccount as never,
};

/** The bodies of the dry runs, each validated against its kubernetes-models schema. */
function dryRunBodies(): { kind: string; metadata: { name: string } }[] {
  return fake.dryRuns().map((r) => {
    const {
      apiVersion: _v,
      kind,
      ...data
    } = parseYaml(r.body) as { kind: string } & Record<string, unknown>;
    void _v;
    new MODELS[kind](data as never).validate();
    return { kind, ...data } as { kind: string; metadata: { name: string } };
  });
}

/** `push k8s` of every service in the example config. */
const PUSH_EXAMPLE_FLEET = [
  'push',
  'k8s',
  '--config',
  'examples/k8s.yaml',
  '--allow-outside-config-dir',
];
describe('push k8s --diff', () => {
  it('on an empty cluster: every object to create, each sent as a dry run, nothing stored', async () => {
    fake.cronJobs = ['web-floor-weekdays-0755'];
    const run = await headroom([...cronjob, '--schedule', WEEKLY, '--diff']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^compared with the cluster at http:\/\/127\.0\.0\.1:\d+ \(server-side apply with dryRun=All, field manager headroom\):$/,
    );
    expect(lines.slice(1, 4)).toEqual([
      '+ ServiceAccount shop/web-headroom-floor: to create',
      '+ Role shop/web-headroom-floor: to create',
      '+ RoleBinding shop/web-headroom-floor: to create',
    ]);
    const cronJobs = lines.filter((l) => /^\+ CronJob shop\/web-floor-/.test(l));
    expect(cronJobs.length).toBeGreaterThan(0);
    expect(run.stdout).toContain(
      '- CronJob shop/web-floor-weekdays-0755: to delete (an earlier push wrote it; this plan no longer has it)',
    );
    expect(run.stdout).toContain(
      `\n${cronJobs.length + 3} to create, 0 to change, 0 unchanged, 1 to delete\ndry run: nothing was changed; run again with --apply to make these changes`,
    );
    // Every object was read, then sent as the apply would send it, with dryRun=All.
    const bodies = dryRunBodies();
    expect(bodies.map((b) => `${b.kind} shop/${b.metadata.name}`)).toEqual(
      lines.slice(1, 4 + cronJobs.length).map((l) => l.replace(/^\+ (.*): to create$/, '$1')),
    );
    for (const r of fake.dryRuns()) {
      expect(r.contentType).toBe('application/apply-patch+yaml');
      expect(r.query.get('fieldManager')).toBe('headroom');
      expect(r.query.has('force')).toBe(false);
    }
    const reads = fake.requests.filter((r) => r.method === 'GET' && /\/web-/.test(r.path));
    expect(reads).toHaveLength(bodies.length);
    expect(fake.applies()).toEqual([]);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(fake.stored.size).toBe(0);
    expect(fake.cronJobs).toEqual(['web-floor-weekdays-0755']);
  });

  it('after --apply with the same schedule: every object unchanged, and --apply applies nothing', async () => {
    const applied = await headroom([...cronjob, '--schedule', WEEKLY, '--apply', '--api']);
    expect(applied.code, applied.stderr).toBe(0);
    const stored = fake.storedObjects();
    expect(stored.length).toBeGreaterThan(3);

    const run = await headroom([...cronjob, '--schedule', WEEKLY, '--diff']);
    expect(run.code, run.stderr).toBe(0);
    // The server's own fields (resourceVersion, generation, managedFields, status) differ between
    // the stored object and the dry run's answer; they are not part of the comparison.
    const unchanged = run.stdout.split('\n').filter((l) => l.endsWith(': unchanged'));
    expect(unchanged).toHaveLength(stored.length);
    expect(run.stdout).toContain(
      `0 to create, 0 to change, ${stored.length} unchanged\nnothing to change: the cluster already has these objects`,
    );
    expect(run.stdout).not.toMatch(/^[-+~] /m);

    const before = fake.applies().length;
    const again = await headroom([...cronjob, '--schedule', WEEKLY, '--apply', '--api']);
    expect(again.code, again.stderr).toBe(0);
    expect(fake.applies()).toHaveLength(before);
    expect(again.stdout).toContain('nothing to change: the cluster already has these objects');
    expect(again.stdout).not.toContain('applied through');
  });

  it('with a changed schedule: the triggers that change, with their old and new values', async () => {
    const applied = await headroom([...keda, '--schedule', WEEKLY, '--apply', '--api']);
    expect(applied.code, applied.stderr).toBe(0);

    const run = await headroom([...keda, '--schedule', higherPeak, '--diff']);
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout;
    expect(text).toContain('~ ScaledObject shop/web: to change\n');
    // The 7-server trigger goes, an 8-server one comes; the others are not listed.
    expect(text).toMatch(
      /\n {4}spec\.triggers\[headroom-weekdays-1155-7\]:\n- {5}cron "55 11 \* \* 1-5" to "0 13 \* \* 1-5": desiredReplicas 7 \(Europe\/Berlin\)\n/,
    );
    expect(text).toMatch(
      /\n {4}spec\.triggers\[headroom-weekdays-1155-8\]:\n\+ {5}cron "55 11 \* \* 1-5" to "0 13 \* \* 1-5": desiredReplicas 8 \(Europe\/Berlin\)\n/,
    );
    expect(text).not.toContain('headroom-weekdays-0855-5');
    // The ceiling follows the peak (twice it): a field-level change.
    expect(text).toContain('    spec.maxReplicaCount:\n-     14\n+     16\n');
    expect(text).toContain('0 to create, 1 to change, 0 unchanged\n');
    expect(text).not.toMatch(/resourceVersion|managedFields|generation|status/);

    // --json has the same diff; nothing was stored by the dry run.
    const json = await headroom([...keda, '--schedule', higherPeak, '--diff', '--json']);
    const { diff } = JSON.parse(json.stdout);
    expect(diff).toMatchObject({ create: 0, change: 1, unchanged: 0, delete: 0 });
    expect(diff.objects[0].object).toBe('ScaledObject shop/web');
    expect(diff.objects[0].status).toBe('change');
    expect(diff.objects[0].changes).toContainEqual({
      path: 'spec.maxReplicaCount',
      old: 14,
      new: 16,
    });
    const stored = fake.stored.values().next().value as unknown as {
      spec: { maxReplicaCount: number };
    };
    expect(stored.spec.maxReplicaCount).toBe(14);
  });

  it('writes the diff to $GITHUB_STEP_SUMMARY in a diff block', async () => {
    const summary = join(fake.dir, 'diff-summary.md');
    await writeFile(summary, '');
    const run = await headroom([...keda, '--schedule', WEEKLY, '--diff'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(run.code, run.stderr).toBe(0);
    const text = await readFile(summary, 'utf8');
    expect(text).toMatch(
      /^### headroom push k8s: deployment\/web in shop\n\n```diff\ncompared with the cluster at .*\n\+ ScaledObject shop\/web: to create\n1 to create, 0 to change, 0 unchanged\n```\n\ndry run: nothing was changed; run again with --apply to make these changes\.\n/,
    );
  });

  it('sends the dry run with --force-conflicts as the apply would', async () => {
    const run = await headroom([...keda, '--schedule', WEEKLY, '--diff', '--force-conflicts']);
    expect(run.code, run.stderr).toBe(0);
    expect(fake.dryRuns().map((r) => r.query.get('force'))).toEqual(['true']);
  });

  it('a refused dry run (an admission webhook, 422): the object and the message, exit 3, nothing stored', async () => {
    fake.refuse = {
      code: 422,
      reason: 'Invalid',
      message:
        "admission webhook \"vscaledobject.keda.sh\" denied the request: the workload 'web' of type 'apps/v1, Kind=Deployment' is already managed by the hpa 'web'",
      on: 'dry-run',
    };
    const run = await headroom([...keda, '--schedule', WEEKLY, '--diff']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `dry-run apply ScaledObject shop/web: Kubernetes refused to dry-run apply it: 422 Invalid: admission webhook "vscaledobject.keda.sh" denied the request: the workload 'web'`,
    );
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.stdout).toBe('');
    expect(fake.stored.size).toBe(0);

    // --apply stops there too: nothing is applied.
    const apply = await headroom([...keda, '--schedule', WEEKLY, '--apply', '--api']);
    expect(apply.code).toBe(3);
    expect(apply.stderr).toContain('dry-run apply ScaledObject shop/web: ');
    expect(fake.applies()).toEqual([]);
    expect(fake.stored.size).toBe(0);
  });

  it('a dry run forbidden (403): exit 3 and the permission to check', async () => {
    fake.refuse = {
      code: 403,
      reason: 'Forbidden',
      message:
        'scaledobjects.keda.sh "web" is forbidden: User "tester" cannot patch resource "scaledobjects"',
      on: 'dry-run',
    };
    const run = await headroom([...keda, '--schedule', WEEKLY, '--diff']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'dry-run apply ScaledObject shop/web: Kubernetes refused to dry-run apply it: 403 Forbidden',
    );
    expect(run.stderr).toContain(
      "hint: check the kubeconfig user's permissions: `kubectl auth can-i patch scaledobject -n shop`",
    );
  });

  it('no cluster (the kubeconfig points at a closed port): what failed and the fix, exit 2', async () => {
    const broken = join(fake.dir, 'closed-port-kubeconfig');
    const text = await readFile(fake.kubeconfig, 'utf8');
    await writeFile(broken, text.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
    const run = await headroom([...keda, '--schedule', WEEKLY, '--diff'], { KUBECONFIG: broken });
    expect(run.code).toBe(2);
    const [message, hint = ''] = run.stderr.split(/\n\s*hint: /);
    expect(message).toContain(
      'get ScaledObject shop/web: cannot reach the Kubernetes API at http://127.0.0.1:1: ECONNREFUSED',
    );
    expect(hint).toMatch(
      /^check the current kubeconfig context \(KUBECONFIG, `kubectl config current-context`\)/,
    );
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.stdout).toBe('');
  });

  it('push k8s --config --diff: each service compared with the cluster, nothing stored', async () => {
    const run = await headroom([...PUSH_EXAMPLE_FLEET, '--diff', '--json', ...ANY_AGE]);
    expect(run.code, run.stderr).toBe(0);
    const { services } = JSON.parse(run.stdout);
    const diffs = services.map(
      (s: {
        name: string;
        result: { diff: { objects: { object: string; status: string }[] } };
      }) => [s.name, s.result.diff.objects.map((o) => o.status)],
    );
    expect(diffs[0]).toEqual(['web', ['create']]);
    expect(diffs[1][0]).toBe('dispatch');
    expect(new Set(diffs[1][1])).toEqual(new Set(['create']));
    expect(fake.stored.size).toBe(0);
    expect(fake.dryRuns().length).toBe(1 + diffs[1][1].length);
  }, 60_000);

  it('push k8s --config --exit-code without --diff: one usage error, before any service', async () => {
    const run = await headroom([...PUSH_EXAMPLE_FLEET, '--exit-code', ...ANY_AGE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--exit-code needs --diff or --apply');
    expect(run.stdout).not.toMatch(/FAILED|== /);
    expect(fake.dryRuns().length).toBe(0);
  }, 60_000);

  it('--kubectl and --api go with --apply only: the diff reads through the API', async () => {
    const run = await headroom([...keda, '--schedule', WEEKLY, '--diff', '--kubectl']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--kubectl and --api only apply with --apply');
    expect(fake.requests).toEqual([]);
  });
});
