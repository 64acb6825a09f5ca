// Small Markdown and HTML helpers shared by the summary and the HTML report: tables and
// the one inline conversion the report needs (`code` and **bold** to HTML).
import type { Table } from './types.js';

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownTable(t: Table, heading = '###'): string {
  const head = `| ${t.columns.map((c) => mdCell(c.label)).join(' | ')} |`;
  const rule = `|${t.columns.map((c) => (c.align === 'right' ? '---:' : ':---')).join('|')}|`;
  const rows = t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`);
  return [`${heading} ${t.title}`, '', head, rule, ...rows, ...(t.note ? ['', `<sub>${t.note}</sub>`] : [])].join('\n');
}

/** JSON with 2-space indent, but arrays of numbers or strings kept on one line. */
export function compactJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\n\s*((?:(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false|null),?\s*)+)\]/g,
    (_m, body: string) =>
      `[${body
        .split(/,\s*\n\s*/)
        .map((x) => x.trim())
        .join(', ')}]`,
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Markdown inline text (as findings and table cells use it) to HTML: escapes, `code`, **bold**. */
export function inlineHtml(markdown: string): string {
  return escapeHtml(markdown)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

export function htmlTable(t: Table, id?: string): string {
  const head = t.columns.map((c) => `<th class="${c.align}">${inlineHtml(c.label)}</th>`).join('');
  const rows = t.rows
    .map(
      (r) =>
        `<tr>${r.map((cell, i) => `<td class="${t.columns[i]?.align ?? 'left'}">${inlineHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return [
    `<table${id ? ` id="${escapeHtml(id)}"` : ''}>`,
    `<caption>${inlineHtml(t.title)}</caption>`,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${rows}\n</tbody>`,
    '</table>',
    ...(t.note ? [`<p class="note">${inlineHtml(t.note)}</p>`] : []),
  ].join('\n');
}
