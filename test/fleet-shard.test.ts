import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { parse, parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { parseShard, shardSize, tasksOfShard } from '../src/fleet/shard.js';
import { ELB, ROOT, type Run } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

let dir: string;
let whole: Run;
let shards: Run[];

// Four services (one fails, two come from one long-format file), planned whole and as two shards.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-shard-'));
  await copyFile(ELB, join(dir, 'elb.csv')); // a config names files in its own folder
  await writeFile(join(dir, 'broken.csv'), 'timestamp,value\n2024-01-01 00:00,1\nnot a time,2\n');
  const rows = ['timestamp,service,requests'];
  for (let h = 0; h < 24 * 21; h++) {
    const time = new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
    rows.push(`${time},api,${200 + 100 * Math.sin((2 * Math.PI * h) / 24)}`);
    rows.push(`${time},Search UI,${50 + 20 * Math.cos((2 * Math.PI * h) / 24)}`);
  }
  await writeFile(join(dir, 'long.csv'), rows.join('\n') + '\n');
  await writeFile(
    join(dir, 'headroom.yaml'),
    [
      'reports: out',
      'defaults:',
      '  capacityPerServer: 100',
      'services:',
      '  - name: elb',
      '    data: elb.csv',
      '    agg: sum',
      '  - name: broken',
      '    data: broken.csv',
      '  - name: fleet',
      '    data: long.csv',
      '    seriesColumn: service',
    ].join('\n'),
  );
  [whole, ...shards] = await Promise.all([
    runInProcess(['plan', '--out-dir', 'whole', '--workers', '2', '--quiet'], { cwd: dir }),
    runInProcess(['plan', '--shard', '1/2', '--workers', '2'], { cwd: dir }),
    runInProcess(['plan', '--shard', '2/2', '--workers', '2'], { cwd: dir }),
  ]);
}, 60_000);

const read = (...path: string[]) => readFile(join(dir, ...path), 'utf8');
/** The page without what differs between two runs: when it was made, and scratch file names. */
const stable = (html: string) =>
  html
    .replace(/Generated .+? by headroom/, 'Generated … by headroom')
    .replace(/headroom-series-\w+/g, 'headroom-series-…');

describe('--shard i/n and report --merge', () => {
  it('each shard plans its part of the fleet and writes a part file, not the fleet report', async () => {
    expect(whole.code, whole.stderr).toBe(5);
    for (const [k, run] of shards.entries()) {
      const i = k + 1;
      expect(run.code, run.stderr).toBe(i === 1 ? 5 : 0); // broken is in the first shard
      expect(run.stdout).toContain(
        `shard ${i}/2: planned 2 of 4 services; join the parts with \`headroom report --merge out\``,
      );
      expect(run.stdout).toMatch(/no index\.html or summary\.md/);
      const part = JSON.parse(await read('out', `fleet-part-${i}-of-2.json`));
      expect(part).toMatchObject({
        format: 'headroom.fleet-part/v1',
        shard: { index: i, count: 2 },
        total: 4,
      });
      expect(part.config).toMatch(/headroom\.yaml$/);
      // Sorted by name (broken, elb, fleet-api, fleet-search-ui), every second one.
      expect(part.services).toEqual(i === 1 ? ['broken', 'fleet-api'] : ['elb', 'fleet-search-ui']);
      for (const o of part.outcomes) {
        expect(o.warnings).toBeInstanceOf(Array);
        expect(o.seconds).toBeGreaterThan(0);
        if (o.ok) expect(o.plan.files).toContain(`${o.name}/schedule.json`);
        else expect(o.error).toMatch(/broken\.csv:3/);
      }
    }
    expect(existsSync(join(dir, 'out', 'index.html'))).toBe(false);
    expect(existsSync(join(dir, 'out', 'summary.md'))).toBe(false);
  });

  it('the merge writes the report an unsharded run writes, every service once', async () => {
    const merge = await runInProcess(['report', '--merge', 'out', '--json'], { cwd: dir });
    expect(merge.code, merge.stderr).toBe(5); // broken failed, as in the unsharded run
    const result = JSON.parse(merge.stdout);
    expect(result.shards).toEqual({ count: 2, merged: [1, 2], missing: [] });
    // The config's order, as the unsharded run lists them, not the shards'.
    const names = ['elb', 'broken', 'fleet-api', 'fleet-search-ui'];
    expect(result.services.map((s: { name: string }) => s.name)).toEqual(names);
    expect(result.services.find((s: { name: string }) => s.name === 'elb').plan.files).toContain(
      join(dir, 'out', 'elb', 'schedule.json'),
    );

    expect(await read('out', 'summary.md')).toBe(await read('whole', 'summary.md'));
    const html = await read('out', 'index.html');
    expect(stable(html)).toBe(stable(await read('whole', 'index.html')));
    for (const name of names) {
      expect(html.match(new RegExp(`<section id="service-${name}"`, 'g'))).toHaveLength(1);
    }
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(6);
  });

  it('refuses a missing shard unless --allow-missing, then says which one is missing', async () => {
    const one = join('out', 'fleet-part-1-of-2.json');
    const missing = await runInProcess(['report', '--merge', one, '--out-dir', 'partial'], {
      cwd: dir,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /error: missing 1 of 2 shards: 2\/2 \(no fleet-part-2-of-2\.json/,
    );
    expect(missing.stderr).toMatch(/--allow-missing/);
    expect(existsSync(join(dir, 'partial'))).toBe(false);

    const partial = await runInProcess(
      ['report', '--merge', one, '--out-dir', 'partial', '--allow-missing'],
      { cwd: dir },
    );
    expect(partial.code, partial.stderr).toBe(5);
    expect(partial.stderr).toMatch(/warning: partial report: shard\(s\) 2\/2 missing/);
    const summary = await read('partial', 'summary.md');
    expect(summary).toMatch(/^# Capacity plans: 2 service\(s\), 1 failed/);
    expect(summary).toContain('**Partial report:** shard 2/2 is missing: 2 service(s) not shown.');
    expect(await read('partial', 'index.html')).toContain(
      '<strong>Partial report:</strong> shard 2/2 is missing',
    );
  });

  it('refuses a part given twice, parts of different n, and a service in two parts', async () => {
    const [twice, third] = await Promise.all([
      runInProcess(['report', '--merge', 'out', 'out/fleet-part-1-of-2.json'], { cwd: dir }),
      runInProcess(['plan', '--shard', '3/3', '--out-dir', 'thirds', '-q'], { cwd: dir }),
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(
      /error: out\/fleet-part-1-of-2\.json: shard 1\/2 is given twice \(also out\/fleet-part-1-of-2\.json\)/,
    );

    expect(third.code, third.stderr).toBe(0);
    const mixed = await runInProcess(
      ['report', '--merge', 'out', 'thirds/fleet-part-3-of-3.json', '--out-dir', 'mixed'],
      { cwd: dir },
    );
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(
      /error: thirds\/fleet-part-3-of-3\.json: shard 3\/3 is a part of 3, but out\/fleet-part-1-of-2\.json is shard 1\/2: parts of different n/,
    );

    // A copy of shard 1 relabelled as shard 2: the same services in two parts.
    await mkdir(join(dir, 'forged'));
    const part = JSON.parse(await read('out', 'fleet-part-1-of-2.json'));
    part.shard.index = 2;
    await copyFile(join(dir, 'out', 'fleet-part-1-of-2.json'), join(dir, 'forged', 'a.json'));
    await writeFile(join(dir, 'forged', 'b.json'), JSON.stringify(part));
    const forged = await runInProcess(['report', '--merge', 'forged/a.json', 'forged/b.json'], {
      cwd: dir,
    });
    expect(forged.code).toBe(2);
    expect(forged.stderr).toMatch(
      /error: forged\/b\.json: service 'broken' is also in forged\/a\.json/,
    );

    await writeFile(join(dir, 'forged', 'c.json'), '{"format": "headroom.schedule/v1"}');
    const [other, nothing] = await Promise.all([
      runInProcess(['report', '--merge', 'forged/c.json'], { cwd: dir }),
      runInProcess(['report', '--merge', 'whole'], { cwd: dir }),
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/forged\/c\.json: not a fleet part file/);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/whole: no fleet-part-\*\.json files in this folder/);
  }, 30_000);

  it('refuses shards planned with other settings, naming the service and the setting', async () => {
    const other = await runInProcess(
      ['plan', '--shard', '2/2', '--risk', '5%', '--out-dir', 'riskier', '-q'],
      { cwd: dir },
    );
    expect(other.code, other.stderr).toBe(0);
    const riskier = JSON.parse(await read('riskier', 'fleet-part-2-of-2.json'));
    expect(riskier.settings.elb.risk).toBe('5%');
    expect(riskier.settings.elb.capacityPerServer).toBe('100');
    const merged = await runInProcess(
      ['report', '--merge', 'out/fleet-part-1-of-2.json', 'riskier/fleet-part-2-of-2.json'],
      { cwd: dir },
    );
    expect(merged.code).toBe(2);
    expect(merged.stderr).toMatch(
      /riskier\/fleet-part-2-of-2\.json: service 'broken' was planned with risk 5%, in out\/fleet-part-1-of-2\.json with 1% \(the config or the flags changed between shards\)/,
    );
  }, 30_000);

  it('a missing chart folder is a warning; the service is reported without its charts', async () => {
    await mkdir(join(dir, 'moved'));
    for (const i of [1, 2]) {
      const name = `fleet-part-${i}-of-2.json`;
      await copyFile(join(dir, 'out', name), join(dir, 'moved', name));
    }
    const run = await runInProcess(['report', '--merge', 'moved'], { cwd: dir });
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toMatch(/warning: elb: no forecast\.png or plan\.png in .*moved\/elb/);
    expect(await read('moved', 'summary.md')).toBe(await read('whole', 'summary.md'));
  });

  it('rejects a bad --shard, and --shard without a fleet', async () => {
    const values = ['5/4', '0/2', '2', 'one/two', '1/0'];
    const runs = await Promise.all(
      values.map((bad) =>
        runInProcess(['plan', '--config', 'headroom.yaml', '--shard', bad], { cwd: dir }),
      ),
    );
    for (const [k, run] of runs.entries()) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `error: --shard: expected i/n with 1 ≤ i ≤ n, got '${values[k]}'`,
      );
    }
    const csv = await runInProcess(['plan', ELB, '--shard', '1/2']);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/--shard splits a fleet: use it with --config/);
  });

  it('a shard with no services (n larger than the fleet) writes an empty part and succeeds', async () => {
    const run = await runInProcess(['plan', '--shard', '6/6', '--out-dir', 'sixths', '--json'], {
      cwd: dir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ shard: { index: 6, count: 6 }, services: [] });
    const part = JSON.parse(await read('sixths', 'fleet-part-6-of-6.json'));
    expect(part).toMatchObject({ total: 4, services: [], outcomes: [] });
  });
});

describe('shard assignment', () => {
  it.each([
    ['2/4', { index: 2, count: 4 }],
    [' 1 / 1 ', { index: 1, count: 1 }],
    ['10/10', { index: 10, count: 10 }],
  ])('parses %j', (text, shard) => expect(parseShard(text)).toEqual(shard));

  it('is balanced, covers every task once, and does not depend on the input order', () => {
    const names = Array.from({ length: 11 }, (_, i) => ({ name: `svc-${(i * 7) % 11}` }));
    const shuffled = [...names].reverse();
    const seen: string[] = [];
    for (let index = 1; index <= 4; index++) {
      const part = tasksOfShard(names, { index, count: 4 });
      expect(part).toHaveLength(shardSize(11, { index, count: 4 }));
      expect(part.length === 2 || part.length === 3).toBe(true);
      expect(tasksOfShard(shuffled, { index, count: 4 }).map((t) => t.task.name)).toEqual(
        part.map((t) => t.task.name),
      );
      for (const { task, position } of part) expect(names[position]).toBe(task);
      seen.push(...part.map((t) => t.task.name));
    }
    expect(seen.sort()).toEqual(names.map((n) => n.name).sort());
  });
});

/** Runs a script as Kubernetes runs `sh -c` (or as Actions runs `bash -e`). */
const sh = (script: string, env: Record<string, string>, shell: 'sh' | 'bash' = 'sh') =>
  new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      shell,
      shell === 'bash' ? ['-e', '-c', script] : ['-c', script],
      { env: { ...process.env, ...env } },
      (error, stdout) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });

/** A stand-in for a command that prints its arguments and exits with $STUB_EXIT. */
async function stub(name: string): Promise<string> {
  const bin = await mkdtemp(join(tmpdir(), 'headroom-stub-'));
  await writeFile(join(bin, name), '#!/bin/sh\necho "$@"\nexit "${STUB_EXIT:-0}"\n');
  await chmod(join(bin, name), 0o755);
  return bin;
}

describe('examples', () => {
  it('k8s-indexed-job.yaml: valid objects; each pod plans shard JOB_COMPLETION_INDEX+1 of 4', async () => {
    const text = await readFile(join(ROOT, 'examples', 'k8s-indexed-job.yaml'), 'utf8');
    const docs = parseAllDocuments(text);
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    const objects = docs.map((d) => d.toJS());
    const models = { Job, ConfigMap, PersistentVolumeClaim } as Record<
      string,
      new (data: never) => { validate(): void }
    >;
    for (const object of objects) new models[object.kind](object as never).validate();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'PersistentVolumeClaim/headroom-work',
      'ConfigMap/headroom-config',
      'Job/headroom-plan',
      'Job/headroom-merge',
    ]);
    const [, config, plan, merge] = objects;
    expect(configSchema.safeParse(parse(config.data['headroom.yaml'])).success).toBe(true);
    expect(plan.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4 });
    expect(merge.spec.template.spec.containers[0].command).toEqual([
      'headroom',
      'report',
      '--merge',
      '/work/reports',
    ]);

    // The container's script under sh, with a stand-in headroom: exit 5 still completes the pod.
    const [container] = plan.spec.template.spec.containers;
    expect(container.command).toEqual(['sh', '-c']);
    const PATH = `${await stub('headroom')}:${process.env.PATH}`;
    const run = await sh(container.args[0], { PATH, JOB_COMPLETION_INDEX: '1', STUB_EXIT: '5' });
    expect(run).toEqual({
      code: 0,
      stdout:
        'plan --config /config/headroom.yaml --shard 2/4 --allow-outside-config-dir --out-dir /work/reports --workers 2\n',
    });
    const bad = await sh(container.args[0], { PATH, JOB_COMPLETION_INDEX: '3', STUB_EXIT: '2' });
    expect(bad.code).toBe(2);
  });

  it('headroom-fleet-matrix.yml: four shard jobs, then a merge that reads their artifacts', async () => {
    const text = await readFile(
      join(ROOT, 'examples', 'github-actions', 'headroom-fleet-matrix.yml'),
      'utf8',
    );
    const workflow = parse(text);
    const { plan, merge } = workflow.jobs;
    expect(plan.strategy).toEqual({ 'fail-fast': false, matrix: { shard: [1, 2, 3, 4] } });
    expect(merge.needs).toBe('plan');
    type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
    const planRun = (plan.steps as Step[]).find((s) => s.run?.includes('--shard'))!.run!;
    const upload = (plan.steps as Step[]).find((s) => s.uses?.startsWith('actions/upload'))!;
    const download = (merge.steps as Step[]).find((s) => s.uses?.startsWith('actions/download'))!;
    expect(upload.with).toMatchObject({ name: 'fleet-part-${{ matrix.shard }}', path: 'reports/' });
    expect(download.with).toMatchObject({
      pattern: 'fleet-part-*',
      'merge-multiple': true,
      path: 'reports',
    });
    const mergeRun = (merge.steps as Step[]).find((s) => s.run?.includes('--merge'))!.run!;
    expect(mergeRun).toMatch(/report --merge reports/);
    expect(mergeRun).toMatch(/cat reports\/summary\.md >> "\$GITHUB_STEP_SUMMARY"/);

    // The plan step under bash -e (as Actions runs it), with a stand-in node.
    const PATH = `${await stub('node')}:${process.env.PATH}`;
    const script = planRun.replace('${{ matrix.shard }}', '3');
    const ok = await sh(script, { PATH, STUB_EXIT: '5' }, 'bash');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/plan --config headroom\.yaml --shard 3\/4 --out-dir reports/);
    expect((await sh(script, { PATH, STUB_EXIT: '2' }, 'bash')).code).toBe(2);
  });
});
