import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { UserError } from '../../errors.js';
import { stopSignal, type ApplyControl, type StopSignal } from '../../util/interrupt.js';
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
  /** Checked between calls: once stopped (Ctrl-C), nothing further starts. */
  control?: ApplyControl;
  /** For tests: the PATH to look for kubectl in. */
  path?: string;
}

/** A call about an object that did not happen or did not succeed ("Role shop/web-floor"). */
export interface ObjectStep {
  op: 'apply' | 'list' | 'delete' | 'get' | 'dry-run apply';
  object: string;
}

export interface ObjectFailure extends ObjectStep {
  /** What the API or kubectl said. */
  error: string;
  hint?: string;
  /** No answer at all: the cluster could not be reached. */
  unreachable?: boolean;
}

export interface ApplyResult {
  via: 'kubectl' | 'api';
  /** Where the API was reached (the kubeconfig's cluster), when known. */
  server?: string;
  /** Objects applied, in order. */
  applied: string[];
  /** Objects of an earlier push deleted because this plan no longer has them. */
  pruned: string[];
  /** The call that was refused (the push stops there), or with kubectl every object it refused. */
  failed: ObjectFailure[];
  /** What was not attempted because of a refusal or a signal. */
  notAttempted: ObjectStep[];
  /** The signal that stopped the push between calls, if one did. */
  interrupted?: StopSignal;
}

export const describe = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** What pruning deletes, before the list says which objects that is. */
export const staleObjects = (prune: PruneSpec) =>
  `${prune.kind}s of an earlier push that this plan no longer has (${prune.namespace}, ${prune.labelSelector})`;

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
 * Then deletes what `prune` names. Stops at the first refusal, or between calls once
 * `options.control` is stopped, and says what was applied, what failed and what was not attempted.
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
  const result = kubectl
    ? await applyWithKubectl(kubectl, objects, yaml, options)
    : await applyWithApi(objects, options);
  options.control?.track(undefined, result.applied);
  // A signal during the last call still stopped the push: say so, although nothing was left.
  result.interrupted ??= stopSignal(options.control);
  return result;
}

function run(
  binary: string,
  args: string[],
  input?: string,
  control?: ApplyControl,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // In a process group of its own, so the Ctrl-C a terminal sends to headroom's group does not
    // cut kubectl off half-way; a second Ctrl-C, which exits at once, stops it too.
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const forget = control?.onForcedExit(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => {
      forget?.();
      reject(error);
    });
    child.on('close', (code) => {
      forget?.();
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** The objects kubectl says it applied ("cronjob.batch/web-floor serverside-applied"). */
function appliedByKubectl(objects: KubeObject[], stdout: string): Set<KubeObject> {
  const said = new Set(
    stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((ref) => ref.includes('/'))
      .map((ref) => {
        const [resource, name] = ref.split('/');
        return `${resource.split('.')[0]}/${name}`;
      }),
  );
  return new Set(objects.filter((o) => said.has(`${o.kind.toLowerCase()}/${o.metadata.name}`)));
}

/** kubectl's lines about one object, or all it said. */
function kubectlReason(object: KubeObject, stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim());
  const about = lines.filter(
    (line) =>
      line.includes(`"${object.metadata.name}"`) || line.includes(`/${object.metadata.name} `),
  );
  return (about.length > 0 ? about : lines.filter(Boolean)).join(' ') || 'kubectl apply failed';
}

async function applyWithKubectl(
  kubectl: string,
  objects: KubeObject[],
  yaml: string,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const { control, prune } = options;
  const result: ApplyResult = {
    via: 'kubectl',
    applied: [],
    pruned: [],
    failed: [],
    notAttempted: [],
  };
  const pruneStep = prune && { op: 'delete' as const, object: staleObjects(prune) };
  const signal = stopSignal(control);
  if (signal) {
    result.interrupted = signal;
    result.notAttempted.push(
      ...objects.map((o) => ({ op: 'apply' as const, object: describe(o) })),
    );
    if (pruneStep) result.notAttempted.push(pruneStep);
    return result;
  }
  const args = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`];
  if (options.forceConflicts) args.push('--force-conflicts');
  control?.track(`kubectl apply of ${objects.length} object(s)`, []);
  const applied = await run(kubectl, [...args, '-f', '-'], yaml, control);
  // kubectl applies every object it can and names each; it fails for the rest.
  const done = applied.code === 0 ? new Set(objects) : appliedByKubectl(objects, applied.stdout);
  for (const object of objects) {
    if (done.has(object)) result.applied.push(describe(object));
    else {
      result.failed.push({
        op: 'apply',
        object: describe(object),
        error: `kubectl apply failed (exit ${applied.code}): ${kubectlReason(object, applied.stderr || applied.stdout)}`,
        ...(hintFor(applied.stderr) !== undefined && { hint: hintFor(applied.stderr) }),
      });
    }
  }
  if (!prune || !pruneStep) return result;
  if (result.failed.length > 0 || stopSignal(control)) {
    result.notAttempted.push(pruneStep);
    return result;
  }
  control?.track(`kubectl get ${prune.resource}`, result.applied);
  const listed = await run(
    kubectl,
    [
      'get',
      prune.resource,
      `--namespace=${prune.namespace}`,
      `--selector=${prune.labelSelector}`,
      '--output=name',
    ],
    undefined,
    control,
  );
  if (listed.code !== 0) {
    result.failed.push({
      op: 'list',
      object: staleObjects(prune),
      error: `kubectl get failed (exit ${listed.code}): ${listed.stderr.trim()}`,
    });
    return result;
  }
  const stale = listed.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !prune.keep.includes(line.split('/').pop()!));
  const staleNames = stale.map((s) => `${prune.kind} ${prune.namespace}/${s.split('/').pop()}`);
  if (stale.length === 0) return result;
  if (stopSignal(control)) {
    result.notAttempted.push(...staleNames.map((object) => ({ op: 'delete' as const, object })));
    return result;
  }
  control?.track(`kubectl delete of ${staleNames.join(', ')}`, result.applied);
  const deleted = await run(
    kubectl,
    ['delete', `--namespace=${prune.namespace}`, ...stale],
    undefined,
    control,
  );
  if (deleted.code !== 0) {
    for (const object of staleNames) {
      result.failed.push({
        op: 'delete',
        object,
        error: `kubectl delete failed (exit ${deleted.code}): ${deleted.stderr.trim()}`,
      });
    }
    return result;
  }
  result.pruned.push(...staleNames);
  return result;
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
  /** The HTTP status of an answer, or the network error's code (ECONNREFUSED…). */
  code?: number | string;
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

/** A refusal or failure from the API: what happened and what to do. */
export function apiFailure(
  error: unknown,
  step: ObjectStep,
  apiVersion: string,
  namespace: string | undefined,
  kind: string,
  server: string,
): ObjectFailure {
  const e = error as ApiError;
  if (typeof e.code === 'number') {
    const body = statusOf(e.body);
    const detail = typeof body === 'object' && body?.message ? body.message : String(body ?? '');
    const status = `${e.code}${typeof body === 'object' && body?.reason ? ` ${body.reason}` : ''}`;
    const discovery = /Failed to fetch resource metadata/.test(e.message ?? '');
    const hint =
      discovery && e.code === 404
        ? `the cluster does not serve ${apiVersion}${apiVersion.startsWith('keda.sh') ? ': install KEDA, or use --format cronjob or --format hpa' : ''}`
        : e.code === 403 || e.code === 401
          ? `check the kubeconfig user's permissions: \`kubectl auth can-i ${step.op.endsWith('apply') ? 'patch' : step.op} ${kind.toLowerCase()} -n ${namespace ?? 'default'}\``
          : e.code === 409
            ? 'another field manager owns some of these fields; add --force-conflicts to take them over'
            : undefined;
    const doing = discovery
      ? 'look up its kind'
      : `${step.op} ${step.op === 'list' ? 'them' : 'it'}`;
    return {
      ...step,
      error: `Kubernetes refused to ${doing}: ${status}${detail ? `: ${detail}` : ''}`,
      ...(hint && { hint }),
    };
  }
  const cause =
    e.cause?.code ??
    (typeof e.code === 'string' ? e.code : undefined) ??
    e.cause?.message ??
    e.message ??
    String(error);
  return {
    ...step,
    error: `cannot reach the Kubernetes API at ${server}: ${cause}`,
    hint: 'check the current kubeconfig context (KUBECONFIG, `kubectl config current-context`)',
    unreachable: true,
  };
}

const KUBECONFIG_HINT =
  'point KUBECONFIG at a kubeconfig file (default ~/.kube/config) and pick a context: `kubectl config use-context NAME`';

export type K8sModule = typeof import('@kubernetes/client-node');
export type ObjectApi = import('@kubernetes/client-node').KubernetesObjectApi;

/** The Kubernetes API of the current kubeconfig, and where it is. */
export async function apiClient(): Promise<{ k8s: K8sModule; client: ObjectApi; server: string }> {
  // Loaded only here: the client is large, and only --apply and --diff need it.
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  try {
    config.loadFromDefault();
  } catch (error) {
    throw new UserError(`cannot read the kubeconfig: ${(error as Error).message}`, KUBECONFIG_HINT);
  }
  const server = config.getCurrentCluster()?.server;
  if (!server) {
    throw new UserError(
      'no Kubernetes cluster: the kubeconfig has no current context',
      KUBECONFIG_HINT,
    );
  }
  return { k8s, client: k8s.KubernetesObjectApi.makeApiClient(config), server };
}

async function applyWithApi(objects: KubeObject[], options: ApplyOptions): Promise<ApplyResult> {
  const { k8s, client, server } = await apiClient();
  const result: ApplyResult = {
    via: 'api',
    server,
    applied: [],
    pruned: [],
    failed: [],
    notAttempted: [],
  };
  await applyEach(k8s, client, objects, options, result);
  const { control, prune } = options;
  if (!prune) return result;
  if (result.failed.length > 0 || stopSignal(control)) {
    result.notAttempted.push({ op: 'delete', object: staleObjects(prune) });
    return result;
  }
  await pruneWithApi(client, prune, control, result);
  return result;
}

/** Server-side applies each object in turn; stops at a refusal or a signal. */
async function applyEach(
  k8s: K8sModule,
  client: ObjectApi,
  objects: KubeObject[],
  { control, forceConflicts }: ApplyOptions,
  result: ApplyResult,
): Promise<void> {
  const rest = (from: number) =>
    objects.slice(from).map((o) => ({ op: 'apply' as const, object: describe(o) }));
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i];
    const signal = stopSignal(control);
    if (signal) {
      result.interrupted = signal;
      result.notAttempted.push(...rest(i));
      return;
    }
    control?.track(`the server-side apply of ${describe(object)}`, result.applied);
    try {
      await client.patch(
        structuredClone(object),
        undefined,
        undefined,
        FIELD_MANAGER,
        forceConflicts || undefined,
        k8s.PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      const step = { op: 'apply' as const, object: describe(object) };
      const { apiVersion, kind } = object;
      result.failed.push(
        apiFailure(error, step, apiVersion, object.metadata.namespace, kind, result.server!),
      );
      result.notAttempted.push(...rest(i + 1));
      return;
    }
    result.applied.push(describe(object));
  }
}

/** The names of the objects of an earlier push that this plan no longer has. */
export async function staleObjectNames(client: ObjectApi, prune: PruneSpec): Promise<string[]> {
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
  return list.items
    .map((item) => item.metadata?.name ?? '')
    .filter((name) => name && !prune.keep.includes(name));
}

/** Lists the objects of an earlier push that this plan no longer has and deletes them. */
async function pruneWithApi(
  client: ObjectApi,
  prune: PruneSpec,
  control: ApplyControl | undefined,
  result: ApplyResult,
): Promise<void> {
  const failure = (error: unknown, step: ObjectStep) =>
    apiFailure(error, step, prune.apiVersion, prune.namespace, prune.kind, result.server!);
  const listing = { op: 'list' as const, object: staleObjects(prune) };
  let names: string[];
  try {
    control?.track(`the list of ${staleObjects(prune)}`, result.applied);
    names = await staleObjectNames(client, prune);
  } catch (error) {
    result.failed.push(failure(error, listing));
    return;
  }
  const stale = (name: string) => `${prune.kind} ${prune.namespace}/${name}`;
  for (let i = 0; i < names.length; i++) {
    if (stopSignal(control)) {
      result.notAttempted.push(
        ...names.slice(i).map((name) => ({ op: 'delete' as const, object: stale(name) })),
      );
      return;
    }
    control?.track(`the delete of ${stale(names[i])}`, result.applied);
    try {
      await client.delete({
        apiVersion: prune.apiVersion,
        kind: prune.kind,
        metadata: { name: names[i], namespace: prune.namespace },
      });
    } catch (error) {
      result.failed.push(failure(error, { op: 'delete', object: stale(names[i]) }));
      result.notAttempted.push(
        ...names.slice(i + 1).map((name) => ({ op: 'delete' as const, object: stale(name) })),
      );
      return;
    }
    result.pruned.push(stale(names[i]));
  }
}
