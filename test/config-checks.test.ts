import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELB, headroom } from './helpers/cli.js';

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
    const { code, stderr, stdout } = await headroom([
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
});
