import { Document, isNode } from 'yaml';
import { isDnsLabel, isDnsSubdomain, SCALED_OBJECT_NAME_MAX } from './names.js';

/** A Kubernetes object as kubernetes-models builds it. */
export interface KubeModel {
  toJSON(): unknown;
  validate(): void;
}

/** An object to write, with comments for people (`path: []` comments the whole document). */
export interface Manifest {
  object: KubeModel;
  comments: { path: (string | number)[]; text: string }[];
}

/** The plain object, as it is written and applied. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * Validates every object against its schema and Kubernetes' naming rules. Objects are built by
 * headroom, so a failure is a bug, reported with the object and the problem.
 */
export function checkObjects(manifests: Manifest[]): KubeObject[] {
  return manifests.map(({ object }) => {
    const json = object.toJSON() as KubeObject;
    const where = `${json.kind} ${json.metadata?.name}`;
    try {
      object.validate();
    } catch (error) {
      throw new Error(`built an invalid ${where}: ${(error as Error).message}`);
    }
    const { name, namespace, labels = {} } = json.metadata;
    if (!isDnsSubdomain(name)) throw new Error(`built ${where} with an invalid name`);
    const max = { CronJob: 52, ScaledObject: SCALED_OBJECT_NAME_MAX }[json.kind];
    if (max !== undefined && name.length > max) throw new Error(`built ${where}: name too long`);
    if (namespace !== undefined && !isDnsLabel(namespace)) {
      throw new Error(`built ${where} with an invalid namespace '${namespace}'`);
    }
    for (const [key, value] of Object.entries(labels)) {
      if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
        throw new Error(`built ${where} with an invalid label ${key}: ${value}`);
      }
    }
    return json;
  });
}

/**
 * Multi-document YAML, `---` between objects, keys in the order the objects were built (the same
 * plan gives the same bytes, so it diffs cleanly in Git), long strings never folded.
 */
export function renderYaml(manifests: Manifest[], header: string[] = []): string {
  const docs = manifests.map((manifest, i) => {
    const doc = new Document(manifest.object.toJSON());
    const before: string[] = i === 0 ? [...header] : [];
    for (const { path, text } of manifest.comments) {
      if (path.length === 0) {
        before.push(text);
        continue;
      }
      const node = doc.getIn(path, true);
      if (isNode(node)) node.commentBefore = text;
    }
    if (before.length > 0) doc.commentBefore = before.join('\n');
    return doc.toString({ lineWidth: 0 });
  });
  return docs.join('---\n');
}
