import { describe, expect, it } from 'vitest';
import { compareObject, diffLines, summarise } from '../src/targets/k8s/compare.js';

// The comparison behind `push k8s --diff`, on plain objects (the cluster's side is in
// push-k8s-diff.test.ts).

const live = {
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name: 'web', resourceVersion: '7', uid: 'u1', managedFields: [{ manager: 'a' }] },
  spec: {
    items: [
      { name: 'a', value: 1 },
      { name: 'b', value: 2 },
    ],
    args: ['x', 'y'],
  },
  status: { ready: true },
};

describe('compareObject', () => {
  it('ignores status and the metadata the server keeps', () => {
    const answer = {
      ...live,
      metadata: { name: 'web', resourceVersion: '8', uid: 'u1', generation: 3 },
      status: { ready: false },
    };
    expect(compareObject('Thing web', live, answer)).toEqual({
      object: 'Thing web',
      status: 'unchanged',
      changes: [],
    });
  });

  it('compares named items by name, other lists by position', () => {
    const answer = {
      ...live,
      spec: { items: [{ name: 'b', value: 3 }], args: ['x', 'z'] },
    };
    const diff = compareObject('Thing web', live, answer);
    expect(diff.status).toBe('change');
    expect(diff.changes).toEqual([
      { path: 'spec.items[a]', old: { name: 'a', value: 1 } },
      { path: 'spec.items[b].value', old: 2, new: 3 },
      { path: 'spec.args[1]', old: 'y', new: 'z' },
    ]);
    // Two items of one name cannot be told apart by name: by position then.
    const twice = { ...live, spec: { items: [{ name: 'a' }, { name: 'a', value: 2 }] } };
    const again = compareObject('Thing web', twice, { ...twice, spec: { items: [{ name: 'a' }] } });
    expect(again.changes).toEqual([{ path: 'spec.items[1]', old: { name: 'a', value: 2 } }]);
  });

  it('keys an unnamed item by its type and place among the unnamed (a KEDA cpu trigger)', () => {
    const cron = (name: string, end: string) => ({ type: 'cron', name, metadata: { end } });
    const scaler = (triggers: object[]) => ({ ...live, spec: { triggers } });
    const before = scaler([{ type: 'cpu', metadata: { value: '60' } }, cron('w-1', '17')]);
    const after = scaler([cron('w-2', '18'), { type: 'cpu', metadata: { value: '60' } }]);
    expect(compareObject('ScaledObject web', before, after).changes).toEqual([
      { path: 'spec.triggers[w-1]', old: cron('w-1', '17') },
      { path: 'spec.triggers[w-2]', new: cron('w-2', '18') },
    ]);
    const reordered = compareObject(
      'ScaledObject web',
      before,
      scaler([...before.spec.triggers].reverse()),
    );
    expect(reordered.status).toBe('unchanged');
  });

  it('an object not in the cluster is to create; the lines carry the marker first', () => {
    const diff = summarise('https://k8s.example', [
      compareObject('Thing new', undefined, live),
      compareObject('Thing web', live, { ...live, spec: { ...live.spec, args: ['x'] } }),
      { object: 'Thing old', status: 'delete', changes: [] },
    ]);
    expect(diffLines(diff).slice(1)).toEqual([
      '+ Thing new: to create',
      '~ Thing web: to change',
      '    spec.args[1]:',
      '-     "y"',
      '- Thing old: to delete (an earlier push wrote it; this plan no longer has it)',
      '1 to create, 1 to change, 0 unchanged, 1 to delete',
    ]);
  });
});
