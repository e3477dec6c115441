import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, type Run } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { startHeadroom } from './helpers/signals.js';

// `push k8s --apply` against a loopback Kubernetes API: a kubeconfig in a temp folder points the
// real client (@kubernetes/client-node) at an HTTP server here that answers discovery, records
// every server-side-apply request, and can be told to refuse.

const WEEKLY = join(ROOT, 'test/fixtures/k8s/weekly.schedule.json');

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

const RESOURCES: Record<string, { name: string; kind: string; namespaced: boolean }[]> = {
  '/apis/keda.sh/v1alpha1': [{ name: 'scaledobjects', kind: 'ScaledObject', namespaced: true }],
  '/apis/autoscaling/v2': [
    { name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true },
  ],
  '/apis/batch/v1': [{ name: 'cronjobs', kind: 'CronJob', namespaced: true }],
  '/api/v1': [{ name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true }],
  '/apis/rbac.authorization.k8s.io/v1': [
    { name: 'roles', kind: 'Role', namespaced: true },
    { name: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  ],
};

let server: Server;
let dir: string;
let kubeconfig: string;
let requests: Recorded[] = [];
/** When set, PATCH requests get this status and a Status body. */
let refuse: { code: number; reason: string; message: string; after?: number } | undefined;
/** CronJobs the fake cluster lists (for pruning), besides those applied. */
let cronJobs: string[] = [];
/** What the fake cluster holds after server-side applies: object path → applied body. */
let stored = new Map<string, { kind: string; metadata: { name: string } }>();
/** A PATCH held until the test releases it (see holdPatch). */
let held: { index: number; arrive: () => void; gate: Promise<void> } | undefined;

/**
 * Holds the PATCH with this index (0 = the first): it arrives (`arrived`), and is carried out
 * and answered only on `release`, so a test can signal the CLI while the call is in flight.
 */
function holdPatch(index: number) {
  let arrive!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  held = { index, arrive, gate };
  return { arrived, release };
}

/** The kinds and names the fake cluster holds, as headroom names them. */
const storedObjects = () =>
  [...stored.values()].map((o) => `${o.kind} shop/${o.metadata.name}`).sort();

function json(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse, body: string) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  requests.push({
    method: req.method ?? '',
    path: url.pathname,
    query: url.searchParams,
    contentType: req.headers['content-type'],
    authorization: req.headers.authorization,
    body,
  });
  const group = RESOURCES[url.pathname];
  if (req.method === 'GET' && group) {
    return json(res, 200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: url.pathname.replace(/^\/apis?\//, ''),
      resources: group.map((r) => ({ ...r, singularName: '', verbs: ['get', 'patch', 'list'] })),
    });
  }
  if (req.method === 'PATCH') {
    const earlier = requests.filter((r) => r.method === 'PATCH').length - 1;
    if (held && held.index === earlier) {
      const gate = held.gate;
      held.arrive();
      held = undefined;
      await gate;
    }
    if (refuse && earlier >= (refuse.after ?? 0)) {
      return json(res, refuse.code, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: refuse.message,
        reason: refuse.reason,
        code: refuse.code,
      });
    }
    stored.set(url.pathname, JSON.parse(body));
    return json(res, 200, JSON.parse(body));
  }
  if (req.method === 'GET' && url.pathname.endsWith('/cronjobs')) {
    return json(res, 200, {
      kind: 'CronJobList',
      apiVersion: 'batch/v1',
      metadata: {},
      items: [
        ...cronJobs,
        ...[...stored.values()].filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name),
      ].map((name) => ({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name, namespace: 'shop' },
      })),
    });
  }
  if (req.method === 'DELETE') {
    stored.delete(url.pathname);
    cronJobs = cronJobs.filter((name) => name !== url.pathname.split('/').pop());
    return json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
  }
  return json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => void handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  dir = await mkdtemp(join(tmpdir(), 'headroom-k8s-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: loopback',
      `    cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true }`,
      'users:',
      '  - name: tester',
      '    user: { token: "test-token" }',
      'contexts:',
      '  - name: loopback',
      '    context: { cluster: loopback, user: tester, namespace: shop }',
      'current-context: loopback',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  requests = [];
  refuse = undefined;
  cronJobs = [];
  stored = new Map();
  held = undefined;
});

/** Runs the CLI with the loopback kubeconfig (and optionally another PATH). */
function headroom(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runInProcess(args, {
    env: { KUBECONFIG: kubeconfig, NO_PROXY: '127.0.0.1', GITHUB_STEP_SUMMARY: '', ...env },
  });
}

const push = ['push', 'k8s', '--schedule', WEEKLY, '--target', 'deployment/web'];

describe('push k8s --apply through the Kubernetes API', () => {
  it('sends one server-side apply of the ScaledObject, as field manager headroom', async () => {
    const run = await headroom([...push, '--namespace', 'shop', '--apply', '--api']);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const patches = requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    const [patch] = patches;
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
    const [patch] = requests.filter((r) => r.method === 'PATCH');
    expect(patch.path).toBe('/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web');
    expect(patch.query.get('force')).toBe('true');
  });

  it('applies the CronJobs after their RBAC, then deletes CronJobs of an earlier plan', async () => {
    cronJobs = ['web-floor-weekdays-0855', 'web-floor-weekdays-0755'];
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
    const kinds = requests
      .filter((r) => r.method === 'PATCH')
      .map((r) => r.path.split('/').slice(-2, -1)[0]);
    expect(kinds.slice(0, 3)).toEqual(['serviceaccounts', 'roles', 'rolebindings']);
    expect(kinds.slice(3).every((k) => k === 'cronjobs')).toBe(true);
    const list = requests.find((r) => r.method === 'GET' && r.path.endsWith('/cronjobs'))!;
    expect(list.query.get('labelSelector')).toBe(
      'app.kubernetes.io/managed-by=headroom,headroom/hpa=web',
    );
    const deleted = requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deleted).toEqual(['/apis/batch/v1/namespaces/shop/cronjobs/web-floor-weekdays-0755']);
    expect(run.stdout).toContain('CronJob shop/web-floor-weekdays-0755');
  });

  it('reports a refusal (403), exit 3, naming the object, the reason and what to check', async () => {
    refuse = {
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
    refuse = { code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict', after: 1 };
    cronJobs = ['web-floor-weekdays-0755'];
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
    expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    expect(storedObjects()).toEqual(['ServiceAccount shop/web-headroom-floor']);
  });

  it('says when the cluster does not serve the KEDA API', async () => {
    const saved = RESOURCES['/apis/keda.sh/v1alpha1'];
    delete RESOURCES['/apis/keda.sh/v1alpha1'];
    try {
      const run = await headroom([...push, '--apply', '--api']);
      expect(run.code).toBe(3);
      expect(run.stdout).toContain(
        'apply ScaledObject default/web: Kubernetes refused to look up its kind: 404',
      );
      expect(run.stdout).toContain('install KEDA');
    } finally {
      RESOURCES['/apis/keda.sh/v1alpha1'] = saved;
    }
  });

  it('says when the API cannot be reached', async () => {
    const broken = join(dir, 'broken-kubeconfig');
    const text = await readFile(kubeconfig, 'utf8');
    await writeFile(broken, text.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
    const run = await headroom([...push, '--apply', '--api'], { KUBECONFIG: broken });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      'apply ScaledObject default/web: cannot reach the Kubernetes API at http://127.0.0.1:1',
    );
  });

  it('writes what it applied to $GITHUB_STEP_SUMMARY', async () => {
    refuse = { code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict', after: 1 };
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
    cronJobs = ['web-floor-weekdays-0755'];
    const cronjob = [...push, '--format', 'cronjob', '--namespace', 'shop', '--apply', '--api'];
    const patch = holdPatch(1);
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
    const [appliedPart, rest] = result.stdout.split('not attempted:\n');
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
    expect(storedObjects()).toEqual([
      'Role shop/web-headroom-floor',
      'ServiceAccount shop/web-headroom-floor',
    ]);
    expect(requests.filter((r) => r.method === 'DELETE' || r.path.endsWith('/cronjobs'))).toEqual(
      [],
    );

    const again = await headroom([...cronjob, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const { applied } = JSON.parse(again.stdout);
    expect(applied.pruned).toEqual(['CronJob shop/web-floor-weekdays-0755']);
    expect(storedObjects()).toEqual([...applied.applied].sort());
    expect(cronJobs).toEqual([]);
  }, 30_000);

  it('a second Ctrl-C exits at once and says the outcome of the object in flight is unknown', async () => {
    const patch = holdPatch(1);
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
    const fake = join(bin, 'kubectl');
    await writeFile(
      fake,
      [
        '#!/bin/sh',
        `echo "ARGS $*" >> "${log}"`,
        'if [ "$1" = apply ]; then cat >> "' +
          log +
          '"; echo "scaledobject.keda.sh/web serverside-applied"; fi',
        '',
      ].join('\n'),
    );
    await chmod(fake, 0o755);
    const run = await headroom([...push, '--apply'], { PATH: `${bin}:${process.env.PATH}` });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const logged = await readFile(log, 'utf8');
    expect(logged).toContain('ARGS apply --server-side --field-manager=headroom -f -');
    expect(logged).toContain('kind: ScaledObject');
    expect(run.stdout).toContain('applied through kubectl');
    expect(run.stdout).toContain('  ScaledObject default/web');
    expect(requests).toHaveLength(0);
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
    const fake = join(bin, 'kubectl');
    await writeFile(
      fake,
      '#!/bin/sh\ncat > /dev/null\necho \'Error from server (Forbidden): scaledobjects.keda.sh "web" is forbidden\' >&2\nexit 1\n',
    );
    await chmod(fake, 0o755);
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
    expect(requests).toHaveLength(0);
    expect(run.stdout).toContain('kind: ScaledObject');
  });
});

describe('push k8s --apply refuses, before any call, what would not work', () => {
  const ONE_OFF = join(ROOT, 'test/fixtures/k8s/one-off.schedule.json');
  /** Runs with --apply --api and checks the refusal: exit 2, the problem, the hint, no request. */
  async function refused(args: string[], problem: RegExp, hint: RegExp) {
    const run = await headroom([...args, '--apply', '--api']);
    expect(run.code, run.stderr).toBe(2);
    const [message, hintLine = ''] = run.stderr.split(/\n\s*hint: /);
    expect(message).toMatch(problem);
    expect(hintLine).toMatch(hint);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(requests).toHaveLength(0);
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
    const [patch] = requests.filter((r) => r.method === 'PATCH');
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
      );
    }
    await refused(
      [...push, '--one-off'],
      /the schedule ended 2024-05-12T22:00:00.000Z, before now/,
      /drop --one-off/,
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
