import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { EXIT } from '../src/exit-codes.js';
import { BIN } from './helpers/cli.js';

// The push-target registry (src/targets/registry.ts) is the only list of targets: a target added
// to it here, and nowhere else, becomes `headroom push bucket` with its flags and help, a
// `push.bucket` block of headroom.yaml checked by its rules, and `push bucket --config`. The CLI
// runs in this process (src/, where the mock applies).

vi.mock('../src/targets/registry.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/targets/registry.js')>();
  const { fakeTarget } = await import('./helpers/fake-push-target.js');
  return { PUSH_TARGETS: [...real.PUSH_TARGETS, fakeTarget] };
});

async function headroom(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(['node', 'headroom', ...args], {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(before);
  }
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-push-registry-'));
  // Three weeks of hourly load with a daily peak of 300.
  const rows = ['timestamp,requests'];
  for (let h = 0; h < 24 * 21; h++) {
    const time = new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
    rows.push(`${time},${Math.round(200 + 100 * Math.sin((2 * Math.PI * h) / 24))}`);
  }
  await writeFile(join(dir, 'load.csv'), rows.join('\n') + '\n');
  await writeFile(join(dir, 'manifest.txt'), 'inside\n');
});

async function config(name: string, lines: string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(
    file,
    ['defaults:', '  capacityPerServer: 100', 'services:', ...lines].join('\n') + '\n',
  );
  return file;
}

describe('a push target added to the registry alone', () => {
  it('is a push subcommand with its flags, defaults, help and the shared push flags', async () => {
    const group = await headroom(['push', '--help'], dir);
    expect(group.stdout).toMatch(/bucket \[options\] \[csv\]\s+Store the planned peak in a bucket/);
    expect(group.stdout).toContain('AWS Auto Scaling, Kubernetes or a test bucket');
    const help = (await headroom(['push', 'bucket', '--help'], dir)).stdout;
    expect(help).toMatch(/--bucket <name>\s+the bucket to write/);
    expect(help).toMatch(/--copies <n>\s+how many copies to keep \(default: "2"\)/);
    // The schedule's flags and the plan's, as every push command has them.
    expect(help).toContain('--schedule <file>');
    expect(help).toContain('--capacity-per-server <load>');
    // --config (a plain one: the definition has none), then --allow-outside-config-dir, --json last.
    expect(help).toMatch(
      /--config <file>\s+push every service of a headroom\.yaml\s+that has a push\.bucket block\n\s+--allow-outside-config-dir[\s\S]*--json\s+print the result as JSON\n\s+-h, --help/,
    );
    expect(help).toContain('Exit codes: 0 done, 2 bad input.');
  });

  it('pushes a CSV planned on the fly through the orchestrator: a dry run, then --apply', async () => {
    const dry = await headroom(
      ['push', 'bucket', 'load.csv', '--bucket', 'b1', '--capacity-per-server', '100', '--json'],
      dir,
    );
    expect(dry.stderr).not.toMatch(/error/i);
    expect(dry.code).toBe(EXIT.ok);
    const json = JSON.parse(dry.stdout);
    expect(json).toMatchObject({ bucket: 'b1', copies: '2', applied: [] });
    expect(json.peak).toBeGreaterThanOrEqual(3);
    expect(json.explicit).toEqual(['bucket', 'capacityPerServer', 'json']);
    const applied = await headroom(
      ['push', 'bucket', 'load.csv', '--bucket', 'b1', '--capacity-per-server', '100', '--apply'],
      dir,
    );
    expect(applied.stdout).toBe(`applied: store peak ${json.peak} in b1\n`);
  });

  it('takes a push.bucket block in headroom.yaml, and push bucket --config pushes each service', async () => {
    const file = await config('fleet.yaml', [
      '  - name: web',
      '    data: load.csv',
      '    push:',
      '      bucket: { bucket: web-bucket, copies: 3, region: eu-west-1, manifest: manifest.txt }',
      '  - name: api',
      '    data: load.csv',
      '    capacityPerServer: 50',
      '    push:',
      '      bucket: { bucket: api-bucket }',
      '  - name: batch',
      '    data: load.csv',
    ]);
    // --copies on the command line wins over the blocks.
    const run = await headroom(
      ['push', 'bucket', '--config', file, '--copies', '4', '--json'],
      dir,
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(EXIT.ok);
    const json = JSON.parse(run.stdout);
    expect(json.target).toBe('bucket');
    expect(json.services.map((s: { name: string }) => s.name)).toEqual(['web', 'api']);
    const [web, api] = json.services.map((s: { result: Record<string, unknown> }) => s.result);
    expect(web).toMatchObject({
      bucket: 'web-bucket',
      copies: '4',
      region: 'eu-west-1',
      manifest: join(dir, 'manifest.txt'),
    });
    expect(api).toMatchObject({ bucket: 'api-bucket', copies: '4' });
    // api plans at 50 per server: twice web's servers, from its own settings.
    expect(api.peak).toBeGreaterThan(web.peak as number);
  });

  it("checks the block by the target's rules, with the file and line, before any push", async () => {
    const cases: [string, string, RegExp][] = [
      ['missing.yaml', '{ copies: 2 }', /push\.bucket\.bucket/],
      ['zero.yaml', '{ bucket: b, copies: 0 }', /push\.bucket\.copies/],
      ['typo.yaml', '{ bucket: b, copie: 2 }', /copie[\s\S]*did you mean 'copies'/],
      ['outside.yaml', '{ bucket: b, manifest: ../elsewhere.txt }', /push\.bucket\.manifest/],
    ];
    for (const [name, block, message] of cases) {
      const file = await config(name, [
        '  - name: web',
        '    data: load.csv',
        `    push: { bucket: ${block} }`,
      ]);
      const run = await headroom(['push', 'bucket', '--config', file], dir);
      expect(run.code, name).toBe(EXIT.usage);
      expect(run.stderr, name).toMatch(message);
      expect(run.stderr, name).toContain(`${name}:`);
    }
  });

  it("names the block to add when no service has one, from the target's example", async () => {
    const file = await config('none.yaml', ['  - name: web', '    data: load.csv']);
    const run = await headroom(['push', 'bucket', '--config', file], dir);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('no service has a push.bucket block');
    expect(run.stderr).toContain('add push: { bucket: { bucket: my-bucket } } to a service');
  });
});

describe('the real registry', () => {
  it('`headroom --help` loads no target module and neither the AWS SDK nor the Kubernetes client', async () => {
    // A module hook in the binary's process records every module it resolves.
    const hooks = await mkdtemp(join(tmpdir(), 'headroom-hooks-'));
    const log = join(hooks, 'resolved.txt');
    await writeFile(
      join(hooks, 'hook.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}\n`,
    );
    await writeFile(
      join(hooks, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(hooks, 'hook.mjs')).href)});\n`,
    );
    const run = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(join(hooks, 'register.mjs')).href, BIN, '--help'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const resolved = await readFile(log, 'utf8');
    // The registry and the definitions are loaded (so the hook sees the CLI's modules)…
    expect(resolved).toContain('/dist/targets/registry.js');
    expect(resolved).toContain('/dist/targets/aws/definition.js');
    // …and nothing a push runs.
    expect(resolved).not.toMatch(/@aws-sdk|@smithy|@kubernetes|\/targets\/(aws|k8s)\/command\.js/);
  });
});
