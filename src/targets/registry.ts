import { awsPush } from './aws/definition.js';
import type { PushTargetDefinition } from './definition.js';
import { k8sPush } from './k8s/definition.js';

/**
 * Every push target, in `headroom push --help` order: the one list that the push commands
 * (commands/push-cli.ts), the `push:` blocks of headroom.yaml (config/schema.ts) and `push
 * --config` (commands/push-fleet.ts) are made from. A new target is a definition here.
 */
export const PUSH_TARGETS: readonly PushTargetDefinition[] = [awsPush, k8sPush];
