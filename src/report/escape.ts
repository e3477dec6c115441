// Names in reports (services, columns, files, events) come from config files, CSV headers and
// file names, which anyone who opens a pull request controls. Every report prints them through
// one of these, so a name is always shown as text: it can neither add a table cell nor a tag.

/** `text` for HTML element content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * `text` as plain Markdown text on one line, also inside a table cell: Markdown's punctuation is
 * backslash-escaped (so `|` stays in its cell, and backticks, emphasis and links stay text) and
 * HTML's is written as entities.
 */
export function markdownText(text: unknown): string {
  return String(text)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]|#!~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * `text` as one Markdown code span (outside tables): fenced by more backticks than it holds in a
 * row, so it cannot close the span early; HTML inside a code span is shown as text.
 */
export function markdownCode(text: unknown): string {
  const line = String(text).replace(/\s*[\r\n]+\s*/g, ' ');
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}
