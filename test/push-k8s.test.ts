import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ServiceAccount } from 'kubernetes-models/v1';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readScheduleDocument, type PlannedSchedule } from '../src/schedule/document.js';
import { capacityAt, timelineFromSchedule, withLeadTime } from '../src/schedule/timeline.js';
import { buildK8sPush, type K8sFormat, type K8sPushInput } from '../src/targets/k8s/build.js';
import { DEFAULT_KUBECTL_IMAGE } from '../src/targets/k8s/cronjob.js';
import { isDnsSubdomain } from '../src/targets/k8s/names.js';
import { cronJobReplicas, kedaReplicas } from '../src/targets/k8s/verify.js';
import { ANY_AGE, ROOT } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

const FIXTURES = join(ROOT, 'test/fixtures/k8s');
const FORMATS: K8sFormat[] = ['keda', 'cronjob', 'hpa'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LEAD = 5 * MINUTE;

async function planned(name: string): Promise<PlannedSchedule> {
  const file = join(FIXTURES, `${name}.schedule.json`);
  return readScheduleDocument(JSON.parse(await readFile(file, 'utf8')), file);
}

function build(plan: PlannedSchedule, format: K8sFormat, extra: Partial<K8sPushInput> = {}) {
  return buildK8sPush({
    format,
    planned: plan,
    zone: plan.timezone,
    leadMs: LEAD,
    minHoldMs: 2 * HOUR,
    target: { kind: 'Deployment', name: 'web' },
    name: 'web',
    namespace: 'default',
    hpa: 'web',
    maxCount: 24,
    oneOff: false,
    cpu: 70,
    memory: 80,
    image: DEFAULT_KUBECTL_IMAGE,
    ...extra,
  });
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  ScaledObject: ScaledObject as never,
  HorizontalPodAutoscaler: HorizontalPodAutoscaler as never,
  CronJob: CronJob as never,
  Role: Role as never,
  RoleBinding: RoleBinding as never,
  ServiceAccount: ServiceAccount as never,
};

/** Reads YAML back and validates every document against its kubernetes-models schema. */
function validateYaml(yaml: string): Record<string, unknown>[] {
  return parseAllDocuments(yaml).map((doc) => {
    expect(doc.errors).toEqual([]);
    const json = doc.toJSON() as { kind: string; apiVersion: string; metadata: { name: string } };
    const Model = MODELS[json.kind];
    expect(Model, json.kind).toBeDefined();
    const { apiVersion: _v, kind: _k, ...data } = json;
    void _v;
    void _k;
    new Model(data as never).validate();
    expect(isDnsSubdomain(json.metadata.name)).toBe(true);
    return json;
  });
}

/** Every minute-resolution change point in [from, to) plus each whole hour, for hour-by-hour checks. */
function hours(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += HOUR) out.push(t);
  return out;
}

describe('golden files', () => {
  const cases = [
    ...['weekly', 'one-off'].flatMap((plan) => FORMATS.map((format) => ({ plan, format }))),
    { plan: 'dst-spring', format: 'keda' },
  ];
  for (const { plan, format } of cases) {
    it(`${plan} as ${format}`, async () => {
      const run = await runInProcess([
        'push',
        'k8s',
        '--schedule',
        join(FIXTURES, `${plan}.schedule.json`),
        '--target',
        'deployment/web',
        '--format',
        format,
      ]);
      expect(run.stderr).not.toMatch(/error/);
      expect(run.code).toBe(0);
      const golden = join(FIXTURES, `${plan}.${format}.yaml`);
      if (process.env.UPDATE_GOLDEN) await writeFile(golden, run.stdout);
      expect(run.stdout).toBe(await readFile(golden, 'utf8'));
      validateYaml(run.stdout);
    });
  }
});

describe('the objects hold the plan', () => {
  it('validates all three formats for the same plan', async () => {
    for (const name of ['weekly', 'one-off', 'dst-spring']) {
      const plan = await planned(name);
      for (const format of FORMATS) {
        const push = build(plan, format);
        const docs = validateYaml(push.yaml);
        expect(docs.map((d) => d.kind)).toEqual(push.objects.map((o) => o.kind));
      }
    }
  });

  it('KEDA windows cover every hour above the floor with exactly the planned replicas', async () => {
    for (const name of ['weekly', 'one-off', 'dst-spring']) {
      const plan = await planned(name);
      const push = build(plan, 'keda');
      const { start, end } = plan.schedule;
      const wanted = withLeadTime(timelineFromSchedule(plan.schedule), LEAD);
      const held = kedaReplicas(
        { floor: push.floor, max: push.maxReplicas, triggers: push.windows, zone: plan.timezone },
        start,
        end,
      );
      for (const t of [...hours(start, end), ...wanted.steps.map((s) => s.start)]) {
        const need = capacityAt(wanted, t);
        const have = capacityAt(held, t);
        expect(have, `${name} at ${new Date(t).toISOString()}`).toBe(need);
      }
    }
  });

  it('CronJobs set the floor to the planned replicas at every hour', async () => {
    for (const name of ['weekly', 'one-off', 'dst-spring']) {
      const plan = await planned(name);
      const push = build(plan, 'cronjob');
      const { start, end } = plan.schedule;
      const wanted = withLeadTime(timelineFromSchedule(plan.schedule), LEAD);
      const rules = push.changes.map((c) => ({ schedule: c.schedule, replicas: c.replicas }));
      const held = cronJobReplicas({ rules, zone: plan.timezone }, start, end);
      for (const t of [...hours(start, end), ...wanted.steps.map((s) => s.start)]) {
        expect(capacityAt(held, t), `${name} at ${new Date(t).toISOString()}`).toBe(
          capacityAt(wanted, t),
        );
      }
    }
  });

  it('takes the HPA bounds from the plan', async () => {
    const push = build(await planned('weekly'), 'hpa');
    const [hpa] = push.objects as unknown as { spec: Record<string, unknown> }[];
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(14);
    expect(build(await planned('weekly'), 'hpa', { maxReplicas: 9 }).maxReplicas).toBe(9);
  });

  it('is the same YAML for the same plan', async () => {
    const plan = await planned('weekly');
    for (const format of FORMATS) {
      expect(build(plan, format, { now: Date.now() }).yaml).toBe(build(plan, format).yaml);
    }
  });
});

describe('a week across a DST change in New York', () => {
  it('keeps the KEDA window at local 08:55 before and after the change', async () => {
    const plan = await planned('dst-spring');
    const push = build(plan, 'keda');
    expect(push.mode).toBe('weekly');
    expect(push.windows.map((w) => [w.start, w.end, w.replicas])).toEqual([
      ['55 8 * * 1-5', '0 17 * * 1-5', 4],
    ]);
    const zone = 'America/New_York';
    const held = kedaReplicas(
      { floor: push.floor, max: push.maxReplicas, triggers: push.windows, zone },
      plan.schedule.start,
      plan.schedule.end,
    );
    const at = (iso: string) => capacityAt(held, DateTime.fromISO(iso, { zone }).toMillis());
    // Thursday before the change (UTC−5), Monday after it (UTC−4): the same local times.
    for (const day of ['2024-03-07', '2024-03-11']) {
      expect(at(`${day}T08:54`)).toBe(1);
      expect(at(`${day}T08:55`)).toBe(4);
      expect(at(`${day}T16:59`)).toBe(4);
      expect(at(`${day}T17:00`)).toBe(1);
    }
  });

  it('moves a Sunday change out of the hour that the change skips', async () => {
    // A plan with a rise at 02:30 every day and a fall at 04:00: 02:30 does not exist on DST
    // Sundays in spring, so cron would not fire there; the minute before the gap, 01:59, comes
    // twice on the Sunday in autumn, and KEDA would only start the window at the second one.
    // So the window starts at 00:59, and CronJobs at 01:59.
    const zone = 'America/New_York';
    const start = DateTime.fromISO('2024-02-26T00:00', { zone });
    const entries: { timestamp: string; capacity: number; change: number }[] = [];
    for (let d = 0; d < 7; d++) {
      const day = start.plus({ days: d });
      entries.push(
        { timestamp: day.set({ hour: 2, minute: 30 }).toISO()!, capacity: 6, change: 4 },
        { timestamp: day.set({ hour: 4 }).toISO()!, capacity: 2, change: -4 },
      );
    }
    entries.unshift({ timestamp: start.toISO()!, capacity: 2, change: 0 });
    const plan = readScheduleDocument(
      {
        format: 'headroom.schedule/v1',
        timezone: zone,
        interval: '30m',
        start: start.toISO(),
        end: start.plus({ weeks: 1 }).toISO(),
        entries,
      },
      'test',
    );
    const push = build(plan, 'keda', { leadMs: 0 });
    expect(push.windows.map((w) => [w.start, w.end])).toEqual([['59 0 * * *', '0 4 * * *']]);
    expect(push.notes.join('\n')).toContain('moved changes at 01:59, 02:30');
    const floors = build(plan, 'cronjob', { leadMs: 0 });
    expect(floors.changes.map((c) => [c.schedule, c.replicas])).toEqual([
      ['59 1 * * *', 6],
      ['0 4 * * *', 2],
    ]);
    // The year ahead (checked inside build) holds; the Sunday of the change in particular:
    const held = kedaReplicas(
      { floor: push.floor, max: push.maxReplicas, triggers: push.windows, zone },
      DateTime.fromISO('2025-03-08', { zone }).toMillis(),
      DateTime.fromISO('2025-03-10', { zone }).toMillis(),
    );
    const at = (iso: string) =>
      capacityAt(held, DateTime.fromISO(iso, { setZone: true }).toMillis());
    expect(at('2025-03-09T00:59:00-05:00')).toBe(6);
    expect(at('2025-03-09T03:30:00-04:00')).toBe(6);
    expect(at('2025-03-09T04:00:00-04:00')).toBe(2);
  });
});

describe('dated windows through the night DST repeats an hour', () => {
  it('hold the plan in both formats', () => {
    // 2024-11-03 in New York: 01:00-01:59 comes twice. Peaks from 00:30 to the second 01:30.
    const zone = 'America/New_York';
    const iso = (text: string) => DateTime.fromISO(text, { setZone: true }).toISO()!;
    const plan = readScheduleDocument(
      {
        format: 'headroom.schedule/v1',
        timezone: zone,
        interval: '30m',
        start: iso('2024-11-02T00:00:00-04:00'),
        end: iso('2024-11-04T00:00:00-05:00'),
        entries: [
          { timestamp: iso('2024-11-02T00:00:00-04:00'), capacity: 2 },
          { timestamp: iso('2024-11-03T00:30:00-04:00'), capacity: 5 },
          { timestamp: iso('2024-11-03T01:30:00-04:00'), capacity: 9 },
          { timestamp: iso('2024-11-03T01:30:00-05:00'), capacity: 2 },
        ],
      },
      'test',
    );
    for (const format of ['keda', 'cronjob'] as const) {
      const push = build(plan, format, { leadMs: 0 });
      expect(push.mode).toBe('dated');
      expect(push.coverage!.extraPercent).toBeGreaterThanOrEqual(0);
      validateYaml(push.yaml);
    }
    const keda = build(plan, 'keda', { leadMs: 0 });
    expect(keda.windows.map((w) => [w.start, w.end, w.replicas])).toEqual([
      ['30 0 3 11 *', '30 1 3 11 *', 5],
      ['59 0 3 11 *', '30 1 3 11 *', 9],
    ]);
  });
});

describe('a real plan (NYC taxi demand)', () => {
  let dir: string;
  let plan: PlannedSchedule;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'headroom-k8s-plan-'));
    const run = await runInProcess([
      'plan',
      'data/nyc_taxi.csv',
      '--agg',
      'sum',
      '--timezone',
      'America/New_York',
      '--capacity-per-server',
      '500',
      '--out-dir',
      dir,
    ]);
    expect(run.code).toBe(0);
    plan = readScheduleDocument(
      JSON.parse(await readFile(join(dir, 'schedule.json'), 'utf8')),
      'schedule.json',
    );
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fits the limit, never below the plan after lead time, in every format', () => {
    for (const maxCount of [8, 24]) {
      const keda = build(plan, 'keda', { maxCount });
      expect(keda.windows.length).toBeLessThanOrEqual(maxCount);
      const cron = build(plan, 'cronjob', { maxCount });
      expect(cron.changes.length).toBeLessThanOrEqual(maxCount);
      const wanted = withLeadTime(timelineFromSchedule(plan.schedule), LEAD);
      const { start, end } = plan.schedule;
      const zone = plan.timezone;
      const held = kedaReplicas(
        { floor: keda.floor, max: keda.maxReplicas, triggers: keda.windows, zone },
        start,
        end,
      );
      const floors = cronJobReplicas(
        { rules: cron.changes.map((c) => ({ schedule: c.schedule, replicas: c.replicas })), zone },
        start,
        end,
      );
      for (const t of [...hours(start, end), ...wanted.steps.map((s) => s.start)]) {
        expect(capacityAt(held, t)).toBeGreaterThanOrEqual(capacityAt(wanted, t));
        expect(capacityAt(floors, t)).toBeGreaterThanOrEqual(capacityAt(wanted, t));
      }
      for (const format of FORMATS) validateYaml(build(plan, format, { maxCount }).yaml);
      // Fewer triggers cost more server-hours, never fewer.
      expect(keda.coverage!.extraPercent).toBeGreaterThanOrEqual(0);
    }
    expect(build(plan, 'keda', { maxCount: 8 }).coverage!.extraPercent).toBeGreaterThan(
      build(plan, 'keda', { maxCount: 24 }).coverage!.extraPercent,
    );
  });
});

describe('merging into your reactive scaling', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'headroom-k8s-keep-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const push = (...args: string[]) =>
    runInProcess([
      'push',
      'k8s',
      '--schedule',
      join(FIXTURES, 'weekly.schedule.json'),
      '--target',
      'deployment/web',
      ...args,
    ]);

  it('keeps a list of triggers beside the cron windows', async () => {
    const file = join(dir, 'triggers.yaml');
    await writeFile(
      file,
      [
        '- type: cpu',
        '  metricType: Utilization',
        '  metadata: { value: "70" }',
        '- type: prometheus',
        '  metadata:',
        '    serverAddress: http://prometheus.monitoring:9090',
        '    query: sum(rate(http_requests_total{app="web"}[2m]))',
        '    threshold: "800"',
        '',
      ].join('\n'),
    );
    const run = await push('--keep-triggers', file);
    expect(run.code).toBe(0);
    const [object] = validateYaml(run.stdout) as {
      spec: { triggers: { type: string; name?: string }[] };
    }[];
    expect(object.spec.triggers.map((t) => t.type)).toEqual([
      'cpu',
      'prometheus',
      'cron',
      'cron',
      'cron',
    ]);
  });

  it('merges into an existing ScaledObject, replacing only what headroom owns', async () => {
    const file = join(dir, 'existing.yaml');
    await writeFile(
      file,
      [
        'apiVersion: keda.sh/v1alpha1',
        'kind: ScaledObject',
        'metadata:',
        '  name: web-scaler',
        '  namespace: shop',
        '  resourceVersion: "123"',
        '  labels: { team: checkout }',
        '  annotations:',
        '    kubectl.kubernetes.io/last-applied-configuration: "{}"',
        '    owner: checkout-team',
        'spec:',
        '  scaleTargetRef: { name: web }',
        '  pollingInterval: 15',
        '  minReplicaCount: 10',
        '  maxReplicaCount: 40',
        '  fallback: { failureThreshold: 3, replicas: 8 }',
        '  triggers:',
        '    - type: cpu',
        '      metricType: Utilization',
        '      metadata: { value: "60" }',
        '    - type: cron',
        '      name: headroom-weekdays-0755-9',
        '      metadata: { timezone: UTC, start: 55 7 * * 1-5, end: 0 17 * * 1-5, desiredReplicas: "9" }',
        'status:',
        '  hpaName: keda-hpa-web-scaler',
        '',
      ].join('\n'),
    );
    const run = await runInProcess([
      'push',
      'k8s',
      '--schedule',
      join(FIXTURES, 'weekly.schedule.json'),
      '--keep-triggers',
      file,
    ]);
    expect(run.stderr).toContain('minReplicaCount 10 → 2');
    expect(run.code).toBe(0);
    const [object] = validateYaml(run.stdout) as {
      metadata: { name: string; namespace: string; labels: object; annotations: object };
      spec: Record<string, unknown> & { triggers: { type: string; name?: string }[] };
      status?: unknown;
    }[];
    expect(object.metadata.name).toBe('web-scaler');
    expect(object.metadata.namespace).toBe('shop');
    expect(object.metadata.labels).toMatchObject({ team: 'checkout' });
    expect(object.metadata.annotations).toMatchObject({ owner: 'checkout-team' });
    expect(JSON.stringify(object.metadata)).not.toContain('last-applied');
    expect(JSON.stringify(object.metadata)).not.toContain('resourceVersion');
    expect(object.status).toBeUndefined();
    expect(object.spec.pollingInterval).toBe(15);
    expect(object.spec.fallback).toEqual({ failureThreshold: 3, replicas: 8 });
    expect(object.spec.minReplicaCount).toBe(2);
    expect(object.spec.maxReplicaCount).toBe(14);
    expect(object.spec.triggers.map((t) => t.name ?? t.type)).toEqual([
      'cpu',
      'headroom-weekends-0955-3',
      'headroom-weekdays-0855-5',
      'headroom-weekdays-1155-7',
    ]);
    // The behaviour was the user's (none): set, and no note says it replaced one.
    expect(run.stderr).not.toMatch(/replaced the HPA behaviour/);

    // Its own output fed back: the same behaviour, so nothing is said to be replaced.
    const own = join(dir, 'own-scaler.yaml');
    await writeFile(own, run.stdout);
    const again = await runInProcess([
      'push',
      'k8s',
      '--schedule',
      join(FIXTURES, 'weekly.schedule.json'),
      '--keep-triggers',
      own,
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/replaced the HPA behaviour/);

    // A behaviour of the user's own is replaced, and the note says so.
    const theirs = join(dir, 'their-scaler.yaml');
    await writeFile(
      theirs,
      run.stdout.replace('stabilizationWindowSeconds: 300', 'stabilizationWindowSeconds: 900'),
    );
    const replaced = await runInProcess([
      'push',
      'k8s',
      '--schedule',
      join(FIXTURES, 'weekly.schedule.json'),
      '--keep-triggers',
      theirs,
    ]);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stderr).toMatch(/replaced the HPA behaviour of the existing ScaledObject/);
  });
});

describe('push k8s refuses what would not work', () => {
  const run = (...args: string[]) =>
    runInProcess(['push', 'k8s', '--schedule', join(FIXTURES, 'weekly.schedule.json'), ...args]);

  it('without a target', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--target is required');
  });

  it('with a target that is not a Deployment or StatefulSet', async () => {
    const r = await run('--target', 'daemonset/agent');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected deployment/NAME or statefulset/NAME');
  });

  it('with a ceiling below the plan', async () => {
    const r = await run('--target', 'deployment/web', '--max-replicas', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--max-replicas 5 is below the plan's peak of 7 replicas");
  });

  it('a ScaledObject for a flat plan with no trigger to keep', async () => {
    const plan = {
      format: 'headroom.schedule/v1',
      timezone: 'UTC',
      interval: '1h',
      start: '2024-05-06T00:00:00Z',
      end: '2024-05-13T00:00:00Z',
      entries: [{ timestamp: '2024-05-06T00:00:00Z', capacity: 3, change: 0 }],
    };
    const dir = await mkdtemp(join(tmpdir(), 'headroom-k8s-flat-'));
    try {
      await writeFile(join(dir, 'flat.json'), JSON.stringify(plan));
      const r = await runInProcess([
        'push',
        'k8s',
        '--schedule',
        join(dir, 'flat.json'),
        '--target',
        'deployment/web',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('the plan holds 3 replicas throughout');
      expect(r.stderr).toContain('--format hpa');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no name at the longest each format takes: every object is valid and KEDA can name its HPA', async () => {
    const longest = (n: number) => `${'a'.repeat(60)}.${'b'.repeat(60)}.`.repeat(3).slice(0, n);
    const keda = await run('--target', 'deployment/web', '--name', 'a'.repeat(54));
    expect(keda.code, keda.stderr).toBe(0);
    const [scaled] = validateYaml(keda.stdout) as { metadata: { name: string } }[];
    expect(`keda-hpa-${scaled.metadata.name}`).toHaveLength(63);

    const hpa = await run('--target', `deployment/${longest(253)}`, '--format', 'hpa');
    expect(hpa.code, hpa.stderr).toBe(0);
    expect(validateYaml(hpa.stdout)[0]).toMatchObject({ metadata: { name: longest(253) } });

    const hpaName = longest(253);
    const cron = await run('--target', 'deployment/web', '--format', 'cronjob', '--hpa', hpaName);
    expect(cron.code, cron.stderr).toBe(0);
    const docs = validateYaml(cron.stdout) as { kind: string; metadata: { name: string } }[];
    for (const { kind, metadata } of docs) {
      expect(metadata.name.length).toBeLessThanOrEqual(kind === 'CronJob' ? 52 : 63);
    }
    expect(cron.stdout).toContain(`- ${hpaName}\n`);
  });

  it('flags that only fit another format, or only --apply', async () => {
    const keep = await run('--target', 'deployment/web', '--format', 'hpa', '--keep-triggers', 'x');
    expect(keep.code).toBe(2);
    expect(keep.stderr).toContain('--keep-triggers only applies to --format keda');
    const api = await run('--target', 'deployment/web', '--api');
    expect(api.code).toBe(2);
    expect(api.stderr).toContain('only apply with --apply');
  });
});

describe('push k8s output', () => {
  it('writes --out atomically and says so; --json carries the windows and objects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-k8s-out-'));
    try {
      const out = join(dir, 'k8s', 'web.yaml');
      const schedule = join(FIXTURES, 'weekly.schedule.json');
      const base = ['push', 'k8s', '--schedule', schedule, '--target', 'deployment/web'];
      const written = await runInProcess([...base, '--out', out]);
      expect(written.code).toBe(0);
      expect(written.stdout).toBe(`wrote 1 object(s) to ${out}\n`);
      expect(await readFile(out, 'utf8')).toBe(
        await readFile(join(FIXTURES, 'weekly.keda.yaml'), 'utf8'),
      );
      const json = JSON.parse((await runInProcess([...base, '--json'])).stdout);
      expect(json.format).toBe('keda');
      expect(json.mode).toBe('weekly');
      expect(json.floor).toBe(2);
      expect(json.windows).toHaveLength(3);
      expect(json.objects[0].kind).toBe('ScaledObject');
      expect(json.coverage.extraPercent).toBeGreaterThanOrEqual(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('plans on the fly from a CSV', async () => {
    const push = (...extra: string[]) =>
      runInProcess([
        'push',
        'k8s',
        'data/nyc_taxi.csv',
        '--agg',
        'sum',
        '--timezone',
        'America/New_York',
        '--capacity-per-server',
        '2000',
        '--target',
        'statefulset/taxi',
        '--format',
        'cronjob',
        '--max-triggers',
        '8',
        ...ANY_AGE,
        ...extra,
      ]);
    const r = await push();
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const docs = validateYaml(r.stdout);
    expect(docs.filter((d) => d.kind === 'CronJob').length).toBeLessThanOrEqual(8);
    expect(r.stdout).toContain('timeZone: America/New_York');
    // The plan made now is shaped with the default lead time, and the objects say which.
    expect(r.stdout).toMatch(/lead time 5m/);
    expect(r.stdout).toMatch(/headroom\/lead-time: "?5m"?/);
    const later = await push('--lead-time', '10m');
    expect(later.code).toBe(0);
    expect(later.stdout).toMatch(/lead time 10m/);
    expect(later.stdout).toMatch(/headroom\/lead-time: "?10m"?/);
  });
});
