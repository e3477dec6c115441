import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A loopback Kubernetes API for the real client (@kubernetes/client-node, through a kubeconfig in
 * a temp folder): it answers discovery, keeps objects per path (GET returns the stored object or
 * 404), answers server-side apply (PATCH, application/apply-patch+yaml) with the merged object,
 * storing it unless the request says dryRun=All, lists and deletes CronJobs, records every
 * request, and can be told to refuse or to hold a call.
 */

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface Refusal {
  code: number;
  reason: string;
  message: string;
  /** Refuse from this PATCH on (0 = the first), counting those refused (see `on`) only. */
  after?: number;
  /** Which PATCHes: real applies (the default), dry runs, or both. */
  on?: 'apply' | 'dry-run' | 'both';
}

export const RESOURCES: Record<string, { name: string; kind: string; namespaced: boolean }[]> = {
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

export class FakeKubernetes {
  requests: Recorded[] = [];
  refuse: Refusal | undefined;
  /** CronJobs the fake cluster lists (for pruning), besides those stored. */
  cronJobs: string[] = [];
  /** What the cluster holds: object path → object, with the fields the server sets. */
  stored = new Map<string, StoredObject>();
  /** The kubeconfig that points the client here (current context: loopback, namespace shop). */
  kubeconfig = '';
  dir = '';
  private server: Server | undefined;
  private held: { index: number; arrive: () => void; gate: Promise<void> } | undefined;
  private version = 100;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => void this.handle(req, res, body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.dir = await mkdtemp(join(tmpdir(), 'headroom-k8s-'));
    this.kubeconfig = join(this.dir, 'kubeconfig');
    await writeFile(this.kubeconfig, kubeconfigText(`http://127.0.0.1:${port}`));
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
    await rm(this.dir, { recursive: true, force: true });
  }

  reset(): void {
    this.requests = [];
    this.refuse = undefined;
    this.cronJobs = [];
    this.stored = new Map();
    this.held = undefined;
  }

  /** The kinds and names the cluster holds, as headroom names them. */
  storedObjects(): string[] {
    return [...this.stored.values()]
      .map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)
      .sort();
  }

  /** The server-side applies that were carried out (not dry runs). */
  applies(): Recorded[] {
    return this.requests.filter((r) => r.method === 'PATCH' && !r.query.has('dryRun'));
  }

  dryRuns(): Recorded[] {
    return this.requests.filter((r) => r.method === 'PATCH' && r.query.has('dryRun'));
  }

  /**
   * Holds the real apply with this index (0 = the first): it arrives (`arrived`), and is carried
   * out and answered only on `release`, so a test can signal the CLI while the call is in flight.
   */
  holdPatch(index: number) {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.held = { index, arrive, gate };
    return { arrived, release };
  }

  private async handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.requests.push({
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
    if (req.method === 'PATCH') return this.apply(req, res, url, body);
    if (req.method === 'GET' && url.pathname.endsWith('/cronjobs')) {
      return json(res, 200, {
        kind: 'CronJobList',
        apiVersion: 'batch/v1',
        metadata: {},
        items: [
          ...this.cronJobs,
          ...[...this.stored.values()]
            .filter((o) => o.kind === 'CronJob')
            .map((o) => o.metadata.name),
        ].map((name) => ({
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name, namespace: 'shop' },
        })),
      });
    }
    const object = this.stored.get(url.pathname);
    if (req.method === 'GET' && object) return json(res, 200, object);
    if (req.method === 'DELETE') {
      this.stored.delete(url.pathname);
      this.cronJobs = this.cronJobs.filter((name) => name !== url.pathname.split('/').pop());
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    }
    return json(res, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
    });
  }

  /**
   * Server-side apply, as far as headroom's objects need it: the applied fields replace the
   * stored ones (headroom is their only manager); the server keeps uid and creationTimestamp, and
   * sets a new resourceVersion, generation, managedFields time and status each time, dry run or not.
   */
  private async apply(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    const dryRun = url.searchParams.get('dryRun') === 'All';
    const earlier = (dryRun ? this.dryRuns() : this.applies()).length - 1;
    if (!dryRun && this.held && this.held.index === earlier) {
      const gate = this.held.gate;
      this.held.arrive();
      this.held = undefined;
      await gate;
    }
    const refuse = this.refuse;
    const on = refuse?.on ?? 'apply';
    if (refuse && (on === 'both' || on === (dryRun ? 'dry-run' : 'apply'))) {
      if (earlier >= (refuse.after ?? 0)) {
        return json(res, refuse.code, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: refuse.message,
          reason: refuse.reason,
          code: refuse.code,
        });
      }
    }
    const applied = JSON.parse(body) as StoredObject;
    const live = this.stored.get(url.pathname);
    this.version += 1;
    const merged: StoredObject = {
      ...applied,
      metadata: {
        ...applied.metadata,
        uid: live?.metadata.uid ?? `uid-${this.version}`,
        creationTimestamp: live?.metadata.creationTimestamp ?? new Date().toISOString(),
        resourceVersion: String(this.version),
        generation: Number(live?.metadata.generation ?? 0) + 1,
        managedFields: [
          {
            manager: url.searchParams.get('fieldManager'),
            operation: 'Apply',
            time: new Date(Date.now() + this.version * 1000).toISOString(),
          },
        ],
      },
      status: { observedAt: this.version },
    };
    if (!dryRun) this.stored.set(url.pathname, merged);
    return json(res, 200, merged);
  }
}

function json(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function kubeconfigText(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: loopback',
    `    cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
    'users:',
    '  - name: tester',
    '    user: { token: "test-token" }',
    'contexts:',
    '  - name: loopback',
    '    context: { cluster: loopback, user: tester, namespace: shop }',
    'current-context: loopback',
    '',
  ].join('\n');
}
