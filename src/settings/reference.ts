import { GROUPS, settingsOf, type Group } from './table.js';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** docs/settings.md: every setting of the table, its flag, its headroom.yaml key and default. */
export function settingsReference(): string {
  const lines = [
    '# Settings',
    '',
    'Generated from `src/settings/table.ts` by `npm run docs`; a test fails when this page',
    'is out of date. Every setting is a flag of `headroom plan` (and of the commands that forecast',
    'or plan) and a key of `headroom.yaml` (in `defaults` or a service; the source settings in a',
    "service's `source:` block); flags given on the command line win over the file.",
  ];
  for (const [group, title] of Object.entries(GROUPS) as [Group, string][]) {
    if (settingsOf(group).length === 0) continue;
    lines.push(
      '',
      `## ${title}`,
      '',
      '| flag | headroom.yaml | default | what it does |',
      '| --- | --- | --- | --- |',
    );
    for (const [key, s] of settingsOf(group)) {
      const choices = s.choices ? ` One of: ${s.choices.map((c) => `\`${c}\``).join(', ')}.` : '';
      const fallback = s.default === undefined ? '–' : `\`${s.default}\``;
      const yaml = group === 'source' ? `source.${key}` : key;
      lines.push(
        `| \`${cell(s.flag)}\` | \`${yaml}\` | ${fallback} | ${cell(s.help)}.${choices} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
