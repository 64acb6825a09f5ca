// Renders a grid of strings as an aligned plain-text table or a Markdown table. Pure.

export type Align = 'left' | 'right';

export interface Grid {
  header: string[];
  align: Align[];
  rows: string[][];
}

/** Columns padded to their widest cell, two spaces apart, a dashed rule under the header. */
export function renderText(grid: Grid): string {
  const widths = grid.header.map((h, i) => Math.max(width(h), ...grid.rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) =>
        grid.align[i] === 'right' ? ' '.repeat(widths[i]! - width(c)) + c : c + ' '.repeat(widths[i]! - width(c)),
      )
      .join('  ')
      .trimEnd();
  return [line(grid.header), widths.map((w) => '-'.repeat(w)).join('  '), ...grid.rows.map(line)].join('\n');
}

/** GitHub-flavoured Markdown table; `|` in cells escaped. */
export function renderMarkdown(grid: Grid): string {
  const esc = (s: string): string => s.replaceAll('|', '\\|');
  const row = (cells: string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  const rule = `|${grid.align.map((a) => (a === 'right' ? '---:' : ':---')).join('|')}|`;
  return [row(grid.header), rule, ...grid.rows.map(row)].join('\n');
}

/** Display width: code points (every character this tool prints is single-width). */
function width(s: string): number {
  return [...s].length;
}
