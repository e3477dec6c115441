import { RemoteError, UserError } from '../../errors.js';
import {
  apiClient,
  apiFailure,
  describe,
  FIELD_MANAGER,
  staleObjectNames,
  staleObjects,
  type ObjectStep,
  type PruneSpec,
} from './apply.js';
import { compareObject, summarise, type ClusterDiff, type ObjectDiff } from './compare.js';
import type { KubeObject } from './manifest.js';

export interface DiffOptions {
  /** The same as the apply: server-side apply may take over fields of other managers. */
  forceConflicts: boolean;
  /** CronJobs of an earlier push that the apply would delete. */
  prune?: PruneSpec;
}

/**
 * What applying the objects would change in the cluster of the current kubeconfig, asked of the
 * cluster itself, through its API: each object is read (404: it would be created) and sent as the
 * server-side apply that --apply sends (field manager headroom, --force-conflicts alike) with
 * dryRun=All, so that defaults, admission webhooks and other managers' fields are the server's;
 * the two are compared. Nothing is stored. A refusal, or no cluster, is a RemoteError naming the
 * object, the server's message and what to check.
 */
export async function diffWithCluster(
  objects: KubeObject[],
  options: DiffOptions,
): Promise<ClusterDiff> {
  const { k8s, client, server } = await apiClient();
  const refused = (
    error: unknown,
    step: ObjectStep,
    o: Pick<KubeObject, 'apiVersion' | 'kind'>,
    namespace?: string,
  ) => {
    const failure = apiFailure(error, step, o.apiVersion, namespace, o.kind, server);
    const message = `${failure.op} ${failure.object}: ${failure.error}`;
    // No cluster to talk to is the user's to fix (exit 2); a refusal is the cluster's (exit 3).
    return failure.unreachable
      ? new UserError(message, failure.hint)
      : new RemoteError(message, failure.hint);
  };
  const diffs: ObjectDiff[] = [];
  for (const object of objects) {
    const name = describe(object);
    const namespace = object.metadata.namespace;
    let live: Record<string, unknown> | undefined;
    try {
      live = (await client.read({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name: object.metadata.name, ...(namespace && { namespace }) },
      })) as Record<string, unknown>;
    } catch (error) {
      if (!absent(error)) throw refused(error, { op: 'get', object: name }, object, namespace);
    }
    let dryRun: Record<string, unknown>;
    try {
      dryRun = (await client.patch(
        structuredClone(object),
        undefined,
        'All',
        FIELD_MANAGER,
        options.forceConflicts || undefined,
        k8s.PatchStrategy.ServerSideApply,
      )) as Record<string, unknown>;
    } catch (error) {
      throw refused(error, { op: 'dry-run apply', object: name }, object, namespace);
    }
    diffs.push(compareObject(name, live, dryRun));
  }
  const prune = options.prune;
  if (prune) {
    const stale = await staleObjectNames(client, prune).catch((error: unknown) => {
      throw refused(error, { op: 'list', object: staleObjects(prune) }, prune, prune.namespace);
    });
    for (const name of stale) {
      diffs.push({
        object: `${prune.kind} ${prune.namespace}/${name}`,
        status: 'delete',
        changes: [],
      });
    }
  }
  return summarise(server, diffs);
}

/** A 404 for the object itself (not for its kind, which the cluster then does not serve). */
function absent(error: unknown): boolean {
  const e = error as { code?: number; message?: string };
  return e.code === 404 && !/Failed to fetch resource metadata/.test(e.message ?? '');
}
