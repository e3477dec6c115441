import { UserError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';

/** The flags of `push k8s` that only the command line sets: how (and whether) it applies. */
export interface ApplyFlags {
  apply?: boolean;
  diff?: boolean;
  kubectl?: boolean;
  api?: boolean;
  forceConflicts?: boolean;
  exitCode?: boolean;
}

/**
 * The combinations of those flags that cannot work (UserError). No `push.k8s` block holds them, so
 * a fleet push checks them once, before any service, rather than failing every service alike.
 */
export function checkApplyFlags(options: ApplyFlags): void {
  if (options.kubectl && options.api) {
    throw new UserError('--kubectl and --api exclude each other: pick one way to apply');
  }
  if ((options.kubectl || options.api) && !options.apply) {
    throw new UserError(
      '--kubectl and --api only apply with --apply',
      'add --apply to change the cluster; without it headroom only writes YAML (--diff compares it with the cluster through the API)',
    );
  }
  if (options.forceConflicts && !options.apply && !options.diff) {
    throw new UserError(
      '--force-conflicts only applies with --apply or --diff',
      'add --apply to change the cluster, or --diff to see what would change',
    );
  }
  if (options.exitCode && !options.apply && !options.diff) {
    throw new UserError(
      '--exit-code needs --diff or --apply: without them the YAML is not compared with the cluster',
      `add --diff to exit ${EXIT.pending} when the cluster does not hold these objects yet, 0 when it does`,
    );
  }
}
