import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { RemoteError, UserError } from '../../errors.js';
import type { KubeObject } from './manifest.js';

/** The field manager of every change headroom makes, so `kubectl get --show-managed-fields` names it. */
export const FIELD_MANAGER = 'headroom';

/** Objects of one kind that an earlier push wrote and this one no longer does: deleted after applying. */
export interface PruneSpec {
  apiVersion: string;
  kind: string;
  /** kubectl's resource name, e.g. cronjobs.batch. */
  resource: string;
  namespace: string;
  labelSelector: string;
  keep: string[];
}

export interface ApplyOptions {
  /** kubectl when it is on the PATH, else the API; or forced either way. */
  via: 'auto' | 'kubectl' | 'api';
  forceConflicts: boolean;
  prune?: PruneSpec;
  /** For tests: the PATH to look for kubectl in. */
  path?: string;
}

export interface ApplyResult {
  via: 'kubectl' | 'api';
  /** Where the API was reached (the kubeconfig's cluster), when known. */
  server?: string;
  applied: string[];
  pruned: string[];
}

const describe = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export async function findOnPath(
  command: string,
  path = process.env.PATH ?? '',
): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Applies the objects with server-side apply (field manager `headroom`), through kubectl when it
 * is on the PATH (so its kubeconfig, credential plugins and contexts work as the user is used
 * to) or through the Kubernetes API with @kubernetes/client-node and the current kubeconfig.
 * Then deletes what `prune` names. Stops at the first refusal and says what was applied before it.
 */
export async function applyObjects(
  objects: KubeObject[],
  yaml: string,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const kubectl = options.via === 'api' ? undefined : await findOnPath('kubectl', options.path);
  if (options.via === 'kubectl' && !kubectl) {
    throw new UserError(
      'kubectl is not on the PATH',
      'install kubectl, or drop --kubectl to apply through the Kubernetes API with the current kubeconfig',
    );
  }
  return kubectl ? applyWithKubectl(kubectl, yaml, options) : applyWithApi(objects, options);
}

function run(
  binary: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

async function applyWithKubectl(
  kubectl: string,
  yaml: string,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const args = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`];
  if (options.forceConflicts) args.push('--force-conflicts');
  const applied = await run(kubectl, [...args, '-f', '-'], yaml);
  if (applied.code !== 0) {
    throw new RemoteError(
      `kubectl apply failed (exit ${applied.code}): ${applied.stderr.trim() || applied.stdout.trim()}`,
      hintFor(applied.stderr),
    );
  }
  const pruned: string[] = [];
  const prune = options.prune;
  if (prune) {
    const listed = await run(kubectl, [
      'get',
      prune.resource,
      `--namespace=${prune.namespace}`,
      `--selector=${prune.labelSelector}`,
      '--output=name',
    ]);
    if (listed.code !== 0) {
      throw new RemoteError(
        `applied, but could not list ${prune.resource} to remove stale ones: ${listed.stderr.trim()}`,
      );
    }
    const stale = listed.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !prune.keep.includes(line.split('/').pop()!));
    if (stale.length > 0) {
      const deleted = await run(kubectl, ['delete', `--namespace=${prune.namespace}`, ...stale]);
      if (deleted.code !== 0) {
        throw new RemoteError(
          `applied, but could not delete stale ${stale.join(', ')}: ${deleted.stderr.trim()}`,
        );
      }
      pruned.push(...stale.map((s) => `${prune.kind} ${prune.namespace}/${s.split('/').pop()}`));
    }
  }
  return {
    via: 'kubectl',
    applied: applied.stdout.trim().split('\n').filter(Boolean),
    pruned,
  };
}

function hintFor(message: string): string | undefined {
  if (/conflict/i.test(message)) {
    return 'another field manager owns some of these fields (e.g. an earlier `kubectl apply` or a CronJob setting minReplicas); check who, then add --force-conflicts to take them over';
  }
  if (/forbidden/i.test(message)) {
    return 'your kubeconfig user may not change these objects; `kubectl auth can-i patch <resource> -n <namespace>` says which permission is missing';
  }
  if (/no matches for kind "ScaledObject"|keda\.sh/i.test(message)) {
    return 'the cluster does not serve keda.sh/v1alpha1: install KEDA, or use --format cronjob or --format hpa';
  }
  return undefined;
}

interface ApiError {
  code?: number;
  body?: unknown;
  message?: string;
  cause?: { code?: string; message?: string };
}

/** The API's Status object (client-node hands it over parsed or as JSON text), or its text. */
function statusOf(body: unknown): { message?: string; reason?: string } | string | undefined {
  if (typeof body !== 'string') return body as { message?: string; reason?: string } | undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? parsed : body;
  } catch {
    return body.trim() || undefined;
  }
}

/** A refusal or failure from the API as a RemoteError that says what happened and what to do. */
function remoteError(error: unknown, object: KubeObject, done: string[], server: string) {
  const e = error as ApiError;
  const after = done.length > 0 ? ` (already applied: ${done.join(', ')})` : '';
  if (typeof e.code === 'number') {
    const body = statusOf(e.body);
    const detail = typeof body === 'object' && body?.message ? body.message : String(body ?? '');
    const status = `${e.code}${typeof body === 'object' && body?.reason ? ` ${body.reason}` : ''}`;
    const discovery = /Failed to fetch resource metadata/.test(e.message ?? '');
    const hint =
      discovery && e.code === 404
        ? `the cluster does not serve ${object.apiVersion}${object.apiVersion.startsWith('keda.sh') ? ': install KEDA, or use --format cronjob or --format hpa' : ''}`
        : e.code === 403 || e.code === 401
          ? `check the kubeconfig user's permissions: \`kubectl auth can-i patch ${object.kind.toLowerCase()} -n ${object.metadata.namespace ?? 'default'}\``
          : e.code === 409
            ? 'another field manager owns some of these fields; add --force-conflicts to take them over'
            : undefined;
    return new RemoteError(
      `Kubernetes refused ${discovery ? 'to look up' : 'to apply'} ${describe(object)}: ${status}${detail ? `: ${detail}` : ''}${after}`,
      hint,
    );
  }
  const cause = e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
  return new RemoteError(
    `cannot reach the Kubernetes API at ${server} to apply ${describe(object)}: ${cause}${after}`,
    'check the current kubeconfig context (KUBECONFIG, `kubectl config current-context`)',
  );
}

async function applyWithApi(objects: KubeObject[], options: ApplyOptions): Promise<ApplyResult> {
  // Loaded only here: the client is large, and only --apply without kubectl needs it.
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  try {
    config.loadFromDefault();
  } catch (error) {
    throw new RemoteError(`cannot read the kubeconfig: ${(error as Error).message}`);
  }
  const server = config.getCurrentCluster()?.server ?? 'unknown server';
  const client = k8s.KubernetesObjectApi.makeApiClient(config);
  const applied: string[] = [];
  for (const object of objects) {
    try {
      await client.patch(
        structuredClone(object),
        undefined,
        undefined,
        FIELD_MANAGER,
        options.forceConflicts || undefined,
        k8s.PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw remoteError(error, object, applied, server);
    }
    applied.push(describe(object));
  }
  const pruned: string[] = [];
  const prune = options.prune;
  if (prune) {
    const probe: KubeObject = {
      apiVersion: prune.apiVersion,
      kind: prune.kind,
      metadata: { name: '', namespace: prune.namespace },
    };
    try {
      const list = await client.list(
        prune.apiVersion,
        prune.kind,
        prune.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        prune.labelSelector,
      );
      for (const item of list.items) {
        const name = item.metadata?.name;
        if (!name || prune.keep.includes(name)) continue;
        probe.metadata.name = name;
        await client.delete({
          apiVersion: prune.apiVersion,
          kind: prune.kind,
          metadata: { name, namespace: prune.namespace },
        });
        pruned.push(describe(probe));
      }
    } catch (error) {
      throw remoteError(error, probe, applied, server);
    }
  }
  return { via: 'api', server, applied, pruned };
}
