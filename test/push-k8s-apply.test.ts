import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, type Run } from './helpers/cli.js';
import { FakeKubernetes, RESOURCES } from './helpers/fake-kubernetes.js';
import { runInProcess } from './helpers/in-process.js';
import { startHeadroom } from './helpers/signals.js';

// `push k8s --apply` against a loopback Kubernetes API (test/helpers/fake-kubernetes.ts): a
// kubeconfig in a temp folder points the real client (@kubernetes/client-node) at an HTTP server
// here that answers discovery, keeps the objects applied, records every request, and can be told
// to refuse. --apply first compares with the cluster (a dry run, see push-k8s-diff.test.ts).

const WEEKLY = join(ROOT, 'test/fixtures/k8s/weekly.schedule.json');

const fake = new FakeKubernetes();
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  await fake.start();
  dir = fake.dir;
  kubeconfig = fake.kubeconfig;
});

afterAll(() => fake.close());

beforeEach(() => fake.reset());

/** Runs the CLI with the loopback kubeconfig (and optionally another PATH). */
function headroom(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runInProcess(args, {
    env: { KUBECONFIG: kubeconfig, NO_PROXY: '127.0.0.1', GITHUB_STEP_SUMMARY: '', ...env },
  });
}

const push = ['push', 'k8s', '--schedule', WEEKLY, '--target', 'deployment/web'];

describe('push k8s --apply through the Kubernetes API', () => {
  it('sends one server-side apply of the ScaledObject, as field manager headroom, after its dry run', async () => {
    const run = await headroom([...push, '--namespace', 'shop', '--apply', '--api']);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const patches = fake.applies();
    expect(patches).toHaveLength(1);
    const [patch] = patches;
    // The dry run before it is the same request, with dryRun=All.
    const [dryRun] = fake.dryRuns();
    expect(fake.requests.indexOf(dryRun)).toBeLessThan(fake.requests.indexOf(patch));
    expect(dryRun.query.get('dryRun')).toBe('All');
    expect([dryRun.path, dryRun.contentType, dryRun.body]).toEqual([
      patch.path,
      patch.contentType,
      patch.body,
    ]);
    expect(dryRun.query.get('fieldManager')).toBe('headroom');
    expect(dryRun.query.has('force')).toBe(false);
    expect(patch.path).toBe('/apis/keda.sh/v1alpha1/namespaces/shop/scaledobjects/web');
    expect(patch.contentType).toBe('application/apply-patch+yaml');
    expect(patch.query.get('fieldManager')).toBe('headroom');
    expect(patch.query.has('force')).toBe(false);
    expect(patch.authorization).toBe('Bearer test-token');
    // The body is the object as written without --apply (JSON is YAML).
    const body = parseYaml(patch.body);
    const written = await headroom([...push, '--namespace', 'shop']);
    expect(body).toEqual(parseYaml(written.stdout));
    expect(body.spec.triggers.map((t: { name: string }) => t.name)).toEqual([
      'headroom-weekends-0955-3',
      'headroom-weekdays-0855-5',
      'headroom-weekdays-1155-7',
    ]);
    expect(run.stdout).toContain('applied through the API at http://127.0.0.1:');
    expect(run.stdout).toContain('ScaledObject shop/web');
  });

  it('takes over conflicting fields only with --force-conflicts', async () => {
    const run = await headroom([
      ...push,
      '--format',
      'hpa',
      '--apply',
      '--api',
      '--force-conflicts',
    ]);
    expect(run.code).toBe(0);
    const [dryRun, patch] = fake.requests.filter((r) => r.method === 'PATCH');
    expect(patch.path).toBe('/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web');
    expect(patch.query.get('force')).toBe('true');
    expect(dryRun.query.get('dryRun')).toBe('All');
    expect(dryRun.query.get('force')).toBe('true');
  });

  it('applies the CronJobs after their RBAC, then deletes CronJobs of an earlier plan', async () => {
    fake.cronJobs = ['web-floor-weekdays-0855', 'web-floor-weekdays-0755'];
    const run = await headroom([
      ...push,
      '--format',
      'cronjob',
      '--namespace',
      'shop',
      '--apply',
      '--api',
    ]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const kinds = fake.applies().map((r) => r.path.split('/').slice(-2, -1)[0]);
    expect(kinds.slice(0, 3)).toEqual(['serviceaccounts', 'roles', 'rolebindings']);
    expect(kinds.slice(3).every((k) => k === 'cronjobs')).toBe(true);
    const list = fake.requests.find((r) => r.method === 'GET' && r.path.endsWith('/cronjobs'))!;
    expect(list.query.get('labelSelector')).toBe(
      'app.kubernetes.io/managed-by=headroom,headroom/hpa=web',
    );
    const deleted = fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deleted).toEqual(['/apis/batch/v1/namespaces/shop/cronjobs/web-floor-weekdays-0755']);
    expect(run.stdout).toContain('CronJob shop/web-floor-weekdays-0755');
  });

  it('reports a refusal (403), exit 3, naming the object, the reason and what to check', async () => {
    fake.refuse = {
      code: 403,
      reason: 'Forbidden',
      message:
        'scaledobjects.keda.sh "web" is forbidden: User "tester" cannot patch resource "scaledobjects" in API group "keda.sh" in the namespace "shop"',
    };
    const run = await headroom([...push, '--namespace', 'shop', '--apply', '--api']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      'failed:\n  apply ScaledObject shop/web: Kubernetes refused to apply it: 403 Forbidden: scaledobjects.keda.sh "web" is forbidden: User "tester" cannot patch resource "scaledobjects"',
    );
    expect(run.stdout).toContain(
      "    hint: check the kubeconfig user's permissions: `kubectl auth can-i patch scaledobject -n shop`",
    );
    expect(run.stdout).toContain(
      'stopped at a refusal: applied 0 of 1 object(s); 1 failed and 0 step(s) were not attempted',
    );
    expect(run.stderr).not.toMatch(/error/);
  });

  it('says which objects were applied before a refusal, and which were not attempted', async () => {
    fake.refuse = {
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict',
      after: 1,
    };
    fake.cronJobs = ['web-floor-weekdays-0755'];
    const run = await headroom([
      ...push,
      '--format',
      'cronjob',
      '--apply',
      '--api',
      '--namespace',
      'shop',
      '--json',
    ]);
    expect(run.code).toBe(3);
    const { applied, interrupted } = JSON.parse(run.stdout);
    expect(interrupted).toBe(false);
    expect(applied.applied).toEqual(['ServiceAccount shop/web-headroom-floor']);
    expect(applied.failed).toEqual([
      {
        op: 'apply',
        object: 'Role shop/web-headroom-floor',
        error: 'Kubernetes refused to apply it: 409 Conflict: Apply failed with 1 conflict',
        hint: 'another field manager owns some of these fields; add --force-conflicts to take them over',
      },
    ]);
    const rest = applied.notAttempted.map(
      (n: { op: string; object: string }) => `${n.op} ${n.object}`,
    );
    expect(rest[0]).toBe('apply RoleBinding shop/web-headroom-floor');
    expect(
      rest.slice(1, -1).every((r: string) => r.startsWith('apply CronJob shop/web-floor-')),
    ).toBe(true);
    expect(rest.at(-1)).toBe(
      'delete CronJobs of an earlier push that this plan no longer has (shop, app.kubernetes.io/managed-by=headroom,headroom/hpa=web)',
    );
    // Nothing was pruned after the refusal.
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    expect(fake.storedObjects()).toEqual(['ServiceAccount shop/web-headroom-floor']);
  });

  it('says when the cluster does not serve the KEDA API, before applying anything', async () => {
    const saved = RESOURCES['/apis/keda.sh/v1alpha1'];
    delete RESOURCES['/apis/keda.sh/v1alpha1'];
    try {
      const run = await headroom([...push, '--apply', '--api']);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(
        'get ScaledObject default/web: Kubernetes refused to look up its kind: 404',
      );
      expect(run.stderr).toMatch(
        /hint: the cluster does not serve keda.sh\/v1alpha1: install KEDA/,
      );
      expect(fake.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    } finally {
      RESOURCES['/apis/keda.sh/v1alpha1'] = saved;
    }
  });

  it('says when the API cannot be reached (exit 2, with the fix)', async () => {
    const broken = join(dir, 'broken-kubeconfig');
    const text = await readFile(kubeconfig, 'utf8');
    await writeFile(broken, text.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
    const run = await headroom([...push, '--apply', '--api'], { KUBECONFIG: broken });
    // No cluster is the user's to fix (exit 2, with how); the diff before the apply finds out.
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'get ScaledObject default/web: cannot reach the Kubernetes API at http://127.0.0.1:1',
    );
    expect(run.stderr).toContain('hint: check the current kubeconfig context');
    expect(run.stdout).toBe('');
  });

  it('says when there is no kubeconfig or no current context (exit 2, with the fix)', async () => {
    const missing = await headroom([...push, '--apply', '--api'], {
      KUBECONFIG: join(dir, 'no-such-kubeconfig'),
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the kubeconfig');
    expect(missing.stderr).toContain('hint: point KUBECONFIG at a kubeconfig file');
    const empty = join(dir, 'empty-kubeconfig');
    await writeFile(empty, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const none = await headroom([...push, '--apply', '--api'], { KUBECONFIG: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no Kubernetes cluster: the kubeconfig has no current context');
  });

  it('stops before any change when the cluster refuses the dry run (an admission webhook)', async () => {
    fake.cronJobs = ['web-floor-weekdays-0755'];
    fake.refuse = {
      code: 400,
      reason: 'BadRequest',
      message: 'admission webhook "vcronjob.example.com" denied the request: schedule too dense',
      after: 3,
      on: 'both',
    };
    const cronjob = [...push, '--format', 'cronjob', '--namespace', 'shop'];
    const run = await headroom([...cronjob, '--apply', '--api']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /dry-run apply CronJob shop\/web-floor-[a-z0-9-]+: Kubernetes refused to dry-run apply it: 400 BadRequest: admission webhook "vcronjob.example.com" denied the request: schedule too dense/,
    );
    expect(fake.applies()).toEqual([]);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(fake.stored.size).toBe(0);
  });

  it('writes what it applied to $GITHUB_STEP_SUMMARY', async () => {
    fake.refuse = {
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict',
      after: 1,
    };
    const summary = join(dir, 'k8s-summary.md');
    await writeFile(summary, '');
    const run = await headroom(
      [...push, '--format', 'cronjob', '--apply', '--api', '--namespace', 'shop'],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(run.code).toBe(3);
    const text = await readFile(summary, 'utf8');
    expect(text).toMatch(/^### headroom push k8s: deployment\/web in shop\n/);
    expect(text).toContain('- ServiceAccount shop/web-headroom-floor');
    expect(text).toContain(
      '- apply Role shop/web-headroom-floor: Kubernetes refused to apply it: 409',
    );
    expect(text).toContain('- apply RoleBinding shop/web-headroom-floor');
  });

  it('Ctrl-C during an apply: that object finishes, nothing further starts, exit 130, and a rerun converges', async () => {
    fake.cronJobs = ['web-floor-weekdays-0755'];
    const cronjob = [...push, '--format', 'cronjob', '--namespace', 'shop', '--apply', '--api'];
    const patch = fake.holdPatch(1);
    const run = startHeadroom(cronjob, {
      KUBECONFIG: kubeconfig,
      NO_PROXY: '127.0.0.1',
      GITHUB_STEP_SUMMARY: '',
    });
    await patch.arrived;
    run.signal('SIGINT');
    await run.stderrMatches(
      /SIGINT: stopping once the server-side apply of Role shop\/web-headroom-floor/,
    );
    patch.release();
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    // After the diff (every object to create), what was applied.
    expect(result.stdout).toMatch(/^compared with the cluster at .*\n\+ ServiceAccount shop\//);
    const report = result.stdout.slice(result.stdout.indexOf('applied through'));
    const [appliedPart, rest] = report.split('not attempted:\n');
    expect(appliedPart).toMatch(
      /^applied through the API at http:\/\/127\.0\.0\.1:\d+ \(server-side apply, field manager headroom\):\n {2}ServiceAccount shop\/web-headroom-floor\n {2}Role shop\/web-headroom-floor\n$/,
    );
    const notAttempted = rest.split('\n').filter((l) => l.startsWith('  '));
    expect(notAttempted[0]).toBe('  apply RoleBinding shop/web-headroom-floor');
    expect(notAttempted.slice(1, -1).every((l) => l.startsWith('  apply CronJob shop/'))).toBe(
      true,
    );
    expect(notAttempted.at(-1)).toMatch(/^ {2}delete CronJobs of an earlier push/);
    expect(result.stdout).toMatch(
      new RegExp(
        `interrupted \\(SIGINT\\): applied 2 of ${notAttempted.length + 1} object\\(s\\); 0 failed and ${notAttempted.length} step\\(s\\) were not attempted`,
      ),
    );
    // The cluster holds exactly what was reported applied; nothing was listed or deleted.
    expect(fake.storedObjects()).toEqual([
      'Role shop/web-headroom-floor',
      'ServiceAccount shop/web-headroom-floor',
    ]);
    // The diff listed the CronJobs before applying; after the first apply, nothing was.
    const afterFirst = fake.requests.slice(fake.requests.indexOf(fake.applies()[0]));
    expect(afterFirst.filter((r) => r.method === 'DELETE' || r.path.endsWith('/cronjobs'))).toEqual(
      [],
    );

    const again = await headroom([...cronjob, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const { applied } = JSON.parse(again.stdout);
    expect(applied.pruned).toEqual(['CronJob shop/web-floor-weekdays-0755']);
    expect(fake.storedObjects()).toEqual([...applied.applied].sort());
    expect(fake.cronJobs).toEqual([]);
  }, 30_000);

  it('a second Ctrl-C exits at once and says the outcome of the object in flight is unknown', async () => {
    const patch = fake.holdPatch(1);
    const run = startHeadroom(
      [...push, '--format', 'cronjob', '--namespace', 'shop', '--apply', '--api'],
      { KUBECONFIG: kubeconfig, NO_PROXY: '127.0.0.1', GITHUB_STEP_SUMMARY: '' },
    );
    await patch.arrived;
    run.signal('SIGINT');
    await run.stderrMatches(/SIGINT: stopping/);
    run.signal('SIGINT');
    const result = await run.done;
    patch.release();
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(
      'SIGINT again: exiting now. The outcome of the server-side apply of Role shop/web-headroom-floor is unknown; applied before it: ServiceAccount shop/web-headroom-floor. Run the push again',
    );
    expect(result.stdout).toBe('');
  }, 30_000);
});

describe('push k8s --apply through kubectl', () => {
  it('pipes the YAML to kubectl apply --server-side when kubectl is on the PATH', async () => {
    const bin = join(dir, 'bin');
    const log = join(dir, 'kubectl.log');
    await rm(log, { force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(bin, { recursive: true }));
    const kubectl = join(bin, 'kubectl');
    await writeFile(
      kubectl,
      [
        '#!/bin/sh',
        `echo "ARGS $*" >> "${log}"`,
        'if [ "$1" = apply ]; then cat >> "' +
          log +
          '"; echo "scaledobject.keda.sh/web serverside-applied"; fi',
        '',
      ].join('\n'),
    );
    await chmod(kubectl, 0o755);
    const run = await headroom([...push, '--apply'], { PATH: `${bin}:${process.env.PATH}` });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const logged = await readFile(log, 'utf8');
    expect(logged).toContain('ARGS apply --server-side --field-manager=headroom -f -');
    expect(logged).toContain('kind: ScaledObject');
    expect(run.stdout).toContain('applied through kubectl');
    expect(run.stdout).toContain('  ScaledObject default/web');
    // The diff before it asks the API (a dry run); the change itself goes through kubectl.
    expect(run.stdout).toContain('+ ScaledObject default/web: to create');
    expect(fake.dryRuns()).toHaveLength(1);
    expect(fake.applies()).toHaveLength(0);
    expect(fake.stored.size).toBe(0);
  });

  it('lets kubectl finish when the terminal sends SIGTERM to the group, then skips pruning (exit 143)', async () => {
    const bin = join(dir, 'bin-slow');
    const log = join(dir, 'kubectl-slow.log');
    const go = join(dir, 'kubectl-go');
    await rm(log, { force: true });
    await rm(go, { force: true });
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, 'kubectl'),
      [
        '#!/bin/sh',
        `echo "ARGS $*" >> "${log}"`,
        'if [ "$1" = apply ]; then',
        '  cat > /dev/null',
        `  while [ ! -f "${go}" ]; do sleep 0.05; done`,
        '  echo "applied by the slow kubectl"',
        'fi',
        '',
      ].join('\n'),
    );
    await chmod(join(bin, 'kubectl'), 0o755);
    const run = startHeadroom(
      [...push, '--format', 'cronjob', '--namespace', 'shop', '--apply', '--json'],
      { PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: kubeconfig, GITHUB_STEP_SUMMARY: '' },
    );
    while (!(await readFile(log, 'utf8').catch(() => '')).includes('ARGS apply')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    run.signal('SIGTERM');
    await run.stderrMatches(
      /SIGTERM: stopping once kubectl apply of \d+ object\(s\) has been answered/,
    );
    await writeFile(go, '');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(143);
    const json = JSON.parse(result.stdout);
    expect(json.interrupted).toBe(true);
    expect(json.applied.interrupted).toBe('SIGTERM');
    expect(json.applied.applied).toEqual(
      json.objects.map(
        (o: { kind: string; metadata: { name: string } }) => `${o.kind} shop/${o.metadata.name}`,
      ),
    );
    expect(json.applied.failed).toEqual([]);
    expect(json.applied.notAttempted).toEqual([
      {
        op: 'delete',
        object:
          'CronJobs of an earlier push that this plan no longer has (shop, app.kubernetes.io/managed-by=headroom,headroom/hpa=web)',
      },
    ]);
    const logged = await readFile(log, 'utf8');
    expect(logged).not.toContain('ARGS get');
  }, 30_000);

  it('reports a failing kubectl as a remote error with its message', async () => {
    const bin = join(dir, 'bin-failing');
    await import('node:fs/promises').then((fs) => fs.mkdir(bin, { recursive: true }));
    const failing = join(bin, 'kubectl');
    await writeFile(
      failing,
      '#!/bin/sh\ncat > /dev/null\necho \'Error from server (Forbidden): scaledobjects.keda.sh "web" is forbidden\' >&2\nexit 1\n',
    );
    await chmod(failing, 0o755);
    const run = await headroom([...push, '--apply', '--kubectl'], {
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      'apply ScaledObject default/web: kubectl apply failed (exit 1): Error from server (Forbidden): scaledobjects.keda.sh "web" is forbidden',
    );
    expect(run.stdout).toContain('kubectl auth can-i');
  });

  it('changes nothing without --apply', async () => {
    const run = await headroom(push);
    expect(run.code).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(run.stdout).toContain('kind: ScaledObject');
  });
});

describe('push k8s --apply refuses, before any call, what would not work', () => {
  const ONE_OFF = join(ROOT, 'test/fixtures/k8s/one-off.schedule.json');
  /** Runs with --apply --api and checks the refusal: the exit code, problem, hint, no request. */
  async function refused(args: string[], problem: RegExp, hint: RegExp, code = 2) {
    const run = await headroom([...args, '--apply', '--api']);
    expect(run.code, run.stderr).toBe(code);
    const [message, hintLine = ''] = run.stderr.split(/\n\s*hint: /);
    expect(message).toMatch(problem);
    expect(hintLine).toMatch(hint);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(fake.requests).toHaveLength(0);
  }

  it('a ScaledObject name over 54 characters: KEDA names its HPA keda-hpa-NAME', async () => {
    const long = 'a'.repeat(55);
    await refused(
      [...push, '--name', long],
      /--name: '(a{55})' is 55 characters: KEDA names the HPA of a ScaledObject keda-hpa-NAME/,
      /--name .*at most 54 characters/,
    );
    // Without --name the ScaledObject takes the target's name.
    await refused(
      ['push', 'k8s', '--schedule', WEEKLY, '--target', `deployment/${long}`],
      /the ScaledObject's name \(the target's, from --target\): 'a{55}' is 55 characters/,
      /--name .*at most 54 characters/,
    );
  });

  it('names Kubernetes refuses, with the flag that sets each and its longest', async () => {
    const cases: [string[], RegExp, RegExp][] = [
      [['--format', 'hpa', '--name', 'a'.repeat(254)], /--name: 'a+'/, /--name .*253/],
      [['--name', 'Web_1'], /--name: 'Web_1' is not a valid Kubernetes name/, /--name .*54/],
      [['--format', 'cronjob', '--hpa', 'Web'], /--hpa: 'Web'/, /--hpa .*253/],
      [['--namespace', 'a'.repeat(64)], /--namespace: 'a+'/, /--namespace .*63/],
    ];
    for (const [args, problem, hint] of cases) await refused([...push, ...args], problem, hint);
  });

  it('--keep-triggers with a ScaledObject of another workload, namespace or name', async () => {
    const file = join(dir, 'api-scaler.yaml');
    await writeFile(
      file,
      [
        'apiVersion: keda.sh/v1alpha1',
        'kind: ScaledObject',
        'metadata: { name: api-scaler, namespace: shop }',
        'spec:',
        '  scaleTargetRef: { name: api }',
        '  triggers:',
        '    - { type: cpu, metricType: Utilization, metadata: { value: "60" } }',
        '',
      ].join('\n'),
    );
    const hint = /merge into it.*--keep-triggers.*only the triggers/;
    await refused(
      [...push, '--keep-triggers', file],
      new RegExp(
        `${file}: that ScaledObject, shop/api-scaler, scales Deployment/api, not Deployment/web`,
      ),
      hint,
    );
    await refused(
      ['push', 'k8s', '--schedule', WEEKLY, '--keep-triggers', file, '--target', 'sts/api'],
      /scales Deployment\/api, not StatefulSet\/api/,
      hint,
    );
    const base = ['push', 'k8s', '--schedule', WEEKLY, '--keep-triggers', file];
    await refused(
      [...base, '--namespace', 'default'],
      /that ScaledObject, shop\/api-scaler, .*this push writes default\/api-scaler/,
      hint,
    );
    await refused(
      [...base, '--name', 'api'],
      /that ScaledObject, shop\/api-scaler, .*this push writes shop\/api/,
      hint,
    );
    // The same workload, named as kubectl does: merged into, and applied.
    const run = await headroom([...base, '--target', 'deploy/api', '--apply', '--api']);
    expect(run.code, run.stderr).toBe(0);
    const [patch] = fake.applies();
    expect(patch.path).toBe('/apis/keda.sh/v1alpha1/namespaces/shop/scaledobjects/api-scaler');
    expect(parseYaml(patch.body).spec.scaleTargetRef.name).toBe('api');
  });

  it('a one-off plan that has ended, like push aws (cron has no year: it would fire next year)', async () => {
    // The golden one-off plan (three days of 2052), moved to 2024, a year with the same calendar.
    const past = join(dir, 'one-off-2024.schedule.json');
    await writeFile(past, (await readFile(ONE_OFF, 'utf8')).replaceAll('2052-', '2024-'));
    for (const format of ['keda', 'cronjob']) {
      await refused(
        ['push', 'k8s', '--schedule', past, '--target', 'deployment/web', '--format', format],
        /the schedule ended 2024-11-29T05:00:00.000Z, before now: .*dated cron/,
        /plan again from fresh data/,
        4, // out of date like a stale history, but past --force: the dates have passed
      );
    }
    await refused(
      [...push, '--one-off', '--force'],
      /the schedule ended 2024-05-12T22:00:00.000Z, before now: .*--force cannot push dates/,
      /drop --one-off/,
      4,
    );
    // An HPA has no dates, and a weekly repeat none either: both still apply; so does the future.
    for (const args of [
      ['--schedule', past, '--format', 'hpa'],
      ['--schedule', WEEKLY],
      ['--schedule', ONE_OFF, '--format', 'cronjob'],
    ]) {
      const run = await headroom([
        'push',
        'k8s',
        '--target',
        'deployment/web',
        ...args,
        '--apply',
        '--api',
      ]);
      expect(run.code, run.stderr).toBe(0);
    }
  });
});
