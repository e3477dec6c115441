import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, markdownCode, markdownText } from '../src/report/escape.js';
import { fleetHtml, fleetMarkdown, type FleetEntry } from '../src/report/fleet.js';
import { runInProcess } from './helpers/in-process.js';

const HOSTILE = 'x|<img src=y onerror=alert(1)>`z`';

/** The cells of a Markdown table row, split at the pipes that are not escaped. */
const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1);

/** Markdown without its code spans (CommonMark: n backticks up to the next run of exactly n). */
function outsideCode(md: string): string {
  const runs = [...md.matchAll(/(?<!\\)`+/g)];
  let out = '';
  let at = 0;
  for (let k = 0; k < runs.length; k++) {
    const open = runs[k];
    if (open.index < at) continue;
    const close = runs.slice(k + 1).find((r) => r[0].length === open[0].length);
    if (!close) continue;
    out += md.slice(at, open.index);
    at = close.index + close[0].length;
  }
  return out + md.slice(at);
}

describe('names printed into reports are escaped', () => {
  it('markdownText keeps a table cell one cell and shows HTML and backticks as text', () => {
    const text = markdownText(`${HOSTILE}\nsecond line`);
    expect(cells(`| ${text} | b |`)).toHaveLength(2);
    expect(text).not.toMatch(/<|`(?<!\\`)|\n/);
    expect(text).toContain('&lt;img');
    expect(markdownText('plain name_1.csv')).toBe('plain name\\_1.csv');
  });

  it('markdownCode fences any backticks, so the name cannot end the code span', () => {
    expect(markdownCode('load')).toBe('`load`');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`a')).toBe('`` `a ``');
    expect(markdownCode('a\nb')).toBe('`a b`');
  });

  it('escapeHtml escapes the five characters HTML gives meaning', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('the fleet summary.md and index.html escape a failed service name and its error', () => {
    const entry: FleetEntry = {
      name: HOSTILE,
      ok: false,
      seconds: 1,
      error: `data.csv:3: expected a number in column '${HOSTILE}', got '<b>'`,
      warnings: [],
      notes: [],
    };
    const md = fleetMarkdown([entry]);
    const row = md.split('\n').find((l) => l.startsWith('| x'))!;
    expect(cells(row)).toHaveLength(6);
    expect(md).not.toMatch(/<img|<b>|(?<!\\)`z/);
    const html = fleetHtml([entry], '2024-01-01T00:00:00Z');
    expect(html).not.toMatch(/<img|<b>/);
  });

  it('plan and a fleet escape hostile column and file names in every summary.md and index.html', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-escape-'));
    await mkdir(join(dir, 'data'));
    const rows = ['timestamp,`load`|<b>bold</b>'];
    for (let h = 0; h < 24 * 15; h++) {
      const time = new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
      rows.push(`${time},${200 + 100 * Math.sin((2 * Math.PI * h) / 24)}`);
    }
    for (const file of ['a|<i>x.csv', 'b`tick`<b>.csv']) {
      await writeFile(join(dir, 'data', file), rows.join('\n') + '\n');
    }
    await writeFile(
      join(dir, 'headroom.yaml'),
      [
        'reports: out',
        'defaults:',
        '  capacityPerServer: 100',
        'services:',
        '  - name: web',
        "    data: 'data/*.csv'",
      ].join('\n'),
    );
    const run = await runInProcess(['plan', '--quiet', '--horizon', '1d'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const fleet = await readFile(join(dir, 'out', 'summary.md'), 'utf8');
    const table = fleet.split('\n').filter((l) => l.startsWith('| web'));
    expect(table).toHaveLength(2);
    for (const row of table) expect(cells(row)).toHaveLength(6);
    const html = await readFile(join(dir, 'out', 'index.html'), 'utf8');
    expect(html).not.toMatch(/<b>|<i>|<\/b>|<\/i>/);
    const pages = [fleet];
    for (const folder of await readdir(join(dir, 'out'), { withFileTypes: true })) {
      if (folder.isDirectory()) {
        pages.push(await readFile(join(dir, 'out', folder.name, 'summary.md'), 'utf8'));
      }
    }
    expect(pages).toHaveLength(3);
    // HTML only inside code spans, where Markdown shows it as text.
    for (const page of pages) expect(outsideCode(page)).not.toMatch(/<b>|<i>|<\/b>|<\/i>/);
    // In a service's summary the column name is one code span, whatever backticks it holds.
    // Titled by its service (escaped), the column after it.
    expect(pages[1]).toContain('# Capacity plan for web-a\\|&lt;i&gt;x (`` `load`|<b>bold</b> ``)');
  }, 60_000);
});
