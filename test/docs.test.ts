import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README and the pages under docs/ link to each other and to headings inside each other. These
// tests keep those links working as the pages change: a moved section or a renamed heading fails
// here instead of leaving a reader on a 404 or at the top of a page.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');
const DOCS = join(ROOT, 'docs');
const PAGES = [
  README,
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(DOCS, name)),
];

/** Markdown without fenced code blocks (their lines blanked, so line numbers stay) and code spans. */
function prose(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line.replace(/(`+)[^`]*?\1/g, '');
  });
}

/** GitHub's heading anchor: lowercase, punctuation other than '-' and '_' dropped, spaces → '-'. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text only
    .replace(/[`*]/g, '');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings; a repeated heading gets -1, -2… as on GitHub. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

interface Link {
  line: number;
  target: string;
}

function links(markdown: string): Link[] {
  const out: Link[] = [];
  prose(markdown).forEach((text, index) => {
    for (const match of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ line: index + 1, target: match[1] });
    }
  });
  return out;
}

/** What is wrong with each relative link of `file`, as `file:line: target: problem`. */
function brokenLinks(file: string, markdown: string, read = readPage): string[] {
  const problems: string[] = [];
  for (const { line, target } of links(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const where = `${relative(ROOT, file)}:${line}: ${target}`;
    const destination = path === '' ? file : resolve(dirname(file), path);
    if (!existsSync(destination)) {
      problems.push(`${where}: no file ${relative(ROOT, destination)}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!destination.endsWith('.md')) {
      problems.push(`${where}: an anchor into a file that is not Markdown`);
      continue;
    }
    const headings = anchors(path === '' ? markdown : read(destination));
    if (!headings.has(anchor)) {
      problems.push(`${where}: no heading '#${anchor}' in ${relative(ROOT, destination)}`);
    }
  }
  return problems;
}

function readPage(file: string): string {
  return readFileSync(file, 'utf8');
}

describe('GitHub heading anchors', () => {
  it.each([
    ['`headroom plan [csv]`', 'headroom-plan-csv'],
    [
      '`headroom report --merge <folder or part files…>`',
      'headroom-report---merge-folder-or-part-files',
    ],
    ["Reconcile, don't append", 'reconcile-dont-append'],
    ['Beyond one machine: shards', 'beyond-one-machine-shards'],
    ['KEDA ScaledObject (`--format keda`)', 'keda-scaledobject---format-keda'],
    ['snake_case and [a link](x.md)', 'snake_case-and-a-link'],
  ])('%s → #%s', (heading, expected) => {
    expect(slug(heading)).toBe(expected);
  });

  it('numbers repeated headings and ignores # lines inside code blocks', () => {
    const page = '# Top\n\n## Same\n\n## Same\n\n```yaml\n# not a heading\n```\n';
    expect([...anchors(page)]).toEqual(['top', 'same', 'same-1']);
  });
});

describe('the link checker', () => {
  it('reports a missing file and a missing heading, and accepts good links', () => {
    const page = [
      '[ok](docs/commands.md) [ok too](#here) [ext](https://example.com/#nowhere)',
      '[gone](docs/nowhere.md) [bad anchor](docs/commands.md#nowhere)',
      '`[in code](docs/nowhere.md)`',
      '## Here',
    ].join('\n');
    expect(brokenLinks(README, page)).toEqual([
      'README.md:2: docs/nowhere.md: no file docs/nowhere.md',
      "README.md:2: docs/commands.md#nowhere: no heading '#nowhere' in docs/commands.md",
    ]);
  });
});

describe('README.md and docs/', () => {
  it.each(PAGES.map((file) => [relative(ROOT, file), file]))(
    '%s: every relative link names an existing file and heading',
    (_name, file) => {
      expect(brokenLinks(file, readPage(file))).toEqual([]);
    },
  );

  it('the README links every page of docs/', () => {
    const linked = new Set(
      links(readPage(README)).map(({ target }) => resolve(ROOT, target.split('#')[0])),
    );
    expect(PAGES.filter((page) => page !== README && !linked.has(page))).toEqual([]);
  });

  it('the README stays short and starts with the two commands', () => {
    const readme = readPage(README);
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(170);
    expect(readme).toContain('npm ci && npx headroom demo');
    expect(readme).toContain('npm test');
  });
});
