import { copyFile, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFiles } from '../src/config/paths.js';
import { ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

// A pull request controls headroom.yaml; CI runs it and publishes what it prints. Every file the
// config names must stay in the config's folder, and no file's content may be echoed in full.

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY';
const CREDENTIALS = `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;
const FLAG = '--allow-outside-config-dir';

let outer: string;
let project: string;

/** Every file under `dir`, read as text (reports, charts' neighbours, part files). */
async function everythingUnder(dir: string): Promise<string> {
  const texts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) texts.push(await readFile(join(entry.parentPath, entry.name), 'latin1'));
  }
  return texts.join('\n');
}

function expectNoSecret(...texts: string[]) {
  for (const text of texts) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(SECRET.slice(0, 12));
  }
}

async function project_(name: string, yaml: string[]): Promise<string> {
  const dir = join(outer, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'headroom.yaml'), yaml.join('\n') + '\n');
  return dir;
}

beforeAll(async () => {
  outer = await mkdtemp(join(tmpdir(), 'headroom-paths-'));
  await writeFile(join(outer, 'secret.txt'), CREDENTIALS);
  await mkdir(join(outer, 'elsewhere'));
  await writeFile(join(outer, 'elsewhere', 'secret.csv'), CREDENTIALS);
  project = join(outer, 'project');
  await mkdir(project);
  await copyFile(ELB, join(project, 'elb.csv'));
  await symlink(join(outer, 'secret.txt'), join(project, 'link.csv'));
  await symlink(join(outer, 'elsewhere'), join(project, 'linked-dir'));
});

describe('paths in headroom.yaml stay in its folder', () => {
  it('refuses data outside the folder (relative, absolute, through a symlink), naming field, path and flag, and echoes nothing', async () => {
    await writeFile(
      join(project, 'headroom.yaml'),
      [
        'reports: out',
        'services:',
        '  - name: relative',
        '    data: ../secret.txt',
        '  - name: absolute',
        `    data: ${join(outer, 'secret.txt')}`,
        '  - name: symlink',
        '    data: link.csv',
        '  - name: fine',
        '    data: elb.csv',
      ].join('\n'),
    );
    const run = await runInProcess(['plan', '--config', 'headroom.yaml'], { cwd: project });
    expect(run.code, run.stderr).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.includes('headroom.yaml:'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /headroom\.yaml:4: services\[0\]\.data: '\.\.\/secret\.txt' is outside the config's folder .*--allow-outside-config-dir/,
    );
    expect(lines[1]).toMatch(/headroom\.yaml:6: services\[1\]\.data: '\/.*secret\.txt' is outside/);
    expect(lines[2]).toMatch(
      /headroom\.yaml:8: services\[2\]\.data: 'link\.csv' leads to .*secret\.txt, outside the config's folder .*--allow-outside-config-dir/,
    );
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expectNoSecret(run.stdout, run.stderr, await everythingUnder(project));
  });

  it('refuses events, model files, the reports folder and push k8s files outside the folder', async () => {
    const dir = await project_('others', [
      'reports: ../reports',
      'defaults:',
      '  events: ../secret.txt',
      'services:',
      '  - name: web',
      '    data: data.csv',
      '    modelFile: /etc/passwd',
      '    push:',
      '      k8s:',
      '        target: deployment/web',
      '        keepTriggers: ../secret.txt',
      '        out: ../../web.yaml',
    ]);
    await copyFile(ELB, join(dir, 'data.csv'));
    const run = await runInProcess(['plan'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    for (const field of [
      /headroom\.yaml:1: reports: '\.\.\/reports' is outside/,
      /headroom\.yaml:3: defaults\.events: '\.\.\/secret\.txt' is outside/,
      /headroom\.yaml:7: services\[0\]\.modelFile: '\/etc\/passwd' is outside/,
      /headroom\.yaml:11: services\[0\]\.push\.k8s\.keepTriggers: '\.\.\/secret\.txt' is outside/,
      /headroom\.yaml:12: services\[0\]\.push\.k8s\.out: '\.\.\/\.\.\/web\.yaml' is outside/,
    ]) {
      expect(run.stderr).toMatch(field);
    }
    const push = await runInProcess(['push', 'k8s', '--config', 'headroom.yaml'], { cwd: dir });
    expect(push.code).toBe(2);
    expect(push.stderr).toMatch(
      /defaults\.events: '\.\.\/secret\.txt' is outside.*--allow-outside-config-dir/,
    );
    expectNoSecret(run.stdout, run.stderr, push.stdout, push.stderr);
  });

  it('paths inside the folder are read from it, wherever headroom runs', async () => {
    const dir = await project_('inside', [
      'reports: out',
      'defaults:',
      '  capacityPerServer: 100',
      '  events: events.csv',
      'services:',
      '  - name: elb',
      "    data: 'series/*.csv'",
    ]);
    await mkdir(join(dir, 'series'));
    await copyFile(ELB, join(dir, 'series', 'elb.csv'));
    await writeFile(join(dir, 'events.csv'), 'date,name\n2014-04-10,launch\n');
    const run = await runInProcess(['plan', '--config', join('inside', 'headroom.yaml')], {
      cwd: outer,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/1 service\(s\), 1 planned, 0 failed/);
  });

  it('globs neither leave the folder nor follow a symlinked folder out of it', async () => {
    const dir = await project_('globs', [
      'services:',
      '  - name: up',
      "    data: '../elsewhere/*.csv'",
      '  - name: linked',
      "    data: 'linked/*.csv'",
      '  - name: deep',
      "    data: '**/*.csv'",
    ]);
    await symlink(join(outer, 'elsewhere'), join(dir, 'linked'));
    const run = await runInProcess(['plan'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/services\[0\]\.data: '\.\.\/elsewhere\/\*\.csv' is outside/);
    expect(run.stderr).toMatch(/services\[1\]\.data: 'linked\/\*\.csv' leads to .*elsewhere/);
    // `**` does not walk into the symlinked folder: nothing of it matches.
    expect(run.stderr).toMatch(/services\[2\]\.data: no file matches '\*\*\/\*\.csv'/);
    expectNoSecret(run.stdout, run.stderr);
  });

  it('even when allowed outside, a glob never walks /proc, /sys or /dev', async () => {
    const folder = { dir: outer, real: outer, allowOutside: true };
    expect(await dataFiles(folder, '/proc/self/*')).toEqual({ files: [] });
    expect(await dataFiles(folder, '/dev/*')).toEqual({ files: [] });
    expect((await dataFiles(folder, join(outer, '*.txt'))).files).toEqual([
      join(outer, 'secret.txt'),
    ]);
  });

  it('a glob matching more than 10,000 files is refused with a clear error', async () => {
    const dir = await project_('many', ['services:', '  - name: many', "    data: 'series/*.csv'"]);
    await mkdir(join(dir, 'series'));
    await Promise.all(
      Array.from({ length: 10_001 }, (_, i) => writeFile(join(dir, 'series', `s${i}.csv`), '')),
    );
    const run = await runInProcess(['plan'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /services\[0\]\.data: 'series\/\*\.csv' matches more than 10,000 files/,
    );
  }, 60_000);

  it(`${FLAG} reads outside files, but a file that fails to parse is shown only as a short masked excerpt`, async () => {
    const dir = await project_('allowed', [
      'reports: out',
      'defaults:',
      '  capacityPerServer: 100',
      'services:',
      '  - name: creds',
      '    data: ../secret.txt',
      '  - name: rows',
      '    data: rows.csv',
      '  - name: elb',
      `    data: ${ELB}`,
    ]);
    await writeFile(
      join(dir, 'rows.csv'),
      `timestamp,value\n2024-01-01T00:00:00Z,1\naws_secret_access_key=${SECRET},2\n`,
    );
    const run = await runInProcess(['plan', FLAG, '--workers', '2'], { cwd: dir });
    expect(run.code, run.stderr).toBe(5);
    expect(run.stdout).toMatch(/3 service\(s\), 1 planned, 2 failed/);
    const summary = await readFile(join(dir, 'out', 'summary.md'), 'utf8');
    const index = await readFile(join(dir, 'out', 'index.html'), 'utf8');
    // The shape of what was found, not its content.
    expect(run.stderr).toMatch(/secret\.txt: found no timestamp column; the columns are '\[d\*+]'/);
    expect(run.stderr).toMatch(
      /rows\.csv:3: expected a timestamp in column '[^']*', got 'aws_[*_=]+…'/,
    );
    expect(summary).toMatch(/rows\.csv:3: expected a timestamp/);
    expectNoSecret(run.stdout, run.stderr, summary, index, await everythingUnder(join(dir, 'out')));
    // The same file planned directly (the user named it) shows the text as it is.
    const direct = await runInProcess(['plan', 'rows.csv', '--out-dir', 'direct'], { cwd: dir });
    expect(direct.code).toBe(2);
    expect(direct.stderr).toContain(`got 'aws_secret_access_key=${SECRET}'`);
  }, 60_000);
});
