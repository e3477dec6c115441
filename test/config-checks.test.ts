import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

function configDir(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-config-checks-'));
  copyFileSync(ELB, join(dir, 'elb.csv'));
  writeFileSync(join(dir, 'headroom.yaml'), yaml);
  return dir;
}

describe('checks across keys of headroom.yaml', () => {
  it('refuses minServers above maxServers before planning, with the line of each (exit 2)', async () => {
    const dir = configDir(
      [
        'version: 1',
        'defaults:',
        '  maxServers: 3',
        'services:',
        '  - name: web',
        '    data: elb.csv',
        '    minServers: 5',
        '  - name: api',
        '    data: elb.csv',
        '    minServers: 2',
        '',
      ].join('\n'),
    );
    const { code, stderr, stdout } = await runInProcess([
      'plan',
      '--config',
      join(dir, 'headroom.yaml'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "headroom.yaml:7: services[0].minServers 5 is above defaults.maxServers 3 (line 3) for service 'web'",
    );
    // The other service is fine, and nothing was planned.
    expect(stderr).not.toContain("service 'api'");
    expect(stdout).toBe('');
  });

  it('refuses settings that cannot be planned together when the config is read, in its own words (exit 2)', async () => {
    const dir = configDir(
      [
        'version: 1',
        'defaults:',
        '  interval: 1m',
        'services:',
        '  - name: web',
        '    data: elb.csv',
        '    horizon: 100d',
        '  - name: api',
        '    data: elb.csv',
        '    rowInterval: 5m',
        '    timestampColumn: ts',
        '  - name: fine',
        '    data: elb.csv',
        '',
      ].join('\n'),
    );
    const { code, stderr, stdout } = await runInProcess([
      'plan',
      '--config',
      join(dir, 'headroom.yaml'),
    ]);
    expect(code).toBe(2);
    // Each service with the line it starts on, the keys named as the file names them.
    expect(stderr).toMatch(
      /headroom\.yaml:5: services\[0\] \(service 'web'\): horizon 100d at interval 1m is 144,000 steps, more than 100,000/,
    );
    expect(stderr).toContain(
      "headroom.yaml:8: services[1] (service 'api'): rowInterval and timestampColumn exclude each other",
    );
    expect(stderr).not.toContain('--');
    expect(stderr).not.toContain("service 'fine'");
    expect(stdout).toBe('');
  });

  it('refuses a push endpoint that is neither AWS nor this machine (a config may come with a pull request)', async () => {
    const config = (endpoint: string) =>
      configDir(
        [
          'version: 1',
          'services:',
          '  - name: web',
          '    data: elb.csv',
          `    push: { aws: { group: web-asg, region: us-east-1, endpoint: '${endpoint}' } }`,
          '',
        ].join('\n'),
      );
    const refused = await runInProcess([
      'push',
      'aws',
      '--config',
      join(config('https://collector.example.com'), 'headroom.yaml'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'headroom.yaml:5: services[0].push.aws.endpoint: a config may only name an AWS endpoint',
    );
    for (const trusted of ['https://autoscaling.eu-west-1.amazonaws.com', 'http://127.0.0.1:9']) {
      const { stderr } = await runInProcess([
        'plan',
        '--config',
        join(config(trusted), 'headroom.yaml'),
        '-q',
      ]);
      expect(stderr).not.toContain('endpoint');
    }
  });
});
