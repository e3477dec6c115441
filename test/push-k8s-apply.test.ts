import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BIN, ROOT, type Run } from './helpers/cli.js';

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
/** CronJobs the fake cluster lists (for pruning). */
let cronJobs: string[] = [];

function json(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse, body: string) {
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
    return json(res, 200, JSON.parse(body));
  }
  if (req.method === 'GET' && url.pathname.endsWith('/cronjobs')) {
    return json(res, 200, {
      kind: 'CronJobList',
      apiVersion: 'batch/v1',
      metadata: {},
      items: cronJobs.map((name) => ({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name, namespace: 'shop' },
      })),
    });
  }
  if (req.method === 'DELETE') {
    return json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
  }
  return json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handle(req, res, body));
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
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  requests = [];
  refuse = undefined;
  cronJobs = [];
});

/** Runs the built CLI with the loopback kubeconfig (and optionally another PATH). */
function headroom(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NO_COLOR: '1',
          KUBECONFIG: kubeconfig,
          NO_PROXY: '127.0.0.1',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
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

  it('reports a refusal (403) as a remote error, exit 3, naming the object and the reason', async () => {
    refuse = {
      code: 403,
      reason: 'Forbidden',
      message:
        'scaledobjects.keda.sh "web" is forbidden: User "tester" cannot patch resource "scaledobjects" in API group "keda.sh" in the namespace "shop"',
    };
    const run = await headroom([...push, '--namespace', 'shop', '--apply', '--api']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('error: Kubernetes refused to apply ScaledObject shop/web: 403');
    expect(run.stderr).toContain('cannot patch resource "scaledobjects"');
    expect(run.stderr).toContain('hint: check the kubeconfig user');
    expect(run.stdout).toBe('');
  });

  it('says which objects were applied before a refusal', async () => {
    refuse = { code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict', after: 1 };
    const run = await headroom([
      ...push,
      '--format',
      'cronjob',
      '--apply',
      '--api',
      '--namespace',
      'shop',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'Kubernetes refused to apply Role shop/web-headroom-floor: 409 Conflict: Apply failed with 1 conflict (already applied: ServiceAccount shop/web-headroom-floor)',
    );
    expect(run.stderr).toContain('--force-conflicts');
  });

  it('says when the cluster does not serve the KEDA API', async () => {
    const saved = RESOURCES['/apis/keda.sh/v1alpha1'];
    delete RESOURCES['/apis/keda.sh/v1alpha1'];
    try {
      const run = await headroom([...push, '--apply', '--api']);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('Kubernetes refused to look up ScaledObject default/web: 404');
      expect(run.stderr).toContain('install KEDA');
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
    expect(run.stderr).toContain('cannot reach the Kubernetes API at http://127.0.0.1:1');
  });
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
    expect(run.stdout).toContain('scaledobject.keda.sh/web serverside-applied');
    expect(requests).toHaveLength(0);
  });

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
    expect(run.stderr).toContain('kubectl apply failed (exit 1): Error from server (Forbidden)');
    expect(run.stderr).toContain('kubectl auth can-i');
  });

  it('changes nothing without --apply', async () => {
    const run = await headroom(push);
    expect(run.code).toBe(0);
    expect(requests).toHaveLength(0);
    expect(run.stdout).toContain('kind: ScaledObject');
  });
});
